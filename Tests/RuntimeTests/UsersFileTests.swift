import Foundation
import Testing
@testable import PilotoRuntime
import PilotoTestKit

/// `sessions.users_file` parsing and reload.
struct UsersFileTests {
    @Test func parse_skipsCommentsAndBlanks_reportsBadLinesWithNumbers() {
        let text = """
            # comment

            ana:$y$j9T$abc$def
              bia:$y$j9T$ghi$jkl  \r
            no-colon-here
            :$y$j9T$x$y
            has space:$y$j9T$x$y
            carlos:plaintext
            ana:$y$j9T$other$hash
            """
        let parsed = UsersFile.parse(text)
        #expect(parsed.hashes["ana"] == "$y$j9T$abc$def")
        #expect(parsed.hashes["bia"] == "$y$j9T$ghi$jkl")
        #expect(parsed.hashes.count == 2)
        #expect(parsed.problems.map(\.line) == [5, 6, 7, 8, 9])
    }

    @Test func parse_survivesAnyBytes() {
        let parsed = UsersFile.parse(String(decoding: [0xFF, 0x3A, 0x00, 0x0A, 0x24, 0x3A, 0x24], as: UTF8.self))
        #expect(parsed.hashes.count <= 1)
    }

    @Test func directory_reloadsWhenTheFileChanges_andLogsBadLines() throws {
        let file = try UsersFileFixture([("ana", "pw-ana")])
        let sink = CapturingSink()
        let logger = Logger(sink: sink)
        let directory = UserDirectory(path: file.path, logger: logger)
        #expect(directory.count == 1)
        #expect(!directory.reloadIfChanged())  // nothing changed
        try file.write([("ana", "pw-ana"), ("bia", "pw-bia")], extraLines: ["broken line"])
        #expect(directory.reloadIfChanged())
        #expect(directory.count == 2)
        let bia = try #require(directory.hash(for: "bia"))
        #expect(PasswordHasher.verify("pw-bia", against: bia))
        logger.close()
        #expect(sink.lines.contains { $0.contains("users.txt:4: expected 'login:hash'") })
    }

    @Test func directory_keepsLastListWhenFileDisappears() throws {
        let file = try UsersFileFixture([("ana", "pw")])
        let directory = UserDirectory(path: file.path, logger: nil)
        try FileManager.default.removeItem(atPath: file.path)
        #expect(!directory.reloadIfChanged())
        #expect(directory.hash(for: "ana") != nil)
    }

    @Test func watcher_picksUpChangesByItself() throws {
        let file = try UsersFileFixture([("ana", "pw")])
        let directory = UserDirectory(path: file.path, logger: nil)
        directory.startWatching(intervalMilliseconds: 50)
        defer { directory.stop() }
        try file.write([("ana", "pw"), ("new", "pw2")])
        // The watcher's own timer notices the file's new identity; nothing signals that, so poll.
        #expect(eventuallyBlocking(seconds: 10) { directory.hash(for: "new") != nil })
    }
}
