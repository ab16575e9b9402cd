import FuzzSupport
import PilotoConfig

/// Any bytes as a piloto.yaml: the loader must answer with a config or diagnostics, never crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = text  // TODO(config helper): call ConfigLoader.load(yaml:...) here.
    return 0
}

@main
struct FuzzConfigMain {
    static func main() { runFuzzTarget(fuzzConfig) }
}
