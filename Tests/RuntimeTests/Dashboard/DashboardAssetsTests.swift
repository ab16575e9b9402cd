import Foundation
import PilotoRuntime
import Testing

/// `Assets/dashboard.{js,css}` are the source; the binary (SwiftPM's `.embedInCode`) must carry
/// exactly their bytes, and the script must parse.
@Suite struct DashboardAssetsTests {
    static let assets = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sources/Runtime/Dashboard/Assets").path

    static var node: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/node" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test func embeddedBytesMatchTheAssetFiles() throws {
        let script = try #require(FileManager.default.contents(atPath: Self.assets + "/dashboard.js"))
        let style = try #require(FileManager.default.contents(atPath: Self.assets + "/dashboard.css"))
        #expect(DashboardAssets.script == Array(script))
        #expect(DashboardAssets.style == Array(style))
        #expect(DashboardAssets.script.count > 4000 && DashboardAssets.style.count > 1000)
    }

    @Test(.enabled(if: node != nil)) func scriptPassesNodeCheck() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.node))
        process.arguments = ["--check", Self.assets + "/dashboard.js"]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(message)")
    }
}
