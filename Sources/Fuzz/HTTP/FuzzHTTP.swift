import FuzzSupport
import PilotoRuntime

/// Any bytes fed to the HTTP decoder, whole and split: never a crash, only events or a typed error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTP(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = UnsafeBufferPointer(start: data, count: size)  // TODO(http helper): feed the decoder here.
    return 0
}

@main
struct FuzzHTTPMain {
    static func main() { runFuzzTarget(fuzzHTTP) }
}
