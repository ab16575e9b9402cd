// Hummingbird 2 peer for bench/run and bench/ws_run.
//
//   hummingbird-ws <port> [dist]      listens on 127.0.0.1 only
//
// - `/ws/echo` echoes every text or binary message back (bench/ws_run).
// - `/api/health` answers {"status":"ok"}: the harness waits for it, like for piloto.
// - With a `dist` folder (frontend/dist), the same static site as nginx and piloto (bench/run):
//   `/assets/<name>` with the `.gz` sibling when the client accepts gzip and the immutable cache
//   policy, a missing asset is a 404, and every other GET is the SPA's index.html (no-cache).
//   Files are read into memory at startup: the fastest plain Hummingbird setup (FileMiddleware
//   reads from disk per request and has no precompressed variants), so a strong peer.
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging

/// One file held in memory, with its precompressed gzip sibling when there is one.
struct StaticFile: Sendable {
    let body: ByteBuffer
    let gzip: ByteBuffer?
    let contentType: String
}

func contentType(of name: String) -> String {
    switch name.split(separator: ".").last.map(String.init) ?? "" {
    case "js", "mjs": return "text/javascript; charset=utf-8"
    case "css": return "text/css; charset=utf-8"
    case "html": return "text/html; charset=utf-8"
    case "svg": return "image/svg+xml"
    case "json": return "application/json"
    case "png": return "image/png"
    case "woff2": return "font/woff2"
    default: return "application/octet-stream"
    }
}

func load(_ path: String) -> StaticFile? {
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    let gzip = FileManager.default.contents(atPath: path + ".gz").map { ByteBuffer(bytes: $0) }
    return StaticFile(body: ByteBuffer(bytes: data), gzip: gzip, contentType: contentType(of: path))
}

func loadAssets(dist: String) -> [String: StaticFile] {
    let folder = dist + "/assets"
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    var assets: [String: StaticFile] = [:]
    for name in names where !name.hasSuffix(".gz") && !name.hasSuffix(".br") {
        if let file = load(folder + "/" + name) { assets[name] = file }
    }
    return assets
}

let arguments = CommandLine.arguments
let port = arguments.count > 1 ? Int(arguments[1]) ?? 8081 : 8081
let dist = arguments.count > 2 ? arguments[2] : nil
let assets = dist.map(loadAssets(dist:)) ?? [:]
let index = dist.flatMap { load($0 + "/index.html") }
let immutable = "public, max-age=31536000, immutable"

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
router.get("/assets/:name") { request, context -> Response in
    guard let name = context.parameters.get("name"), let file = assets[name] else {
        return Response(status: .notFound)
    }
    var headers: HTTPFields = [.contentType: file.contentType, .cacheControl: immutable, .vary: "Accept-Encoding"]
    if let gzip = file.gzip, request.headers[.acceptEncoding]?.contains("gzip") == true {
        headers[.contentEncoding] = "gzip"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: gzip))
    }
    return Response(status: .ok, headers: headers, body: .init(byteBuffer: file.body))
}
/// The SPA fallback: index.html for any other path ("**" does not match "/" itself).
@Sendable func spa(_ request: Request, _ context: BasicRequestContext) -> Response {
    guard let index, !request.uri.path.hasPrefix("/assets/") else { return Response(status: .notFound) }
    return Response(
        status: .ok,
        headers: [.contentType: index.contentType, .cacheControl: "no-cache"],
        body: .init(byteBuffer: index.body)
    )
}
router.get("/", use: spa)
router.get("**", use: spa)

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
