import Foundation
import PilotoCLI

/// Runs the CLI in-process and captures both streams.
struct CLIResult {
    var code: Int32
    var out: String
    var err: String
}

func runCLI(_ arguments: [String]) -> CLIResult {
    let out = Output.capture()
    let err = Output.capture()
    let code = run(arguments: arguments, stdout: out, stderr: err)
    return CLIResult(code: code, out: out.text, err: err.text)
}

enum CLIFixtures {
    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let golden = here.appendingPathComponent("Golden").path
    static let repoRoot = here.deletingLastPathComponent().deletingLastPathComponent().path

    /// A fresh temporary folder (tests run in parallel: never a shared path).
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "piloto-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Compares with `Golden/<name>`; `PILOTO_UPDATE_GOLDENS=1` rewrites it.
    static func golden(_ name: String) throws -> String {
        try String(contentsOfFile: golden + "/" + name, encoding: .utf8)
    }

    static func update(_ name: String, _ text: String) throws {
        if ProcessInfo.processInfo.environment["PILOTO_UPDATE_GOLDENS"] == "1" {
            try text.write(toFile: golden + "/" + name, atomically: true, encoding: .utf8)
        }
    }
}
