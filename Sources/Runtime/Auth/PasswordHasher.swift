import CCrypt
import Glibc

/// Password hashes through glibc's libcrypt (libxcrypt): yescrypt (`$y$`) for new hashes, and every
/// method libcrypt knows for verifying existing ones.
///
/// `crypt_rn` keeps its state in a caller-owned `struct crypt_data`, so calls on different threads
/// never share memory (plain `crypt` uses a static buffer and is not thread-safe). Hashing is slow
/// on purpose (yescrypt costs tens of milliseconds and megabytes): callers run it off the event
/// loops, see `HashingPool`.
package enum PasswordHasher {
    /// A new hash for `password`, e.g. `$y$j9T$…$…`, with a salt from libcrypt's own CSPRNG
    /// (`crypt_gensalt_rn` with no random bytes reads `getrandom`). Nil when libcrypt fails.
    package static func hash(_ password: String, prefix: String = "$y$") -> String? {
        guard let setting = newSetting(prefix: prefix) else { return nil }
        return crypt(password, setting: setting)
    }

    /// A fresh salt/setting string for `prefix` at libcrypt's default cost.
    package static func newSetting(prefix: String = "$y$") -> String? {
        var output = [CChar](repeating: 0, count: Int(CRYPT_GENSALT_OUTPUT_SIZE))
        let size = Int32(output.count)
        let result = output.withUnsafeMutableBufferPointer { buffer in
            crypt_gensalt_rn(prefix, 0, nil, 0, buffer.baseAddress, size)
        }
        guard result != nil else { return nil }
        let text = String(decoding: output.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // libxcrypt signals some failures with a string starting with `*` instead of NULL.
        return text.hasPrefix("*") || text.isEmpty ? nil : text
    }

    /// `crypt_rn(password, setting)`: the full hash string, or nil when the setting is invalid or
    /// the method unsupported. A NUL inside the password would silently truncate it in C, so such a
    /// password never matches anything.
    package static func crypt(_ password: String, setting: String) -> String? {
        guard !password.utf8.contains(0), !setting.utf8.contains(0) else { return nil }
        let size = MemoryLayout<crypt_data>.size
        let data = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: MemoryLayout<crypt_data>.alignment)
        defer {
            // The scratch area held the password and intermediate state: wipe it before freeing.
            memset(data, 0, size)
            data.deallocate()
        }
        memset(data, 0, size)  // crypt_rn requires `initialized` (and we want all of it) zeroed
        guard let result = crypt_rn(password, setting, data, Int32(size)) else { return nil }
        let text = String(cString: result)
        return text.hasPrefix("*") || text.isEmpty ? nil : text
    }

    /// True when `password` hashes to `stored`. The comparison of the two hash strings is constant
    /// time in their content, so response timing reveals nothing about how many leading bytes of a
    /// guess's hash were right.
    package static func verify(_ password: String, against stored: String) -> Bool {
        guard let computed = crypt(password, setting: stored) else { return false }
        return constantTimeEquals(Array(computed.utf8), Array(stored.utf8))
    }

    /// Compares every byte of the longer input whatever differs first; only the lengths (which are
    /// public: hash lengths are fixed per method) affect timing.
    package static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference: UInt8 = a.count == b.count ? 0 : 1
        let length = max(a.count, b.count)
        for index in 0..<length {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0
    }
}
