import FuzzSupport
import PilotoRuntime

/// Any bytes fed to the WebSocket decoder, whole and split: never a crash, only events or a typed error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWebSocket(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = UnsafeBufferPointer(start: data, count: size)  // TODO(websocket helper): feed the decoder here.
    return 0
}

@main
struct FuzzWebSocketMain {
    static func main() { runFuzzTarget(fuzzWebSocket) }
}
