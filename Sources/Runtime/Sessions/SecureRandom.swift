import CLinuxEvents
import Glibc

/// Random bytes from the kernel's CSPRNG, for session ids.
///
/// `getrandom(2)` with no flags blocks only until the pool is initialised at boot and never returns
/// short reads for ≤ 256 bytes; `/dev/urandom` is the fallback for kernels without the syscall.
/// We do not use `SystemRandomNumberGenerator` here: it is documented as "cryptographically secure
/// where available", which is a platform promise we would rather make explicitly ourselves.
package enum SecureRandom {
    /// `count` random bytes, or nil when neither source works (callers answer 503, never crash).
    package static func bytes(_ count: Int) -> [UInt8]? {
        guard count > 0 else { return [] }
        if let out = fill(count, from: { getrandom($0, $1, 0) }) { return out }
        return urandom(count)
    }

    private static func urandom(_ count: Int) -> [UInt8]? {
        let fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return fill(count, from: { read(fd, $0, $1) })
    }

    /// `count` bytes from `source` (a `read`-like call: bytes written, or -1 with `errno`), retried
    /// on short reads and EINTR a bounded number of times; nil on an error, EOF (0) or too many tries.
    private static func fill(_ count: Int, from source: (UnsafeMutableRawPointer, Int) -> Int) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: count)
        var filled = 0
        var attempts = 0
        while filled < count && attempts < 16 {
            attempts += 1
            let n = out.withUnsafeMutableBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return -1 }
                return source(base + filled, count - filled)
            }
            if n > 0 { filled += n } else if n < 0 && errno == EINTR { continue } else { break }
        }
        return filled == count ? out : nil
    }

    /// Lowercase hex, two characters a byte.
    package static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Session ids: 256 bits (32 bytes) as 64 lowercase hex characters. 256 bits makes guessing a live
/// id hopeless even with millions of sessions (OWASP asks for at least 64 bits of entropy).
package enum SessionID {
    package static let byteCount = 32
    package static let length = byteCount * 2

    /// A fresh id, or nil when the system CSPRNG is unavailable.
    package static func make() -> String? { SecureRandom.bytes(byteCount).map(SecureRandom.hex) }

    /// True for exactly 64 lowercase hex characters: anything else cannot be one of ours, so the
    /// store is not even asked (and junk cookies never reach Redis).
    package static func isWellFormed(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard utf8.count == length else { return false }
        return utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }
}
