/// A config that cannot be used: every error and warning found in one run, sorted by position.
package struct ConfigError: Error, Sendable {
    /// Errors and warnings, sorted by position (notes hang off their diagnostic).
    package var diagnostics: [Diagnostic]
    /// Compiler-style text of `diagnostics`, capped at `DiagnosticRenderer.displayLimit`.
    package var rendered: String

    /// Only the errors (warnings never decide the exit code).
    package var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
}

/// A usable config plus any warnings about it.
package struct LoadedConfig: Sendable {
    package var config: PilotoConfig
    /// Warnings, sorted by position.
    package var warnings: [Diagnostic]
    /// Compiler-style text of `warnings` (empty when there are none).
    package var renderedWarnings: String = ""
}
