import FoundationEssentials
import PilotoConfig

/// What `piloto init` found in a repository: a Node frontend and/or a Python ASGI backend.
///
/// Detection only reads a few well-known files (package.json, the bundler's config, angular.json,
/// requirements.txt/pyproject.toml, the module that creates the FastAPI app); it never runs the
/// project's tools, so `init` is safe in any checkout.
struct DetectedProject: Equatable {
    struct Frontend: Equatable {
        /// Folder relative to the repository root (`.` for the root itself).
        var path: String
        /// `Vite`, `Create React App`, `Angular` or `Node` (a build script, bundler unknown).
        var framework: String
        /// Build output folder relative to `path`.
        var output: String
        var node: String
        var install: String
        var build: String
        /// Folder (relative to `output`) of content-hashed assets, served `immutable`; nil: unknown.
        var hashedAssets: String?
    }

    struct Backend: Equatable {
        var path: String
        /// `requirements.txt` or `pyproject.toml`.
        var manifest: String
        /// `module:variable` for uvicorn, e.g. `app.main:app`; nil when no `FastAPI(` was found.
        var app: String?
    }

    var frontend: Frontend?
    var backend: Backend?
}

enum ProjectDetection {
    /// Folders searched, in order, for each part (first match wins).
    static let frontendFolders = [".", "frontend", "web", "client", "ui", "app"]
    static let backendFolders = [".", "backend", "api", "server"]

    static func detect(in root: String) -> DetectedProject {
        DetectedProject(
            frontend: frontendFolders.lazy.compactMap { frontend(root: root, folder: $0) }.first,
            backend: backendFolders.lazy.compactMap { backend(root: root, folder: $0) }.first)
    }

    // MARK: Frontend

    static func frontend(root: String, folder: String) -> DetectedProject.Frontend? {
        let dir = join(root, folder)
        guard let manifest = readJSON(join(dir, "package.json")), manifest["scripts"]?["build"] != nil else { return nil }
        func depends(on package: String) -> Bool {
            manifest["dependencies"]?[package] != nil || manifest["devDependencies"]?[package] != nil
        }
        let (install, build) = packageManager(dir)
        var frontend = DetectedProject.Frontend(
            path: folder, framework: "Node", output: "dist", node: nodeMajor(manifest["engines"]?["node"]?.stringValue),
            install: install, build: build, hashedAssets: nil)
        if let angular = angularOutput(dir) {
            frontend.framework = "Angular"
            frontend.output = angular
        } else if depends(on: "react-scripts") {
            frontend.framework = "Create React App"
            frontend.output = "build"
            frontend.hashedAssets = "static"
        } else if let vite = viteConfig(dir) ?? (depends(on: "vite") ? "" : nil) {
            frontend.framework = "Vite"
            frontend.output = literalOption("outDir", in: vite) ?? "dist"
            frontend.hashedAssets = literalOption("assetsDir", in: vite) ?? "assets"
        }
        return frontend
    }

    /// The lock file decides the install command (`npm ci` needs package-lock.json).
    static func packageManager(_ dir: String) -> (install: String, build: String) {
        if exists(join(dir, "pnpm-lock.yaml")) { return ("pnpm install --frozen-lockfile", "pnpm run build") }
        if exists(join(dir, "yarn.lock")) { return ("yarn install --frozen-lockfile", "yarn build") }
        if exists(join(dir, "package-lock.json")) { return ("npm ci", "npm run build") }
        return ("npm install", "npm run build")
    }

    /// `engines.node` like `>=18`, `20.x`, `^22.1.0` → its first number; else 20.
    static func nodeMajor(_ range: String?) -> String {
        guard let range else { return "20" }
        let digits = range.drop { !$0.isNumber }.prefix { $0.isNumber }
        return digits.isEmpty ? "20" : String(digits)
    }

