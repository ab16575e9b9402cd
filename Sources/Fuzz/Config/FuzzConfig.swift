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
