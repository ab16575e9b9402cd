/// One generated file: a path relative to the output folder and its exact bytes (UTF-8 text).
///
/// Generators are pure: config in, `[Artifact]` out, sorted by path. Only the CLI's artifact
/// writer touches the disk.
package struct Artifact: Sendable, Equatable {
    /// Relative path with `/` separators, e.g. `alerts/latency-p99.json`.
    package var path: String
    package var contents: String
}
