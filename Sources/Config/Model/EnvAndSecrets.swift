/// One entry of `env:`.
package struct EnvVar: Sendable, Equatable {
    package var name: String
    package var value: String
}

/// One entry of `secrets:`: an environment variable filled from Secret Manager.
///
/// Cloud Run's `secretKeyRef.key` is the secret's *version* (`"1"` or `latest`), not a field inside
/// the secret, which is what the original design's `key: url` got wrong.
package struct SecretRef: Sendable, Equatable {
    /// The environment variable, e.g. `DATABASE_URL`.
    package var envName: String
    /// The Secret Manager secret name, e.g. `db-url`.
    package var secret: String
    /// The version: a number as text, or `latest` (allowed, warned).
    package var version: String
}
