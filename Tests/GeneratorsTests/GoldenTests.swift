import Foundation
import PilotoConfig
import PilotoGenerators
import Testing

/// Byte-for-byte comparison of every artifact with committed expected files.
///
/// `PILOTO_RECORD=1 swift test --filter GoldenTests` rewrites the expected folders and FAILS, so a
/// recording run can never pass CI by accident.
@Suite struct GoldenTests {
    @Test(arguments: GenFixtures.cases)
    func matchesExpectedFiles(_ testCase: GenFixtures.Case) throws {
        let config = try GenFixtures.config(testCase)
        let artifacts = Generators.generateAll(config)
        if ProcessInfo.processInfo.environment["PILOTO_RECORD"] == "1" {
            let report = try ArtifactWriter(directory: testCase.expected).write(artifacts)
            Issue.record("recorded \(testCase.expected) (\(report.written.count) written); unset PILOTO_RECORD and rerun")
            return
        }
        let expectedPaths = Self.expectedFiles(testCase)
        #expect(expectedPaths == artifacts.map(\.path), "file list of \(testCase.expected)")
        for artifact in artifacts {
            let path = testCase.expected + "/" + artifact.path
            guard let data = FileManager.default.contents(atPath: path) else {
                Issue.record("missing expected file \(path) (record with PILOTO_RECORD=1)")
                continue
            }
            if let difference = Self.firstDifference(String(decoding: data, as: UTF8.self), artifact.contents) {
                Issue.record("\(path): \(difference)")
            }
        }
    }

    /// Files the writer owns in the expected folder (top level, alerts/ and lb/*.tf), as generate sees them.
    static func expectedFiles(_ testCase: GenFixtures.Case) -> [String] {
        let manager = FileManager.default
        var paths: [String] = []
        for name in (try? manager.contentsOfDirectory(atPath: testCase.expected)) ?? [] {
            var isDirectory: ObjCBool = false
            _ = manager.fileExists(atPath: testCase.expected + "/" + name, isDirectory: &isDirectory)
            if isDirectory.boolValue {
                if name == "alerts" || name == "lb" {
                    let files = (try? manager.contentsOfDirectory(atPath: testCase.expected + "/" + name)) ?? []
                    paths += files.filter { name == "alerts" || $0.hasSuffix(".tf") }.map { name + "/" + $0 }
                }
            } else if !Generators.foreignFiles.contains(name) {
                paths.append(name)
            }
        }
        return paths.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// The first differing line, with its number, instead of two whole blobs.
    static func firstDifference(_ expected: String, _ actual: String) -> String? {
        guard expected != actual else { return nil }
        let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let b = actual.split(separator: "\n", omittingEmptySubsequences: false)
        for index in 0..<max(a.count, b.count) {
            let left = index < a.count ? String(a[index]) : "<end of file>"
            let right = index < b.count ? String(b[index]) : "<end of file>"
            if left != right {
                return "line \(index + 1) differs\n  expected: \(left)\n  actual:   \(right)"
            }
        }
        return "bytes differ (line endings or encoding)"
    }
}
