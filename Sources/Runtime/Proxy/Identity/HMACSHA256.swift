/// HMAC-SHA-256 (RFC 2104), the signature of an HS256 JWT (RFC 7518 §3.2).
package enum HMACSHA256 {
    /// The 32-byte MAC of `message` under `key` (a key longer than the 64-byte block is hashed first).
    package static func mac(key: some Collection<UInt8>, message: some Collection<UInt8>) -> [UInt8] {
        var block = key.count > 64 ? SHA256.hash(key) : Array(key)
        block += [UInt8](repeating: 0, count: 64 - block.count)
        var inner = SHA256()
        inner.update(block.map { $0 ^ 0x36 })
        inner.update(message)
        var outer = SHA256()
        outer.update(block.map { $0 ^ 0x5C })
        outer.update(inner.finalize())
        return outer.finalize()
    }
}
