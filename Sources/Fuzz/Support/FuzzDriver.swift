import Foundation

/// The signature libFuzzer calls: one input, return 0.
public typealias FuzzCallback = @convention(c) (UnsafePointer<UInt8>, Int) -> CInt

/// Entry point shared by every fuzz target.
///
/// Built by `scripts/fuzz` with `-sanitize=fuzzer,address -DFUZZING`, it hands control to
/// libFuzzer's driver (SwiftPM names an executable's entry point itself, so libFuzzer's own `main`
/// cannot be used). In a normal build it replays the files given as arguments, so any crash input
/// kept under `Tests/FuzzCorpus/` becomes a regression run.
public func runFuzzTarget(_ callback: FuzzCallback) -> Never {
    #if FUZZING
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, callback))
    #else
    var replayed = 0
    for path in CommandLine.arguments.dropFirst() {
        for file in filesUnder(path) {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            let bytes = [UInt8](data) + [0]  // never an empty buffer: keeps baseAddress non-nil
            _ = bytes.withUnsafeBufferPointer { buffer in
                buffer.baseAddress.map { callback($0, data.count) }
            }
            replayed += 1
        }
    }
    FileHandle.standardError.write(Data("replayed \(replayed) inputs without a crash\n".utf8))
    exit(0)
    #endif
}

/// A file, or every regular file below a folder in sorted order.
private func filesUnder(_ path: String) -> [String] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [] }
    guard isDirectory.boolValue else { return [path] }
    let names = (try? FileManager.default.subpathsOfDirectory(atPath: path)) ?? []
    return names.sorted().map { path + "/" + $0 }.filter {
        var dir: ObjCBool = false
        return FileManager.default.fileExists(atPath: $0, isDirectory: &dir) && !dir.boolValue
    }
}

#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: FuzzCallback
) -> CInt
#endif
