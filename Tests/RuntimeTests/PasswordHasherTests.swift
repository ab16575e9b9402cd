import Testing
@testable import PilotoRuntime

/// libcrypt through `crypt_rn`/`crypt_gensalt_rn`, with real yescrypt hashes.
struct PasswordHasherTests {
    @Test func yescryptHash_verifies_andRejectsOtherPasswords() throws {
        let hash = try #require(PasswordHasher.hash("correct horse"))
        #expect(hash.hasPrefix("$y$"))
        #expect(PasswordHasher.verify("correct horse", against: hash))
        #expect(!PasswordHasher.verify("correct hors", against: hash))
        #expect(!PasswordHasher.verify("", against: hash))
    }

    @Test func salts_areRandom() throws {
        let a = try #require(PasswordHasher.hash("same"))
        let b = try #require(PasswordHasher.hash("same"))
        #expect(a != b)
    }

    @Test func repoDemoUser_verifies() {
        // users.txt at the repo root: vendedor / piloto-demo.
        let stored = "$y$j9T$cAggQrDKYvQQEmbLl8DU31$dhbNpqo.DvlMuVng1ViaSl/wRkXAPFg48YtJt2dXs39"
        #expect(PasswordHasher.verify("piloto-demo", against: stored))
        #expect(!PasswordHasher.verify("piloto-demo ", against: stored))
    }

    @Test func garbageStoredHashes_neverMatch() {
        for stored in ["", "*", "$y$", "$nope$abc", "plaintext", "$y$j9T$\u{0}x"] {
            #expect(!PasswordHasher.verify("plaintext", against: stored))
        }
        #expect(PasswordHasher.crypt("a\u{0}b", setting: "$y$j9T$abcdefghijklmnop") == nil)
    }

    @Test func constantTimeEquals_comparesWholeInputs() {
        #expect(PasswordHasher.constantTimeEquals(Array("abc".utf8), Array("abc".utf8)))
        #expect(!PasswordHasher.constantTimeEquals(Array("abc".utf8), Array("abd".utf8)))
        #expect(!PasswordHasher.constantTimeEquals(Array("abc".utf8), Array("abcd".utf8)))
        #expect(!PasswordHasher.constantTimeEquals(Array("abc\u{0}".utf8), Array("abc".utf8)))
        #expect(PasswordHasher.constantTimeEquals([], []))
    }

    @Test func concurrentHashing_isThreadSafe() async throws {
        let hash = try #require(PasswordHasher.hash("parallel"))
        let results = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<8 {
                group.addTask { PasswordHasher.verify(index % 2 == 0 ? "parallel" : "wrong", against: hash) }
            }
            var out: [Bool] = []
            for await value in group { out.append(value) }
            return out
        }
        #expect(results.filter { $0 }.count == 4)
    }
}
