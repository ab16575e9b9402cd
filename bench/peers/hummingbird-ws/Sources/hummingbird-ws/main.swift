// Hummingbird 2 peer for bench/ws_run: `/ws/echo` echoes every text or binary message back,
// `/api/health` answers {"status":"ok"} so the harness can wait for readiness the same way it
// does for piloto. Usage: hummingbird-ws [port] (default 8081), listens on 127.0.0.1 only.
import Hummingbird
import HummingbirdWebSocket
import Logging

let arguments = CommandLine.arguments
let port = arguments.count > 1 ? Int(arguments[1]) ?? 8081 : 8081

var logger = Logger(label: "hummingbird-ws")
logger.logLevel = .warning

let router = Router()
router.get("/api/health") { _, _ -> Response in
    Response(
        status: .ok,
        headers: [.contentType: "application/json"],
        body: .init(byteBuffer: ByteBuffer(string: "{\"status\":\"ok\"}"))
    )
}

let app = Application(
    router: router,
    // 1 MiB, the same max_message as piloto.yaml's /ws/echo route.
    server: .http1WebSocketUpgrade(configuration: .init(ws: .init(maxFrameSize: 1 << 20))) { head, _, _ in
        guard head.path == "/ws/echo" else { return .dontUpgrade }
        return .upgrade([:]) { inbound, outbound, _ in
            for try await message in inbound.messages(maxSize: 1 << 20) {
                switch message {
                case .binary(let buffer):
                    try await outbound.write(.binary(buffer))
                case .text(let string):
                    try await outbound.write(.text(string))
                }
            }
        }
    },
    configuration: .init(address: .hostname("127.0.0.1", port: port)),
    logger: logger
)
try await app.runService()
