import FoundationEssentials

/// Checks only `serve` makes: CI validates before the frontend is built, so `validate` must not
/// require `static`/`spa` roots to exist, but a server must not start without them.
extension PilotoConfig {
    /// One message per `static`/`spa` root (or users file) that is missing, in route order, e.g.
    /// `piloto.yaml: route '/assets': folder 'frontend/dist/assets' (/app/frontend/dist/assets) does not exist`.
    package func missingServeFiles(isDirectory: (String) -> Bool = PilotoConfig.directoryExists,
        isFile: (String) -> Bool = PilotoConfig.fileExists) -> [String]
    {
        var problems: [String] = []
        for route in routes {
            let root: ConfigPath
            switch route.handler {
            case .staticFiles(let s): root = s.root
            case .spa(let s): root = s.root
            default: continue
            }
            if !isDirectory(root.resolved) {
                problems.append(
                    "\(sourceName): route '\(route.path)': folder '\(root.asWritten)' (\(root.resolved)) does not exist")
            } else if case .spa(let spa) = route.handler, !isFile(root.resolved + "/" + spa.index) {
                problems.append(
                    "\(sourceName): route '\(route.path)': '\(spa.index)' not found in '\(root.asWritten)' (\(root.resolved))")
            }
        }
        if let users = sessions.usersFile, !isFile(users.resolved) {
            problems.append("\(sourceName): sessions.users_file '\(users.asWritten)' (\(users.resolved)) does not exist")
        }
        return problems
    }

    package static func directoryExists(_ path: String) -> Bool {
        LocalFiles.isDirectory(path)
    }

    package static func fileExists(_ path: String) -> Bool {
        LocalFiles.isFile(path)
    }
}
