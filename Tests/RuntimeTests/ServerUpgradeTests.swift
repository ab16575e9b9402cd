import Foundation
@testable import PilotoConfig
import Synchronization
import Testing
@testable import PilotoRuntime

/// The upgrade seam the WebSocket layer plugs into: 101, leftover bytes handed on, drain hook.
struct ServerUpgradeTests {
    /// Upper-cases every byte it receives; says "BYE" and closes on drain; "quit" closes it.
    final class ShoutConnection: UpgradedConnection {
        func received(_ bytes: UnsafeRawBufferPointer, now: Int64, output: inout OutputQueue) -> UpgradeDisposition {
            let text = String(decoding: bytes, as: UTF8.self)
            if text.contains("quit") {
                output.append(Array("GOODBYE".utf8))
                return .closeWhenFlushed
            }
            output.append(Array(text.uppercased().utf8))
            return .keepOpen
        }

        func tick(now: Int64, output: inout OutputQueue) -> UpgradeDisposition { .keepOpen }

        func delivered(_ payload: [UInt8], now: Int64, output: inout OutputQueue) -> UpgradeDisposition {
            output.append(Array("<".utf8) + payload + Array(">".utf8))
            return .keepOpen
        }

        func drain(now: Int64, output: inout OutputQueue) -> UpgradeDisposition {
            output.append(Array("BYE".utf8))
            return .closeWhenFlushed
        }

        func closed() {}
    }

    final class ShoutResponder: Responder, ConnectionUpgrader {
        let handles = Mutex<[ConnectionHandle]>([])
        func respond(to request: HTTPRequest) -> RouteResponse {
            var h = HTTPHeaders()
            h.add("Upgrade", "shout")
            h.add("Connection", "Upgrade")
            return .upgrade(HTTPResponse(status: .switchingProtocols, headers: h), self)
        }
        func makeConnection(for request: HTTPRequest, handle: ConnectionHandle) -> any UpgradedConnection {
            handles.withLock { $0.append(handle) }
            return ShoutConnection()
        }
    }

    private func start(_ site: SiteFixture, responder: ShoutResponder = ShoutResponder()) throws -> (Server, Int) {
        try Server.startedForTest(
            site: site,
            first: Route(path: "/ws", handler: .websocket(WebSocketRoute(mode: .echo, maxMessage: .mebibytes(1), origins: [])),
                         authRequired: false),
            responder: responder)
    }

    @Test func upgrade_101_leftoverBytesHandedOn_thenBytesFlow() throws {
        let site = try SiteFixture()
        let (server, port) = try start(site)
        defer { server.stopForTest() }
        let client = try RawClient(port: port)
        // The first protocol bytes travel in the same packet as the upgrade request.
        client.send("GET /ws HTTP/1.1\r\nHost: t\r\nConnection: Upgrade\r\nUpgrade: shout\r\n\r\nhello")
        let response = try #require(client.readResponse(head: true))
        #expect(response.status == 101)
        #expect(response.headers["content-length"] == nil)
        #expect(response.headers["upgrade"] == "shout")
        #expect(client.readExactly(5) == "HELLO")
        client.send("abc")
        #expect(client.readExactly(3) == "ABC")
        client.send("quit")
        #expect(client.readUntilClose() == "GOODBYE")
    }

    /// Another thread reaches an upgraded connection through its handle (what a channel broadcast
    /// needs); a handle to a closed connection is ignored.
    @Test func deliver_fromAnotherThread_reachesUpgradedConnection() throws {
        let site = try SiteFixture()
        let responder = ShoutResponder()
        let (server, port) = try start(site, responder: responder)
        defer { server.stopForTest() }
        let a = try RawClient(port: port)
        a.send("GET /ws HTTP/1.1\r\nHost: t\r\nConnection: Upgrade\r\nUpgrade: shout\r\n\r\n")
        #expect(a.readResponse(head: true)?.status == 101)
        let b = try RawClient(port: port)
        b.send("GET /ws HTTP/1.1\r\nHost: t\r\nConnection: Upgrade\r\nUpgrade: shout\r\n\r\n")
        #expect(b.readResponse(head: true)?.status == 101)
        let handles = responder.handles.withLock { $0 }
        #expect(handles.count == 2)
        for handle in handles { server.deliver(Array("news".utf8), to: handle) }
        #expect(a.readExactly(6) == "<news>")
        #expect(b.readExactly(6) == "<news>")
        server.closeConnection(handles[0])
        #expect(a.readUntilClose() == "")
        server.deliver(Array("late".utf8), to: handles[0])  // gone: ignored
        b.send("ok")
        #expect(b.readExactly(2) == "OK")
    }

