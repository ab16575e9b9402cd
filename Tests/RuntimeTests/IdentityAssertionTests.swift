import Foundation
import Testing
@testable import PilotoRuntime

struct SHA256Tests {
    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// FIPS 180-4 examples (NIST CSRC "SHA256.pdf", "SHA2_Additional").
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        (
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        ),
    ])
    func nistVectors(_ message: String, _ digest: String) {
        #expect(Self.hex(SHA256.hash(Array(message.utf8))) == digest)
    }

    @Test func oneMillionA_inUnevenUpdates() {
        var sha = SHA256()
        var generator = SplitMix64(state: 256)
        var left = 1_000_000
        while left > 0 {
            let n = min(left, Int.random(in: 0...1000, using: &generator))
            sha.update([UInt8](repeating: 0x61, count: n))
            left -= n
        }
        #expect(Self.hex(sha.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Every length around the padding boundaries (55, 56, 63, 64 …) hashes the same whole and split.
    @Test func splitUpdates_equalOneShot_atEveryPaddingBoundary() {
        for length in 0...130 {
            let message = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            let whole = SHA256.hash(message)
            for cut in [0, min(1, length), length / 2, max(0, length - 1), length] {
                var sha = SHA256()
                sha.update(message[..<cut])
                sha.update(message[cut...])
                #expect(sha.finalize() == whole, "length \(length) cut \(cut)")
            }
        }
    }
}

struct HMACSHA256Tests {
    /// RFC 4231 §4.2–§4.8, all seven test cases (case 5 compares the 128-bit truncation).
    @Test(arguments: [
        ([UInt8](repeating: 0x0B, count: 20), Array("Hi There".utf8), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        ([UInt8](repeating: 0xAA, count: 20), [UInt8](repeating: 0xDD, count: 50), "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        (Array(1...25), [UInt8](repeating: 0xCD, count: 50), "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        ([UInt8](repeating: 0x0C, count: 20), Array("Test With Truncation".utf8), "a3b6167473100ee06e0c796c2955552b"),
        (
            [UInt8](repeating: 0xAA, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        ),
        (
            [UInt8](repeating: 0xAA, count: 131),
            Array(
                "This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm."
                    .utf8),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"
        ),
    ] as [([UInt8], [UInt8], String)])
    func rfc4231(_ key: [UInt8], _ data: [UInt8], _ expected: String) {
        let mac = SHA256Tests.hex(HMACSHA256.mac(key: key, message: data))
        #expect(mac.hasPrefix(expected) && (expected.count == 32 || mac == expected))
    }
}

struct IdentityAssertionTests {
    static let key = Array("0123456789abcdef0123456789abcdef-test-key".utf8)

    @Test func base64URL_unpaddedURLAlphabet() {
        #expect(Base64.encodeURL([0xFB, 0xFF]) == "-_8")
        #expect(Base64.encodeURL(Array("f".utf8)) == "Zg")
        #expect(Base64.encodeURL(Array("fo".utf8)) == "Zm8")
        #expect(Base64.encodeURL(Array("foo".utf8)) == "Zm9v")
        #expect(Base64.encode([0xFB, 0xFF]) == "+/8=")
        #expect(IdentityAssertion.encodedHeader == "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9")
    }

    @Test func token_isDeterministic_withFixedClaimOrder_andNoSessionID() throws {
        let token = IdentityAssertion.sign(
            login: "ana \"q\"", sessionID: "secret-session-id", audience: "vendas", issuedAt: 1_700_000_000, key: Self.key)
        let parts = token.split(separator: ".")
        #expect(parts.count == 3)
        let payload = try #require(Self.decodeURL(String(parts[1])))
        let sid = IdentityAssertion.sessionHash("secret-session-id")
        #expect(
            payload
                == #"{"iss":"piloto","aud":"vendas","sub":"ana \"q\"","iat":1700000000,"exp":1700000060,"sid":""# + sid + #""}"#)
        #expect(!token.contains("secret") && !payload.contains("secret-session-id"))
        #expect(sid.count == 43)
        #expect(token == IdentityAssertion.sign(
            login: "ana \"q\"", sessionID: "secret-session-id", audience: "vendas", issuedAt: 1_700_000_000, key: Self.key))
    }

    static func decodeURL(_ text: String) -> String? {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.count % 4 != 0 { standard += "=" }
        return Base64.decode(standard).map { String(decoding: $0, as: UTF8.self) }
    }

    static var python: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/python3" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The backend's side, for real: PyJWT verifies signature, `aud`, `iss`, `exp`, and rejects a
    /// tampered payload, a wrong audience, an expired token and `alg: none`.
    @Test(.enabled(if: python != nil)) func pyJWT_verifiesAndRejects() throws {
        let now = Int64(Date().timeIntervalSince1970)
        let good = IdentityAssertion.sign(login: "ana", sessionID: "s-1", audience: "vendas", issuedAt: now, key: Self.key)
        let expired = IdentityAssertion.sign(login: "ana", sessionID: "s-1", audience: "vendas", issuedAt: now - 3600, key: Self.key)
        let script = #"""
            import base64, json, sys, jwt
            key, good, expired = sys.argv[1:4]
            def ok(token, aud="vendas", k=key):
                try:
                    return jwt.decode(token, k, algorithms=["HS256"], audience=aud, issuer="piloto",
                                      options={"require": ["exp", "iat", "iss", "aud", "sub"]})
                except jwt.InvalidTokenError as error:
                    return type(error).__name__
            claims = ok(good)
            h, p, s = good.split(".")
            pad = lambda t: t + "=" * (-len(t) % 4)
            forged = json.loads(base64.urlsafe_b64decode(pad(p)))
            forged["sub"] = "admin"
            forged_p = base64.urlsafe_b64encode(json.dumps(forged, separators=(",", ":")).encode()).rstrip(b"=").decode()
            none_h = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
            print(json.dumps({
                "claims": claims,
                "tampered": ok(h + "." + forged_p + "." + s),
                "wrong_aud": ok(good, aud="other"),
                "expired": ok(expired),
                "alg_none": ok(none_h + "." + p + "."),
                "wrong_key": ok(good, k=key + "x"),
            }))
            """#
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.python))
        process.arguments = ["-c", script, String(decoding: Self.key, as: UTF8.self), good, expired]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(message)")
        let result = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(message)")
        let claims = try #require(result["claims"] as? [String: Any], "\(result)")
        #expect(claims["sub"] as? String == "ana")
        #expect(claims["iss"] as? String == "piloto")
        #expect(claims["aud"] as? String == "vendas")
        #expect((claims["exp"] as? Int).map(Int64.init) == now + 60)
        #expect(claims["sid"] as? String == IdentityAssertion.sessionHash("s-1"))
        #expect(result["tampered"] as? String == "InvalidSignatureError")
        #expect(result["wrong_aud"] as? String == "InvalidAudienceError")
        #expect(result["expired"] as? String == "ExpiredSignatureError")
        #expect(result["wrong_key"] as? String == "InvalidSignatureError")
        #expect((result["alg_none"] as? String).map { $0.hasSuffix("Error") } == true, "\(result)")
    }
}
