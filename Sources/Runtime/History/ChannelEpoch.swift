/// A channel's epoch: a random name for one unbroken run of its offsets.
///
/// Offsets restart at 1 whenever a store loses a channel (memory restart, Redis flush or
/// rewind); a client's `(epoch, offset)` is only trusted when the epoch still matches, so a lost
/// history is signalled (`epoch_changed`) instead of silently continuing. 16 letters and digits
/// from the injected generator (≈ 95 bits): tests pass a seeded one, the server the kernel CSPRNG.
package enum ChannelEpoch {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
    package static let length = 16

    package static func make<G: RandomNumberGenerator>(using generator: inout G) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(length)
        for _ in 0..<length {
            out.append(alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// From the kernel CSPRNG.
    package static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return make(using: &generator)
    }

    /// True for what `make` produces (anything else in `?epoch=` cannot be ours: `epoch_changed`).
    package static func isWellFormed(_ text: String) -> Bool {
        text.utf8.count == length && text.utf8.allSatisfy { alphabet.contains($0) }
    }
}
