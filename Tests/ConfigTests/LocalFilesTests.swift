import FoundationEssentials
import Glibc
@testable import PilotoConfig
import Testing

/// `LocalFiles` (the POSIX calls a config load makes instead of `FileManager`) and
/// `PathResolution`, on real files in a temporary folder.
@Suite struct LocalFilesTests {
    /// A fresh folder under the system's temporary directory, removed by `body`'s caller.
    static func withFolder(_ body: (String) throws -> Void) throws {
        var template = Array("/tmp/piloto-localfiles-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        let folder = try #require(made.map { String(cString: $0) })
        defer { _ = try? FileManager.default.removeItem(atPath: folder) }
        try body(folder)
    }

    @Test func readsAFileWholeAndAnswersFileOrFolder() throws {
        try Self.withFolder { folder in
            let path = folder + "/piloto.yaml"
            let text = String(repeating: "service: {name: app}\n", count: 700)  // larger than one 4 KiB read
            try #require(FileManager.default.createFile(atPath: path, contents: Data(text.utf8)))
            #expect(LocalFiles.contents(path) == Array(text.utf8))
            #expect(LocalFiles.isFile(path))
            #expect(!LocalFiles.isDirectory(path))
            #expect(LocalFiles.isDirectory(folder))
            #expect(!LocalFiles.isFile(folder))
            #expect(LocalFiles.contents(folder) == nil)
            #expect(LocalFiles.contents(folder + "/missing.yaml") == nil)
            #expect(!LocalFiles.isFile(folder + "/missing.yaml"))
            #expect(!LocalFiles.isDirectory(folder + "/missing.yaml"))
            try #require(FileManager.default.createFile(atPath: folder + "/empty", contents: Data()))
            #expect(LocalFiles.contents(folder + "/empty") == [])
        }
    }

    @Test func aFileOverTheLimitGivesOneByteMoreThanTheLimit() throws {
        try Self.withFolder { folder in
            let path = folder + "/big.yaml"
            try #require(FileManager.default.createFile(atPath: path, contents: Data(repeating: 0x61, count: 10_000)))
            #expect(LocalFiles.contents(path, limit: 100)?.count == 101)
            #expect(LocalFiles.contents(path, limit: 10_000)?.count == 10_000)
        }
    }

    @Test func aPipeIsReadToItsEnd() throws {
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        let payload = Array("service: {name: piped}\n".utf8)
        #expect(payload.withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) } == payload.count)
        close(fds[1])
        defer { close(fds[0]) }
        #expect(LocalFiles.contents("/proc/self/fd/\(fds[0])") == payload)
    }

    @Test func theWorkingDirectoryIsFileManagersToo() {
        #expect(LocalFiles.currentDirectory == FileManager.default.currentDirectoryPath)
    }

    @Test(arguments: [
        ("a/b/../c", "/srv", "/srv/a/c"), ("/x/./y/", "/srv", "/x/y"), ("../../..", "/srv/app", "/"),
        ("", "/", "/"), ("piloto.yaml/..", "/work/main", "/work/main"), ("é/ü", "/", "/é/ü"),
    ])
    func pathsResolveLexically(path: String, base: String, expected: String) {
        #expect(PathResolution.resolve(path, against: base) == expected)
    }
}
