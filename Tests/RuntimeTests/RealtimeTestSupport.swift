import Foundation
import Glibc
@testable import PilotoConfig
import Synchronization
@testable import PilotoRuntime
import PilotoTestKit

/// A session store the test fills by hand, or one that is "down".
final class TestSessionStore: SessionStore {
    /// A live session id in the shape real ones have (64 hex characters): `AuthGate` refuses
    /// anything else before asking the store.
    static let liveID = String(repeating: "5e", count: 32)

    let sessions: Mutex<[String: Session]>
    let down: Bool

    init(_ sessions: [String: String] = [:], down: Bool = false) {
        var table: [String: Session] = [:]
        for (id, login) in sessions { table[id] = Session(id: id, login: login, createdAt: 0, expiresAt: .max) }
        self.sessions = Mutex(table)
        self.down = down
    }

    func create(login: String, completion: @escaping @Sendable (Result<Session, SessionStoreError>) -> Void) {
        completion(.failure(.full))
    }

    /// Answers on another thread, as the Redis store does.
    func find(id: String, completion: @escaping @Sendable (Result<Session?, SessionStoreError>) -> Void) {
        let result: Result<Session?, SessionStoreError> =
            down ? .failure(.unavailable("test: store down")) : .success(sessions.withLock { $0[id] })
        DispatchQueue.global().async { completion(result) }
    }

    func destroy(id: String, completion: @escaping @Sendable (Result<Void, SessionStoreError>) -> Void) {
        completion(.success(()))
    }

    var degradedReason: String? { down ? "down" : nil }
}

/// A server with WebSocket routes, on 127.0.0.1:0 or (`listening: false`) answered in-process:
/// `/ws/echo` (echo, 1 MiB), `/ws/small` (echo, 1 KiB), `/ws` (channels), `/private` (channels, auth).
/// In-process there is no loop: no timer sweep, no deliveries between sessions (channels), no
/// back-pressure; handshakes and what one session answers to its own frames are the same.
final class RealtimeServer {
    let server: Server
    /// The bound port when listening; 0 in-process.
    let port: Int
    let logs = CapturingSink()
    let site: SiteFixture
    private let inProcess: InProcessServer?

    static let origin = "https://app.example.com"

    init(
        sessions: any SessionStore = TestSessionStore([TestSessionStore.liveID: "vendedor"]), devMode: Bool = false,
        requestTimeout: TimeSpan? = nil, realtime: RealtimeConfig? = nil, workers: Int = 2, listening: Bool = true,
        tune: @escaping (inout WebSocketConfiguration) -> Void = { _ in }
    ) throws {
        site = try SiteFixture()
        func ws(_ path: String, _ mode: WebSocketRoute.Mode, _ max: ByteSize, origins: [String] = [], auth: Bool = false) -> Route {
            Route(path: path, handler: .websocket(WebSocketRoute(mode: mode, maxMessage: max, origins: origins)), authRequired: auth)
        }
        let routes = [
            ws("/ws/echo", .echo, .mebibytes(1)),
            ws("/ws/small", .echo, ByteSize(bytes: 1024), origins: ["https://partner.example"]),
            ws("/ws", .channels, .mebibytes(1)),
            ws("/private", .channels, .kibibytes(64), auth: true),
        ] + site.routes()
        var config = PilotoConfig.fixture(routes: routes, workers: workers)
        if let requestTimeout { config.scaling.requestTimeout = requestTimeout }
        // Leaves at once unless a test asks otherwise: tests read them without waiting 10 s.
        config.realtime = realtime ?? RealtimeConfig(
            history: RealtimeConfig.defaults.history, presenceDebounce: .seconds(0),
            rotateBeforeTimeout: RealtimeConfig.defaults.rotateBeforeTimeout)
        let logger = Logger(sink: logs, project: nil)
        server = try Server(config: config, host: "127.0.0.1", port: 0, logger: logger) { link in
            let websocket = WebSocketResponders.make(link: link, sessions: sessions, devMode: devMode, tune: tune)
            return ApplicationResponders(websocket: { route, options in websocket(route, options) })
        }
        (port, inProcess) = try server.listenOrAnswerInProcess(listening: listening, logs: logs)
    }

