@testable import PilotoRuntime

/// A fake monotonic instant: tests move time by hand, never sleep.
struct WSTestInstant: InstantProtocol {
    var nanoseconds: Int64

    static let zero = WSTestInstant(nanoseconds: 0)

    func advanced(by duration: Duration) -> WSTestInstant {
        let (seconds, attoseconds) = duration.components
        return WSTestInstant(nanoseconds: nanoseconds + seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    func duration(to other: WSTestInstant) -> Duration { .nanoseconds(other.nanoseconds - nanoseconds) }

    static func < (a: WSTestInstant, b: WSTestInstant) -> Bool { a.nanoseconds < b.nanoseconds }

    static func seconds(_ s: Int64) -> WSTestInstant { WSTestInstant(nanoseconds: s * 1_000_000_000) }
}

typealias WSConnection = WebSocketConnection<WSTestInstant>

/// Client-side helpers: what a browser would put on the wire.
enum WSClient {
    static let key: UInt32 = 0x37FA_213D

    /// A masked client frame.
    static func frame(_ opcode: WebSocketOpcode, _ payload: [UInt8] = [], fin: Bool = true, key: UInt32 = key) -> [UInt8] {
        WebSocketFrameEncoder.encodeMasked(opcode: opcode, fin: fin, payload: payload, maskKey: key)
    }

    static func text(_ text: String, fin: Bool = true) -> [UInt8] { frame(.text, Array(text.utf8), fin: fin) }

    /// A masked close frame with a code and raw reason bytes.
    static func close(_ code: UInt16?, reason: [UInt8] = []) -> [UInt8] {
        guard let code else { return frame(.close) }
        return frame(.close, [UInt8(code >> 8), UInt8(code & 0xFF)] + reason)
    }

    /// Feeds `bytes` to a parser in the given chunks; returns frames and the error, if any.
    static func parse(
        _ chunks: [[UInt8]], maxFrameSize: Int = 1 << 20, expectMasked: Bool = true
    ) -> (frames: [WebSocketFrame], error: WebSocketProtocolError?) {
        var parser = WebSocketFrameParser(maxFrameSize: maxFrameSize, expectMasked: expectMasked)
        var frames: [WebSocketFrame] = []
        for chunk in chunks {
            parser.append(chunk)
            do {
                while let frame = try parser.nextFrame() { frames.append(frame) }
            } catch {
                return (frames, error)
            }
        }
        return (frames, nil)
    }

    /// Every way this test suite splits a byte string: whole, byte by byte, and in two at every index.
    static func splits(_ bytes: [UInt8]) -> [[[UInt8]]] {
        var result: [[[UInt8]]] = [[bytes], bytes.map { [$0] }]
        if bytes.count > 1 {
            for index in 1..<bytes.count { result.append([Array(bytes[..<index]), Array(bytes[index...])]) }
        }
        return result
    }
}

extension WebSocketConnection.Action {
    /// The bytes of a `.write`, nil otherwise.
    var written: [UInt8]? {
        if case .write(let bytes) = self { return bytes }
        return nil
    }
}

extension WebSocketConnection where Instant == WSTestInstant {
    /// Acts as a driver: feeds each chunk at `now`, runs any timer due at `now` (the draining close),
    /// and returns every action except timers. With `echo`, delivered messages are sent straight back.
    mutating func drive(_ chunks: [[UInt8]], now: WSTestInstant = .zero, echo: Bool = false) -> [Action] {
        var out: [Action] = []
        func take(_ actions: [Action]) -> Bool {
            var due = false
            for action in actions {
                switch action {
                case .scheduleTimer(let at): if at <= now { due = true }
                case .deliver(let message):
                    out.append(action)
                    guard echo else { continue }
                    switch message {
                    case .text(let text): due = take(send(text: text, now: now)) || due
                    case .binary(let bytes): due = take(send(binary: bytes, now: now)) || due
                    }
                case .write(let bytes):
                    out.append(action)
                    didWrite(bytes.count)
                default: out.append(action)
                }
            }
            return due
        }
        for chunk in chunks {
            if take(received(chunk, now: now)) { _ = take(tick(now: now)) }
        }
        return out
    }
}
