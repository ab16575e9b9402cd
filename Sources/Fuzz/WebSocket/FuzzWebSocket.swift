import FuzzSupport
import PilotoHTTPCore

/// Any bytes fed to the WebSocket layer, whole and split: never a crash, only events or a typed error.
///
/// The first byte picks a mode and a split point:
/// - even: the rest is raw wire bytes for a server-side connection;
/// - odd: the rest is a list of records `[flags, length, payload…]` that are encoded as *masked*
///   client frames first, so the fuzzer reaches the assembler and close logic without having to
///   discover masking on its own.
/// Oracles (a violation traps, which libFuzzer reports as a crash):
/// - feeding the same bytes whole, split in two, or byte by byte gives the same writes and messages;
/// - every byte the server writes parses back as valid unmasked server frames;
/// - after `.closeConnection` no further action is produced, and every run ends closed.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWebSocket(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    guard let selector = input.first else { return 0 }
    let body = Array(input.dropFirst())
    let wire = selector & 1 == 0 ? body : clientFrames(from: body)
    let split = wire.isEmpty ? 0 : Int(selector >> 1) % (wire.count + 1)

    let whole = run([wire])
    let halves = run([Array(wire[..<split]), Array(wire[split...])])
    let bytes = run(wire.map { [$0] })
    guard whole == halves, whole == bytes else { trap("split changed the outcome") }
    checkServerBytes(whole)
    fuzzHandshake(body)
    return 0
}

/// The observable outcome of a run: writes and deliveries in order, timers left out.
private enum Event: Equatable {
    case write([UInt8])
    case deliver(WebSocketMessage)
    case close
}

private func run(_ chunks: [[UInt8]]) -> [Event] {
    var configuration = WebSocketConfiguration()
    configuration.maxFrameSize = 4096
    configuration.maxMessageSize = 6000
    configuration.maxFragments = 16
    configuration.highWaterMark = 1 << 16
    typealias Connection = WebSocketConnection<FuzzInstant>
    var connection = Connection(configuration: configuration, now: FuzzInstant(ticks: 0))
    var events: [Event] = []
    var closed = false
    var now = FuzzInstant(ticks: 1)
    /// Carries out actions as a driver with a synchronous echo handler; true when a timer is due now.
    func take(_ actions: [Connection.Action]) -> Bool {
        var due = false
        for action in actions {
            if closed { trap("action after closeConnection") }
            switch action {
            case .write(let bytes):
                events.append(.write(bytes))
                connection.didWrite(bytes.count)
            case .deliver(let message):
                events.append(.deliver(message))
                switch message {
                case .text(let text): due = take(connection.send(text: text, now: now)) || due
                case .binary(let bytes): due = take(connection.send(binary: bytes, now: now)) || due
                }
            case .closeConnection:
                events.append(.close)
                closed = true
            case .scheduleTimer(let at):
                if at <= now { due = true }
            }
        }
        return due
    }
    _ = take(connection.start())
    for chunk in chunks where !closed {
        if take(connection.received(chunk, now: now)), !closed { _ = take(connection.tick(now: now)) }
    }
    for step in [1_000_000, 1_000_001, 2_000_000, 3_000_000] as [Int64] where !closed {
        now = FuzzInstant(ticks: step)
        _ = take(step == 1_000_001 ? connection.close(now: now) : connection.tick(now: now))
    }
    if !closed { trap("connection never closed") }
    return events
}

/// What the server wrote must be well-formed, unmasked, and end with at most one close frame.
private func checkServerBytes(_ events: [Event]) {
    var parser = WebSocketFrameParser(maxFrameSize: 1 << 20, expectMasked: false)
    for case .write(let bytes) in events { parser.append(bytes) }
    var sawClose = false
    do {
        while let frame = try parser.nextFrame() {
            if sawClose { trap("frame after close") }
            if frame.opcode == .close { sawClose = true }
        }
    } catch {
        trap("server wrote an invalid frame")
    }
    if parser.bufferedByteCount != 0 { trap("server wrote a partial frame") }
}

/// Records `[flags, length, payload…]` → masked client frames (flags: low nibble opcode, 0x80 FIN).
private func clientFrames(from body: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    var i = 0
    while i + 2 <= body.count {
        let flags = body[i]
        let length = min(Int(body[i + 1]), body.count - i - 2)
        let payload = Array(body[(i + 2)..<(i + 2 + length)])
        i += 2 + length
        guard let opcode = WebSocketOpcode(rawValue: flags & 0x0F) else {
            out += [flags, 0x80 | UInt8(min(length, 125)), 1, 2, 3, 4]  // a raw reserved-opcode header
            continue
        }
        let key = UInt32(truncatingIfNeeded: i &* 2_654_435_761)
        out += WebSocketFrameEncoder.encodeMasked(opcode: opcode, fin: flags & 0x80 != 0, payload: payload, maskKey: key)
    }
    return out
}

/// The handshake on header lines taken from the input: must return or throw, never crash.
private func fuzzHandshake(_ body: [UInt8]) {
    let text = String(decoding: body.prefix(512), as: UTF8.self)
    var headers: [(name: String, value: String)] = []
    for line in text.split(separator: "\n") {
        let parts = line.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        headers.append((String(parts[0]), parts.count > 1 ? String(parts[1]) : ""))
    }
    let policy = WebSocketOriginPolicy(serviceOrigin: "https://app.example.com", devMode: body.count % 2 == 0)
    if let accepted = try? WebSocketHandshake.accept(method: "GET", version: "HTTP/1.1", headers: headers, origins: policy) {
        if accepted.acceptValue.utf8.count != 28 { trap("accept value is not 28 characters") }
    }
    _ = Base64.decode(text)
}

private func trap(_ message: StaticString) -> Never { fatalError("\(message)") }

/// A plain tick counter as the connection's clock.
private struct FuzzInstant: InstantProtocol {
    var ticks: Int64
    func advanced(by duration: Duration) -> FuzzInstant {
        FuzzInstant(ticks: ticks &+ duration.components.seconds &* 1000 &+ duration.components.attoseconds / 1_000_000_000_000_000)
    }
    func duration(to other: FuzzInstant) -> Duration { .milliseconds(other.ticks &- ticks) }
    static func < (a: FuzzInstant, b: FuzzInstant) -> Bool { a.ticks < b.ticks }
}

@main
struct FuzzWebSocketMain {
    static func main() { runFuzzTarget(fuzzWebSocket) }
}