    /// The text of `vite.config.*`, if there is one.
    static func viteConfig(_ dir: String) -> String? {
        for name in ["vite.config.ts", "vite.config.js", "vite.config.mts", "vite.config.mjs"] {
            if let data = read(join(dir, name)) { return String(decoding: data, as: UTF8.self) }
        }
        return nil
    }

    /// `name: 'literal'` (or `"literal"`) in a JS/TS config; nil when absent or computed.
    static func literalOption(_ name: String, in text: String) -> String? {
        guard let range = text.firstRange(of: name) else { return nil }
        var rest = text[range.upperBound...].drop { $0 == " " || $0 == "\t" }
        guard rest.first == ":" else { return nil }
        rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" }
        guard let quote = rest.first, quote == "'" || quote == "\"" || quote == "`" else { return nil }
        let value = rest.dropFirst().prefix { $0 != quote && $0 != "\n" }
        let cleaned = value.hasPrefix("./") ? String(value.dropFirst(2)) : String(value)
        return cleaned.isEmpty || cleaned.contains("..") || cleaned.hasPrefix("/") ? nil : cleaned
    }

    /// The browser bundle folder of angular.json's default (else alphabetically first) project.
    static func angularOutput(_ dir: String) -> String? {
        guard let angular = readJSON(join(dir, "angular.json")), case .object(let projects)? = angular["projects"],
            !projects.isEmpty
        else { return nil }
        let names = projects.map(\.0)
        let name = angular["defaultProject"]?.stringValue.flatMap { names.contains($0) ? $0 : nil } ?? names.sorted()[0]
        let build = angular["projects"]?[name]?["architect"]?["build"]
        // The application builder (Angular 17+) writes the browser bundle to OUTPUT/browser.
        let application = build?["builder"]?.stringValue?.hasSuffix(":application") ?? false
        // `outputPath` is a string, or (Angular 17+) `{base, browser}`.
        let outputPath = build?["options"]?["outputPath"]
        if let path = outputPath?.stringValue { return application ? path + "/browser" : path }
        if let base = outputPath?["base"]?.stringValue { return base + "/" + (outputPath?["browser"]?.stringValue ?? "browser") }
        return "dist/\(name)" + (application ? "/browser" : "")
    }

    // MARK: Backend

    static func backend(root: String, folder: String) -> DetectedProject.Backend? {
        let dir = join(root, folder)
        var manifest: String?
        for name in ["requirements.txt", "pyproject.toml"] {
            guard let data = read(join(dir, name)) else { continue }
            let text = String(decoding: data, as: UTF8.self).lowercased()
            if text.contains("fastapi") || text.contains("uvicorn") {
                manifest = name
                break
            }
        }
        guard let manifest else { return nil }
        return DetectedProject.Backend(path: folder, manifest: manifest, app: appModule(dir))
    }

    /// `module:variable` of the first `NAME = FastAPI(` in the usual places.
    static func appModule(_ dir: String) -> String? {
        for module in ["app/main", "main", "app", "src/main", "app/app", "api/main"] {
            guard let data = read(join(dir, module + ".py")) else { continue }
            for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
                let parts = line.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[1].trimmingSpaces.hasPrefix("FastAPI(") else { continue }
                let variable = parts[0].trimmingSpaces
                guard !variable.isEmpty, variable.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { continue }
                return module.split(separator: "/").joined(separator: ".") + ":" + variable
            }
        }
        return nil
    }

    // MARK: Files

    static func join(_ a: String, _ b: String) -> String {
        if b == "." { return a }
        return a.hasSuffix("/") ? a + b : a + "/" + b
    }

    /// The file at `path` parsed as JSON; nil when it is missing or not JSON.
    static func readJSON(_ path: String) -> JSONValue? {
        read(path).flatMap { try? JSONParser.parse(Array($0)) }
    }

    static func read(_ path: String) -> Data? {
        guard exists(path) else { return nil }
        return FileManager.default.contents(atPath: path)
    }

    static func exists(_ path: String) -> Bool {
        var isDirectory = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed())
    }
}
