import FoundationEssentials
import Glibc

/// `piloto init [--dir DIR]`: writes a commented piloto.yaml for the repository in DIR (default
/// `.`), from what it detects there; never overwrites one (exit 2).
enum InitCommand {
    static func run(arguments: [String], stdout: Output, stderr: Output) -> Int32 {
        guard
            let parsed = ParsedArguments.parse(
                arguments, command: "init", valued: ["--dir"], switches: [], hint: "use --dir DIR", stderr: stderr)
        else { return ExitCode.usage }
        let dir = parsed.values["--dir"] ?? "."
        var isDirectory = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory else {
            stderr.write("piloto: init: '\(dir)' is not a folder\n")
            return ExitCode.usage
        }
        let target = ProjectDetection.join(dir, "piloto.yaml")
        if FileManager.default.fileExists(atPath: target) {
            stderr.write("piloto: init: \(target) already exists; not overwriting it (edit it, or move it away and run init again)\n")
            return ExitCode.usage
        }
        let project = ProjectDetection.detect(in: dir)
        let folder = absoluteFolderName(dir)
        let text = InitTemplate.render(
            serviceName: InitTemplate.serviceName(fromFolder: folder), project: project,
            pilotoRef: "v" + HelpText.version.split(separator: " ").last.map(String.init)!)
        // O_EXCL: a file created between the check and now is still never overwritten.
        let fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            stderr.write("piloto: init: cannot create \(target): \(String(cString: strerror(errno)))\n")
            return errno == EEXIST ? ExitCode.usage : ExitCode.checkFailed
        }
        FileDescriptorWriter.writeAll(fd, Array(text.utf8))
        close(fd)
        stdout.write(summary(project, target: target))
        return ExitCode.success
    }

    /// What was detected, what to fill in, what to run next.
    static func summary(_ project: DetectedProject, target: String) -> String {
        var out = ""
        if let frontend = project.frontend {
            out += "detected frontend: \(frontend.framework) in \(frontend.path) (build: \(frontend.build), output: \(frontend.output))\n"
        } else {
            out += "no frontend found (a package.json with a \"build\" script in \(ProjectDetection.frontendFolders.joined(separator: ", ")))\n"
        }
        if let backend = project.backend {
            out += "detected backend: Python ASGI (\(backend.manifest) names fastapi/uvicorn) in \(backend.path)"
            out += backend.app.map { ", app \($0)\n" } ?? ", app module not found\n"
        } else {
            out += "no Python backend found (requirements.txt or pyproject.toml naming fastapi or uvicorn in \(ProjectDetection.backendFolders.joined(separator: ", ")))\n"
        }
        if project.frontend == nil && project.backend == nil {
            out += "nothing to detect: wrote a piloto-only config (health, auth, dashboard, WebSocket channels)\n"
        }
        out += "wrote \(target)\n\nfill in before deploying:\n"
        out += InitTemplate.toFill(project).map { "  - \($0)\n" }.joined()
        out += "\nthen: piloto validate && piloto generate (out/README.md lists the deploy steps)\n"
        return out
    }

    /// The folder's own name, for the service name (`.` → the current folder's name).
    static func absoluteFolderName(_ dir: String) -> String {
        let path = dir.hasPrefix("/") ? dir : FileManager.default.currentDirectoryPath + "/" + dir
        let parts = path.split(separator: "/").filter { $0 != "." }
        var stack: [Substring] = []
        for part in parts { if part == ".." { _ = stack.popLast() } else { stack.append(part) } }
        return stack.last.map(String.init) ?? "app"
    }
}
