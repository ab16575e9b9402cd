import Glibc
import Testing
@testable import PilotoCLI

/// argv read from the initial stack layout, not `/proc` (issue 12, item 8).
struct ProcessArgumentsTests {
    /// Builds `argc, argv..., NULL, envp..., NULL` as the kernel does and walks it from envp.
    private func walk(_ arguments: [String], environment: [String] = ["A=1"]) -> [String]? {
        let strings = (arguments + environment).map { strdup($0)! }
        defer { strings.forEach { free($0) } }
        var words: [UInt] = [UInt(arguments.count)]
        words += strings.prefix(arguments.count).map { UInt(bitPattern: $0) } + [0]
        let envIndex = words.count
        words += strings.dropFirst(arguments.count).map { UInt(bitPattern: $0) } + [0]
        return words.withUnsafeBufferPointer { buffer in
            ProcessArguments.argv(below: buffer.baseAddress! + envIndex)
        }
    }

    @Test func initialStackLayout_givesArgvInOrder() {
        #expect(walk(["/app/piloto", "--version"]) == ["/app/piloto", "--version"])
        #expect(walk(["piloto", "serve", "--config", "/app/piloto.yaml", ""], environment: []) ==
            ["piloto", "serve", "--config", "/app/piloto.yaml", ""])
        #expect(walk([]) == [])
    }

    @Test func wrongLayout_isNil_notACrash() {
        var noTerminator: [UInt] = [1, 0xdead_0000, 7, 0]
        let result = noTerminator.withUnsafeMutableBufferPointer { ProcessArguments.argv(below: $0.baseAddress! + 3) }
        #expect(result == nil)
        var neverArgc: [UInt] = Array(repeating: 0x7fff_0000, count: 8) + [0, 0]
        let bounded = neverArgc.withUnsafeMutableBufferPointer {
            ProcessArguments.argv(below: $0.baseAddress! + 9, limit: 4)
        }
        #expect(bounded == nil)
    }

    /// The real binary in a mount namespace whose /proc is an empty tmpfs, as in a chroot without
    /// /proc: `--version` must still print the version (it printed the usage and exited 2).
    @Test func binaryWithoutProc_readsItsArguments() throws {
        let candidates: [String] = ["/usr/bin/unshare", "/bin/unshare"]
        let unshare = candidates.first { (path: String) in access(path, X_OK) == 0 }
        guard let unshare, geteuid() == 0 else { return }
        let piloto = try PilotoBinary.path()
        let result = try PilotoBinary.launch(
            unshare, ["-m", "/bin/sh", "-c", "mount -t tmpfs none /proc && exec \"$0\" --version", piloto])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("piloto "))
    }
}
