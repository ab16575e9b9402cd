import Glibc

/// The process environment as a dictionary, read from glibc's `environ`.
///
/// Why not `ProcessInfo.processInfo.environment`: the first use of `ProcessInfo` builds all of it
/// (arguments, host name, process facts), which perf showed as ~3 % of `serve`'s start-up CPU, and
/// the cold start is measured against nginx (issue 12).
package enum ProcessEnvironment {
    package static func current() -> [String: String] {
        var entries: [String] = []
        if var cursor = UnsafePointer(environ) {
            while let entry = cursor.pointee {
                entries.append(String(cString: entry))
                cursor += 1
            }
        }
        return variables(entries)
    }

    /// `NAME=value` entries as a dictionary: the value is everything after the first `=`; an entry
    /// without `=` is skipped; when a name appears twice the first entry wins, as with `getenv`.
    static func variables(_ entries: [String]) -> [String: String] {
        var variables: [String: String] = [:]
        for text in entries {
            guard let equals = text.utf8.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let name = String(text[..<equals])
            if variables[name] == nil { variables[name] = String(text[text.index(after: equals)...]) }
        }
        return variables
    }
}
