/// One message about the config, positioned at a 1-based line and column of `file`.
///
/// The CLI and the server print the same text: `FILE:LINE:COL: error: MESSAGE`, the source line and
/// a caret, like a compiler, so an operator can jump straight to the problem.
package struct Diagnostic: Sendable, Equatable {
    package enum Severity: String, Sendable, Equatable, Comparable {
        case error
        case warning
        case note

        private var rank: Int {
            switch self {
            case .error: 0
            case .warning: 1
            case .note: 2
            }
        }

        package static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    }

    package var severity: Severity
    /// The config file as the user named it.
    package var file: String
    /// 1-based line.
    package var line: Int
    /// 1-based column, counted in Unicode scalars as libyaml does.
    package var column: Int
    package var message: String
    /// Follow-up positions (`note:`), e.g. the first definition of a duplicated key.
    package var notes: [Diagnostic] = []

    /// The `FILE:LINE:COL: severity: message` header line, without snippet.
    package var header: String { "\(file):\(line):\(column): \(severity.rawValue): \(message)" }
}
