import FuzzSupport
import PilotoHTTPCore

/// Any bytes fed to the HTTP parser, whole and split: never a crash, only events or a typed error,
/// and the same outcome however the bytes are split (a mismatch traps, so libFuzzer reports it).
/// The same bytes also go to the upstream response parser (`fuzzResponse`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTP(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let whole = parse([bytes[...]])
    // The first byte picks a split point; also one byte at a time for short inputs.
    let split = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
    let halves = parse([bytes[..<split], bytes[split...]])
    if halves != whole { trap("split at \(split) disagrees") }
    if bytes.count <= 512 {
        let single = parse(bytes.indices.map { bytes[$0...$0] })
        if single != whole { trap("byte-at-a-time disagrees") }
    }
    driveConnection(bytes)
    fuzzResponse(bytes)
    return 0
}

/// The connection state machine on the same bytes, with time moving: never a crash, and after a
/// reject nothing more comes out.
private func driveConnection(_ bytes: [UInt8]) {
    let limits = HTTPParserLimits(maxHeadBytes: 2048, maxHeaderCount: 20, maxBodyBytes: 4096, maxChunkLineBytes: 64)
    var connection = HTTPConnection(
        limits: limits, timeouts: ConnectionTimeouts(header: 100, body: 100, idle: 100), now: 0)
    var now: Int64 = 0
    var offset = 0
    while offset < bytes.count {
        let step = max(1, Int(bytes[offset]) % 97)
        let end = min(bytes.count, offset + step)
        connection.received(Array(bytes[offset..<end]), now: now)
        offset = end
        var rejected = false
        while let action = connection.nextAction(now: now) {
            if rejected { trap("action after reject") }
            if case .reject = action { rejected = true }
            if case .dispatch = action { connection.responseQueued(now: now) }
        }
        now += 7
        _ = connection.timeoutAction(now: now)
    }
}

private struct Outcome: Equatable {
    var events: [HTTPParserEvent]
    var error: HTTPParseError?
}

private func parse(_ pieces: [ArraySlice<UInt8>]) -> Outcome {
    let limits = HTTPParserLimits(maxHeadBytes: 2048, maxHeaderCount: 20, maxBodyBytes: 4096, maxChunkLineBytes: 64)
    var parser = HTTPRequestParser(limits: limits)
    var outcome = Outcome(events: [], error: nil)
    for piece in pieces {
        parser.append(piece)
        do {
            while let event = try parser.next() {
                if case .head(let head) = event {
                    // Target normalization must also never crash, and never yield a dot segment.
                    if let target = try? RequestTarget.parse(head.target), target.path != "*" {
                        if !target.path.hasPrefix("/") || target.path.split(separator: "/").contains("..") {
                            trap("target escaped: \(target.path)")
                        }
                    }
                }
                if case .body(let more) = event, case .body(let previous)? = outcome.events.last {
                    outcome.events[outcome.events.count - 1] = .body(previous + more)
                } else {
                    outcome.events.append(event)
                }
            }
        } catch {
            outcome.error = error
            return outcome
        }
    }
    return outcome
}

private func trap(_ message: String) -> Never {
    fatalError(message)  // fuzz harness only: a trap is how libFuzzer learns of a finding
}

@main
struct FuzzHTTPMain {
    static func main() { runFuzzTarget(fuzzHTTP) }
}
