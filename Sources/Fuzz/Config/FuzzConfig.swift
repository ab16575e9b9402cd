import FuzzSupport
import Glibc
import PilotoConfig

/// Any bytes as a piloto.yaml: the loader must answer with a config or diagnostics, never crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    // Either outcome is fine; crashing, hanging or an error without a rendered message is not.
    do {
        _ = try ConfigLoader.load(
            yaml: text, sourceName: "fuzz.yaml", baseDirectory: "/fuzz", environment: size % 2 == 0 ? nil : "staging",
            variables: ["SET": "value"])
    } catch {
        if error.diagnostics.isEmpty || error.rendered.isEmpty { abort() }
    }
    return 0
}

@main
struct FuzzConfigMain {
    static func main() { runFuzzTarget(fuzzConfig) }
}

#if FUZZING
/// LeakSanitizer cannot see Swift's once-initialized global tables (`PilotoSchema`'s key arrays live
/// behind enum payload pointers with spare bits set), so at exit it reports them as leaks. Suppress
/// exactly those frames; every other leak (a libyaml event not freed, say) is still reported.
@_cdecl("__lsan_default_suppressions")
public func lsanDefaultSuppressions() -> UnsafePointer<CChar> {
    let text: StaticString = "leak:PilotoConfig0A6Schema\n"
    return UnsafeRawPointer(text.utf8Start).assumingMemoryBound(to: CChar.self)
}
#endif