    /// A broadcast hands the same bytes to many connections with one post per loop; handles to
    /// closed connections are skipped.
    @Test func deliverToEach_reachesEveryListedConnection() throws {
        let site = try SiteFixture()
        let responder = ShoutResponder()
        let (server, port) = try start(site, responder: responder)
        defer {
            server.beginShutdown()
            server.waitUntilStopped(timeoutMilliseconds: 5000)
        }
        var clients: [RawClient] = []
        for _ in 0..<3 {
            let client = try RawClient(port: port)
            client.send("GET /ws HTTP/1.1\r\nHost: t\r\nConnection: Upgrade\r\nUpgrade: shout\r\n\r\n")
            #expect(client.readResponse(head: true)?.status == 101)
            clients.append(client)
        }
        let handles = responder.handles.withLock { $0 }
        server.closeConnection(handles[2])
        #expect(clients[2].readUntilClose() == "")
        server.deliver(Array("all".utf8), toEach: handles)
        #expect(clients[0].readExactly(5) == "<all>")
        #expect(clients[1].readExactly(5) == "<all>")
    }

    /// Connections that arrive one at a time are dealt round-robin over the loops (EPOLLEXCLUSIVE
    /// alone kept waking the same loop, which then owned almost every connection), and a dealt
    /// connection is served by the loop that adopted it, request bytes included.
    @Test func acceptedConnections_areDealtRoundRobinOverLoops() throws {
        let site = try SiteFixture()
        let responder = ShoutResponder()
        let (server, port) = try Server.startedForTest(
            site: site,
            first: Route(path: "/ws", handler: .websocket(WebSocketRoute(mode: .echo, maxMessage: .mebibytes(1), origins: [])),
                         authRequired: false),
            responder: responder, workers: 3)
        defer { server.stopForTest() }
        var clients: [RawClient] = []
        for index in 0..<9 {
            let client = try RawClient(port: port)
            client.send("GET /ws HTTP/1.1\r\nHost: t\r\nConnection: Upgrade\r\nUpgrade: shout\r\n\r\nhi\(index)")
            #expect(client.readResponse(head: true)?.status == 101)
            #expect(client.readExactly(3) == "HI\(index)")
            clients.append(client)
        }
        let perLoop = responder.handles.withLock { handles in (0..<3).map { loop in handles.filter { $0.loop == loop }.count } }
        #expect(perLoop == [3, 3, 3])
    }

    @Test func upgrade_drainHook_runsOnShutdown() throws {
        let site = try SiteFixture()
        let (server, port) = try start(site)
        let client = try RawClient(port: port)
        client.send("GET /ws HTTP/1.1\r\nHost: t\r\nConnection: Upgrade\r\nUpgrade: shout\r\n\r\n")
        #expect(client.readResponse(head: true)?.status == 101)
        server.beginShutdown()
        #expect(client.readUntilClose() == "BYE")
        #expect(server.waitUntilStopped(timeoutMilliseconds: 5000))
    }
}

extension RawClient {
    /// Reads exactly `count` bytes (or fewer on close/timeout).
    func readExactly(_ count: Int) -> String {
        var out = Array(pending.prefix(count))
        pending.removeFirst(out.count)
        var buffer = [UInt8](repeating: 0, count: count)
        while out.count < count {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, count - out.count, 0) }
            if n <= 0 { break }
            out += buffer[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }
}