    deinit {
        guard inProcess == nil else { return }  // never started; `InProcessServer` closes the logger
        server.beginShutdown()
        server.waitUntilStopped(timeoutMilliseconds: 8000)
        server.logger.close()
    }

    /// A client not yet upgraded: on a fresh TCP connection, or in-process.
    func client() throws -> any WebSocketTestClient {
        if let inProcess { return WSInProcessClient(inProcess.client) }
        return try WSRawClient(port: port)
    }

    /// A plain request (no upgrade headers) on a fresh connection.
    func get(_ path: String) throws -> (status: Int, headers: [String: String], body: String, raw: String)? {
        if let inProcess { return try inProcess.get(path) }
        let client = try RawClient(port: port)
        client.send("GET \(path) HTTP/1.1\r\nHost: t\r\n\r\n")
        return client.readResponse()
    }

    /// An upgraded client on `path`; throws when the server refused (see `handshake`).
    func connect(
        _ path: String, origin: String? = RealtimeServer.origin, cookie: String? = nil
    ) throws -> any WebSocketTestClient {
        let client = try client()
        let status = client.handshake(path, origin: origin, cookie: cookie)?.status
        guard status == 101 else { throw WSTestError.refused(status ?? 0) }
        return client
    }
}

enum WSTestError: Error { case refused(Int) }

/// A WebSocket client on a raw socket: writes masked frames exactly as given, parses server frames.
final class WSRawClient: WebSocketTestClient {
    let raw: RawClient
    private var parser = WebSocketFrameParser(maxFrameSize: 4 << 20, expectMasked: false)

    init(port: Int, receiveBuffer: Int32? = nil) throws {
        raw = try RawClient(port: port, receiveTimeoutSeconds: 5, receiveBuffer: receiveBuffer)
    }

    func sendHandshake(_ request: String) -> (status: Int, headers: [String: String], body: String, raw: String)? {
        raw.send(request)
        let response = raw.readResponse(head: true)
        if response?.status != 101, let response, let length = Int(response.headers["content-length"] ?? "0"), length > 0 {
            // readResponse(head: true) leaves the body: read it.
            var body = raw.pending.prefix(length)
            while body.count < length {
                var buffer = [UInt8](repeating: 0, count: 4096)
                let n = buffer.withUnsafeMutableBytes { recv(raw.fd, $0.baseAddress, $0.count, 0) }
                if n <= 0 { break }
                raw.pending += buffer[0..<n]
                body = raw.pending.prefix(length)
            }
            raw.pending.removeFirst(body.count)
            return (response.status, response.headers, String(decoding: body, as: UTF8.self), response.raw)
        }
        if let leftover = Optional(raw.pending), !leftover.isEmpty {
            parser.append(leftover)
            raw.pending = []
        }
        return response
    }

    /// The upgrade request `handshake` sends (`nil` leaves a header out).
    static func handshakeRequest(
        _ path: String, origin: String?, cookie: String?, version: String, method: String, key: String?
    ) -> String {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: app.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        if let key { text += "Sec-WebSocket-Key: \(key)\r\n" }
        text += "Sec-WebSocket-Version: \(version)\r\n"
        if let origin { text += "Origin: \(origin)\r\n" }
        if let cookie { text += "Cookie: theme=dark; session_id=\(cookie)\r\n" }
        return text + "\r\n"
    }

    func send(_ bytes: [UInt8]) { raw.send(bytes) }

    /// Sends each byte in its own `send` call (the server reads them in many small reads).
    func sendByteByByte(_ bytes: [UInt8]) {
        for byte in bytes { raw.send([byte]) }
    }

    /// The next frame from the server; nil on EOF, timeout or a malformed frame.
    func nextFrame() -> WebSocketFrame? {
        if !raw.pending.isEmpty {
            parser.append(raw.pending)
            raw.pending = []
        }
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            if let frame = try? parser.nextFrame() { return frame }
            let n = buffer.withUnsafeMutableBytes { recv(raw.fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return nil }
            parser.append(buffer[0..<n])
        }
    }

    /// True when the server ended TCP (EOF or reset) with nothing more to read.
    func isClosedByServer() -> Bool { raw.closedByServer() }
}

/// Parses an envelope's JSON into a dictionary (tests only: Foundation is fine here).
func envelope(_ text: String?) -> [String: Any] {
    guard let text, let data = text.data(using: .utf8),
        let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    else { return [:] }
    return object
}
