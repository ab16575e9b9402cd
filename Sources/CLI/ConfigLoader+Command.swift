import FoundationEssentials
import PilotoConfig

extension ConfigLoader {
    /// `load` for a command's `run`: warnings go to stderr; errors are rendered there and give nil (exit 2).
    static func load(
        path: String, environment: String?, variables: [String: String] = ProcessInfo.processInfo.environment,
        purpose: LoadPurpose = .check, reportingTo stderr: Output
    ) -> LoadedConfig? {
        do {
            let loaded = try load(path: path, environment: environment, variables: variables, purpose: purpose)
            stderr.write(loaded.renderedWarnings)
            return loaded
        } catch {
            stderr.write(error.rendered)
            return nil
        }
    }
}
