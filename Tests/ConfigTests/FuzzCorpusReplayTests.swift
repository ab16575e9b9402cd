import Foundation
import PilotoConfig
import Testing

/// Every input under `Tests/FuzzCorpus/config` (seeds and any crash the fuzzer ever found) goes
/// through the loader in a normal test run: it must end in a config or in rendered errors.
struct FuzzCorpusReplayTests {
    @Test func corpus_loadsOrFailsCleanly() throws {
        let directory = Fixtures.repoRoot + "/Tests/FuzzCorpus/config"
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(names.count >= 30)
        for name in names {
            let data = try #require(FileManager.default.contents(atPath: directory + "/" + name))
            let text = String(decoding: data, as: UTF8.self)
            for environment in [nil, "staging"] as [String?] {
                do {
                    _ = try ConfigLoader.load(
                        yaml: text, sourceName: name, baseDirectory: "/fuzz", environment: environment,
                        variables: ["SET": "value"])
                } catch {
                    #expect(!error.errors.isEmpty, "\(name)")
                    #expect(error.rendered.contains(": error: "), "\(name)")
                }
            }
        }
    }
}
