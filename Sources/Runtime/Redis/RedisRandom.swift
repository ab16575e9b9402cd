/// Random identifiers for Redis-backed state.
///
/// `SystemRandomNumberGenerator` is the kernel CSPRNG on Linux: the standard library fills it with
/// getrandom(2), falling back to /dev/urandom (swift/stdlib/public/stubs/Random.cpp), and never
/// with a user-space PRNG; that makes it fit for session ids.
package enum RedisRandom {
    /// `byteCount` random bytes as lowercase hex (32 bytes → 64 characters, 256 bits).
    package static func hex(byteCount: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(byteCount * 2)
        var remaining = byteCount
        while remaining > 0 {
            var word = generator.next()
            for _ in 0..<min(8, remaining) {
                let byte = UInt8(truncatingIfNeeded: word)
                out.append(digits[Int(byte >> 4)])
                out.append(digits[Int(byte & 0x0F)])
                word >>= 8
            }
            remaining -= min(8, remaining)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// True for exactly 64 lowercase hex characters: anything else cannot be one of our ids, so it
    /// is rejected before it reaches Redis.
    package static func isSessionID(_ text: String) -> Bool {
        let utf8 = text.utf8
        return utf8.count == 64 && utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}
