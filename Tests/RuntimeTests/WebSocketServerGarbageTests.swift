import Glibc
import Testing

@testable import PilotoHTTPCore
@testable import PilotoRuntime

/// No byte sequence after the handshake can hurt the server: seeded random mixes of valid frames,
/// corrupted frames and noise, sent in random splits. Each connection must end (or stay usable), and
/// the server must keep echoing for a fresh client afterwards.
@Suite struct WebSocketServerGarbageTests {
    /// SplitMix64: reproducible from the seed printed in a failure.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(1, n))) }
        mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) } }
    }

    private func chunk(_ random: inout Random) -> [UInt8] {
        switch random.below(6) {
        case 0: return WSClient.text(String(repeating: "a", count: random.below(300)))
        case 1: return WSClient.frame(.binary, random.bytes(random.below(70_000)))
        case 2: return WSClient.frame(.ping, random.bytes(random.below(130)))
        case 3:
            var frame = WSClient.frame(WebSocketOpcode.allCases[random.below(6)], random.bytes(random.below(40)),
                                       fin: random.below(2) == 0)
            frame[random.below(frame.count)] ^= UInt8(truncatingIfNeeded: random.next() | 1)  // corrupt one byte
            return frame
        case 4: return random.bytes(random.below(64))  // noise
        default: return WSClient.frame(.text, random.bytes(random.below(50)))  // likely invalid UTF-8
        }
    }

    @Test(arguments: [UInt64(1), 2, 3, 42, 2026, 0xDEAD_BEEF])
    func randomInput_neverHurtsTheServer(seed: UInt64) throws {
        let s = try RealtimeServer()
        var random = Random(state: seed)
        for _ in 0..<8 {
            let client = try #require(try s.connect(random.below(2) == 0 ? "/ws/echo" : "/ws/fuzz") as? WSRawClient)
            var bytes: [UInt8] = []
            for _ in 0..<(1 + random.below(6)) { bytes += chunk(&random) }
            var offset = 0
            while offset < bytes.count {
                let size = min(bytes.count - offset, 1 + random.below(4096))
                client.send(Array(bytes[offset..<(offset + size)]))
                offset += size
            }
            client.send(WSClient.close(1000))
            // The garbage may end inside a frame that declared a long payload (the server rightly
            // waits for it), so end our side too: whatever was sent, the server must then close.
            shutdown(client.raw.fd, Int32(SHUT_WR))
            #expect(client.isClosedByServer(), "seed \(seed)")
        }
        let fresh = try s.connect("/ws/echo")
        fresh.sendText("still here")
        #expect(fresh.nextFrame() == WebSocketFrame(opcode: .text, payload: Array("still here".utf8)), "seed \(seed)")
    }
}
