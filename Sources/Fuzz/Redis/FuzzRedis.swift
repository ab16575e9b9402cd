import FuzzSupport
import PilotoRuntime

/// Any bytes fed to the RESP2 parser, whole and split: never a crash, only values or a typed error.
///
/// The first byte picks a split point; the rest is wire bytes as a Redis server would send them.
/// Oracles (a violation traps, which libFuzzer reports as a crash):
/// - whole, split in two, and byte by byte give the same values and the same error;
/// - every value parsed re-encodes to bytes that parse back to the same value;
/// - the URL parser and the session record decoder return or throw on the same bytes as text.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRedis(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    guard let selector = input.first else { return 0 }
    let wire = Array(input.dropFirst())
    let split = wire.isEmpty ? 0 : Int(selector) % (wire.count + 1)

    let whole = run([wire])
    let halves = run([Array(wire[..<split]), Array(wire[split...])])
    let bytes = run(wire.map { [$0] })
    guard whole == halves, whole == bytes else { trap("split changed the outcome") }
    for value in whole.values {
        // Default limits here: invalid UTF-8 in a simple string or error becomes U+FFFD (3 bytes),
        // so the re-encoded line may be longer than the small fuzzing limit allowed.
        var parser = RESPParser()
        parser.append(RESPEncoder.encode(value))
        guard (try? parser.next()) == value, parser.bufferedByteCount == 0 else { trap("value did not round-trip") }
    }
    let text = String(decoding: wire.prefix(512), as: UTF8.self)
    _ = try? RedisURL(parsing: text)
    _ = try? RedisURL(parsing: "redis://" + text)
    _ = RedisSessionRecord.decode(Array(wire.prefix(1024)), id: "x")
    return 0
}

/// Small limits so the fuzzer reaches every limit error quickly.
private let limits = RESPLimits(maxBulkLength: 4096, maxArrayCount: 64, maxDepth: 8, maxLineLength: 256)

private struct Outcome: Equatable {
    var values: [RESPValue] = []
    var error: RESPError?
    var buffered = 0
}

private func run(_ chunks: [[UInt8]]) -> Outcome {
    var parser = RESPParser(limits: limits)
    var outcome = Outcome()
    outer: for chunk in chunks {
        parser.append(chunk)
        while true {
            do {
                guard let value = try parser.next() else { break }
                outcome.values.append(value)
            } catch {
                outcome.error = error
                break outer
            }
        }
    }
    outcome.buffered = outcome.error == nil ? parser.bufferedByteCount : -1
    return outcome
}

private func trap(_ message: StaticString) -> Never { fatalError("\(message)") }

@main
struct FuzzRedisMain {
    static func main() { runFuzzTarget(fuzzRedis) }
}
