import Testing

@testable import PilotoRuntime

/// SHA-1 against RFC 3174 §7.3 test vectors, plus padding-boundary lengths.
@Suite struct WebSocketSHA1Tests {
    private func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    @Test func sha1_matchesRFC3174_abc() {
        #expect(hex(SHA1.hash(Array("abc".utf8))) == "a9993e364706816aba3e25717850c26c9cd0d89d")
    }

    @Test func sha1_matchesRFC3174_twoBlockMessage() {
        let text = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        #expect(hex(SHA1.hash(Array(text.utf8))) == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
    }

    @Test func sha1_matchesRFC3174_oneMillionA_fedInPieces() {
        var sha = SHA1()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { sha.update(chunk) }
        #expect(hex(sha.finalize()) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    @Test func sha1_matchesRFC3174_64ByteMultipleRepeat() {
        let unit = Array("0123456701234567012345670123456701234567012345670123456701234567".utf8)
        var message: [UInt8] = []
        for _ in 0..<10 { message += unit }
        #expect(message.count % 64 == 0)
        #expect(hex(SHA1.hash(message)) == "dea356a2cddd90c7a7ecedc5ebb563934f460452")
    }

    @Test func sha1_emptyInput() {
        #expect(hex(SHA1.hash([UInt8]())) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
    }

    /// Lengths around the padding boundary (55/56 bytes: the length field no longer fits the block).
    @Test(arguments: [
        (55, "c1c8bbdc22796e28c0e15163d20899b65621d65a"),
        (56, "c2db330f6083854c99d4b5bfb6e8f29f201be699"),
        (63, "03f09f5b158a7a8cdad920bddc29b81c18a551f5"),
        (64, "0098ba824b5c16427bd7a1122a5a442a25ec644d"),
        (119, "ee971065aaa017e0632a8ca6c77bb3bf8b1dfc56"),
    ])
    func sha1_paddingBoundaries(length: Int, digest: String) {
        #expect(hex(SHA1.hash([UInt8](repeating: UInt8(ascii: "a"), count: length))) == digest)
    }
}

/// Base64 against RFC 4648 §10, and strict decoding for the handshake key.
@Suite struct WebSocketBase64Tests {
    @Test(arguments: [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ])
    func base64_rfc4648Vectors_roundTrip(plain: String, encoded: String) {
        #expect(Base64.encode(Array(plain.utf8)) == encoded)
        #expect(Base64.decode(encoded) == Array(plain.utf8))
    }

    @Test func base64_allByteValues_roundTrip() {
        let bytes = (0...255).map { UInt8($0) }
        for length in 0...bytes.count {
            let slice = Array(bytes[0..<length])
            #expect(Base64.decode(Base64.encode(slice)) == slice)
        }
    }

    @Test(arguments: [
        "Zg", "Zg=", "Zm9", "Z===", "Zh==", "Zm9=", "Zm8=Zm8=", " Zm9v", "Zm9v\n", "Zm-v", "Zm_v", "Zg==Zg==", "====",
        "Zm=v",
    ])
    func base64_strictDecode_rejectsNonCanonical(text: String) {
        #expect(Base64.decode(text) == nil)
    }
}
