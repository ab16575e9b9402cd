@testable import PilotoRuntime
import PilotoTestKit

/// A WebSocket client as the server tests drive it, over TCP (`WSRawClient`) or in-process
/// (`WSInProcessClient`): the same test then runs on either.
protocol WebSocketTestClient: AnyObject {
    /// Sends `request` (an upgrade request's text); returns the response (101 or the refusal).
    func sendHandshake(_ request: String) -> (status: Int, headers: [String: String], body: String, raw: String)?
    func send(_ bytes: [UInt8])
    /// Sends each byte on its own (the server gets them in many small reads).
    func sendByteByByte(_ bytes: [UInt8])
    /// The next frame from the server; nil when none comes (or a malformed one).
    func nextFrame() -> WebSocketFrame?
    /// True when the server ended the connection with nothing more to read.
    func isClosedByServer() -> Bool
}

extension WebSocketTestClient {
    /// Sends an upgrade request; returns the response head (101 or the refusal).
    @discardableResult
    func handshake(
        _ path: String, origin: String? = RealtimeServer.origin, cookie: String? = nil, version: String = "13",
        method: String = "GET", key: String? = "dGhlIHNhbXBsZSBub25jZQ=="
    ) -> (status: Int, headers: [String: String], body: String, raw: String)? {
        sendHandshake(WSRawClient.handshakeRequest(path, origin: origin, cookie: cookie, version: version, method: method, key: key))
    }

    func sendText(_ text: String) { send(WSClient.text(text)) }

    /// The next text frame's payload as a string (skipping nothing).
    func nextText() -> String? {
        guard let frame = nextFrame(), frame.opcode == .text else { return nil }
        return String(decoding: frame.payload, as: UTF8.self)
    }

    /// The code of the next frame when it is a close frame (nil code for an empty close).
    func nextClose() -> (isClose: Bool, code: UInt16?) {
        guard let frame = nextFrame(), frame.opcode == .close else { return (false, nil) }
        guard frame.payload.count >= 2 else { return (true, nil) }
        return (true, UInt16(frame.payload[0]) << 8 | UInt16(frame.payload[1]))
    }
}

/// A WebSocket client with no socket: the handshake goes through `InProcessClient` (the server's
/// router, parser and serializer) and the frames to the upgraded session it opens, as the loop
/// feeds them. A frame is there at once or never (nothing answers later without a loop).
final class WSInProcessClient: WebSocketTestClient {
    private let client: InProcessClient
    private var upgraded: InProcessUpgrade?
    private var parser = WebSocketFrameParser(maxFrameSize: 4 << 20, expectMasked: false)

    init(_ client: InProcessClient) {
        self.client = client
    }

    func sendHandshake(_ request: String) -> (status: Int, headers: [String: String], body: String, raw: String)? {
        guard let (bytes, upgraded) = try? client.open(Array(request.utf8)),
            let (response, used) = RawClient.framedResponse(bytes, head: upgraded != nil)
        else { return nil }
        self.upgraded = upgraded
        parser.append(Array(bytes[used...]) + (upgraded?.receive() ?? []))
        return response
    }

    func send(_ bytes: [UInt8]) {
        upgraded?.send(bytes)
        parser.append(upgraded?.receive() ?? [])
    }

    func sendByteByByte(_ bytes: [UInt8]) {
        for byte in bytes { send([byte]) }
    }

    func nextFrame() -> WebSocketFrame? { try? parser.nextFrame() }

    func isClosedByServer() -> Bool { upgraded?.isClosed ?? true }
}
