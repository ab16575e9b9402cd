// FlyingFox peer for bench/run and bench/ws_run.
//
//   flyingfox-peer <port> [dist]      listens on 127.0.0.1 only
//
// The same routes as the Hummingbird peer: `/api/health`, `/ws/echo` (echo), and with a `dist`
// folder the static site: `/assets/<name>` from memory with the `.gz` sibling for gzip clients and
// the immutable policy, 404 for a missing asset, index.html (no-cache) for every other GET.
// Logging is disabled (its Linux default prints a line per connection).
import FlyingFox
import FlyingSocks
import Foundation

struct StaticFile: Sendable {
    let body: Data
    let gzip: Data?
    let contentType: String
}

func contentType(of name: String) -> String {
    switch name.split(separator: ".").last.map(String.init) ?? "" {
    case "js", "mjs": return "text/javascript; charset=utf-8"
    case "css": return "text/css; charset=utf-8"
    case "html": return "text/html; charset=utf-8"
    case "svg": return "image/svg+xml"
    case "json": return "application/json"
    default: return "application/octet-stream"
    }
}

func load(_ path: String) -> StaticFile? {
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    return StaticFile(body: data, gzip: FileManager.default.contents(atPath: path + ".gz"),
                      contentType: contentType(of: path))
}

let arguments = CommandLine.arguments
let port = UInt16(arguments.count > 1 ? arguments[1] : "") ?? 8083
let dist = arguments.count > 2 ? arguments[2] : nil
var loaded: [String: StaticFile] = [:]
if let dist {
    let folder = dist + "/assets"
    for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    where !name.hasSuffix(".gz") && !name.hasSuffix(".br") {
        loaded[name] = load(folder + "/" + name)
    }
}
let assets = loaded
let index = dist.flatMap { load($0 + "/index.html") }

let server = HTTPServer(address: try .inet(ip4: "127.0.0.1", port: port), logger: .disabled)

await server.appendRoute("GET /api/health") { _ in
    HTTPResponse(statusCode: .ok, headers: [.contentType: "application/json"], body: Data("{\"status\":\"ok\"}".utf8))
}
await server.appendRoute("GET /ws/echo", to: .webSocket(EchoWSMessageHandler()))
await server.appendRoute("GET /assets/*") { request in
    let name = String(request.path.dropFirst("/assets/".count))
    guard let file = assets[name] else { return HTTPResponse(statusCode: .notFound) }
    var headers: HTTPHeaders = [
        .contentType: file.contentType,
        .cacheControl: "public, max-age=31536000, immutable",
        HTTPHeader("Vary"): "Accept-Encoding",
    ]
    if let gzip = file.gzip, request.headers[HTTPHeader("Accept-Encoding")]?.contains("gzip") == true {
        headers[.contentEncoding] = "gzip"
        return HTTPResponse(statusCode: .ok, headers: headers, body: gzip)
    }
    return HTTPResponse(statusCode: .ok, headers: headers, body: file.body)
}
await server.appendRoute("GET *") { _ in
    guard let index else { return HTTPResponse(statusCode: .notFound) }
    return HTTPResponse(statusCode: .ok, headers: [.contentType: index.contentType, .cacheControl: "no-cache"],
                        body: index.body)
}
try await server.run()
