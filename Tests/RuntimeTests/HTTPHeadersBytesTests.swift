import Testing
@testable import PilotoRuntime

/// `HTTPHeaders` keeps its fields as wire lines in one buffer; these check that its byte view and
/// its String view say the same as the old array of String pairs did, for heads parsed in any split.
struct HTTPHeadersBytesTests {
    /// A random valid field section: `x-` names of token bytes in mixed case, values of visible
    /// ASCII, inner SP/HTAB and (when `obsText`) obs-text, valid UTF-8 or not, with random OWS
    /// around the value. Without obs-text the parsers take their one-copy path, with it the other.
    struct RandomHead {
        var wire: [UInt8] = []
        /// What the old parser built: the name, and the trimmed value decoded as UTF-8 (repaired).
        var expected: [(name: String, value: String)] = []

        init(using rng: inout SplitMix64, obsText: Bool) {
            let tokenBytes = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~".utf8)
            for _ in 0..<Int.random(in: 0...8, using: &rng) {
                var name = Array("x-".utf8)
                for _ in 0..<Int.random(in: 1...12, using: &rng) { name.append(tokenBytes.randomElement(using: &rng)!) }
                var value: [UInt8] = []
                let length = Int.random(in: 0...40, using: &rng)
                for i in 0..<length {
                    let edge = i == 0 || i == length - 1
                    switch Int.random(in: 0..<10, using: &rng) {
                    case 0 where !edge: value.append([0x20, 0x09].randomElement(using: &rng)!)
                    case 1 where obsText: value.append(UInt8.random(in: 0x80...0xFF, using: &rng))
                    case 2 where obsText: value += Array("é€".utf8)
                    default: value.append(UInt8.random(in: 0x21...0x7E, using: &rng))
                    }
                }
                let before = Array(repeating: UInt8(0x20), count: Int.random(in: 0...2, using: &rng))
                let after = Array(repeating: UInt8(0x09), count: Int.random(in: 0...2, using: &rng))
                wire += name + [0x3A] + before + value + after + [0x0D, 0x0A]
                expected.append((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
            }
        }
    }

    /// The head's fields as Strings and as bytes, against `expected`.
    static func check(_ headers: HTTPHeaders, _ expected: [(name: String, value: String)], _ split: String) {
        let fields = headers.fields
        #expect(fields.count == expected.count, "\(split)")
        for (got, want) in zip(fields, expected) {
            #expect(got.name == want.name && got.value == want.value, "\(split)")
        }
        var index = 0
        headers.forEachField { field in
            defer { index += 1 }
            guard index < expected.count else { return }
            let name = Array(expected[index].name.utf8), value = Array(expected[index].value.utf8)
            #expect(Array(field.name) == name && Array(field.value) == value, "\(split)")
            #expect(Array(field.line) == name + [0x3A, 0x20] + value + [0x0D, 0x0A], "\(split)")
        }
        #expect(index == expected.count)
    }

    /// Every way of cutting `bytes` a connection could see: whole, byte at a time, two pieces.
    static func splits(_ bytes: [UInt8]) -> [(String, [ArraySlice<UInt8>])] {
        var out: [(String, [ArraySlice<UInt8>])] = [("whole", [bytes[...]]), ("byte-at-a-time", bytes.indices.map { bytes[$0...$0] })]
        for i in 0...bytes.count { out.append(("split@\(i)", [bytes[..<i], bytes[i...]])) }
        return out
    }

    @Test(arguments: 0..<12 as Range<UInt64>)
    func requestHeads_bytesMatchStrings_inEverySplit(seed: UInt64) {
        var rng = SplitMix64(state: seed)
        let head = RandomHead(using: &rng, obsText: seed % 2 == 1)
        let wire = Array("GET /p HTTP/1.1\r\nHost: h\r\n".utf8) + head.wire + [0x0D, 0x0A]
        let limits = HTTPParserLimits(maxHeadBytes: 8192, maxHeaderCount: 20, maxBodyBytes: 100)
        for (split, pieces) in Self.splits(wire) {
            guard case .events(let events) = ParserHarness.parse(pieces, limits: limits), case .head(let parsed)? = events.first else {
                Issue.record("\(split): no head")
                continue
            }
            Self.check(parsed.headers, [("Host", "h")] + head.expected, split)
        }
    }

    @Test(arguments: 0..<12 as Range<UInt64>)
    func responseHeads_bytesMatchStrings_inEverySplit(seed: UInt64) {
        var rng = SplitMix64(state: seed)
        let head = RandomHead(using: &rng, obsText: seed % 2 == 1)
        let wire = Array("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n".utf8) + head.wire + [0x0D, 0x0A]
        let limits = HTTPResponseParserLimits(maxHeadBytes: 8192, maxHeaderCount: 20)
        for (split, pieces) in Self.splits(wire) {
            let outcome = ResponseParserHarness.parse(pieces, limits: limits)
            guard outcome.error == nil, let parsed = outcome.heads.first else {
                Issue.record("\(split): no head (\(String(describing: outcome.error)))")
                continue
            }
            Self.check(parsed.headers, [("Content-Length", "0")] + head.expected, split)
        }
    }

    @Test func invalidUTF8_isStoredRepaired_asTheOldStringsWere() {
        let wire = Array("GET / HTTP/1.1\r\nHost: h\r\nX-Latin: caf".utf8) + [0xE9] + Array("\r\n\r\n".utf8)
        guard case .events(let events) = ParserHarness.parse([wire[...]]), case .head(let head)? = events.first else {
            Issue.record("no head")
            return
        }
        head.headers.withFirstValueBytes("x-latin") { #expect($0.map(Array.init) == Array("caf\u{FFFD}".utf8)) }
        #expect(head.headers["X-Latin"] == "caf\u{FFFD}")
    }

    @Test func lookups_readTheBytesInPlace() {
        var headers = HTTPHeaders([("Host", "h"), ("Connection", "keep-alive, X-Drop")])
        headers.add("Accept", "text/html")
        headers.add("accept", "application/json")
        #expect(headers == HTTPHeaders([("Host", "h"), ("Connection", "keep-alive, X-Drop"), ("Accept", "text/html"), ("accept", "application/json")]))
        #expect(headers.fields.map(\.name) == ["Host", "Connection", "Accept", "accept"])
        #expect(headers.count == 4)
        #expect(headers.lineBytes == headers.fields.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 })
        #expect(headers.contains("ACCEPT") && !headers.contains("Cookie"))
        #expect(headers["accept"] == "text/html")
        #expect(headers.values("Accept") == ["text/html", "application/json"])
        headers.withFirstValueBytes("Cookie") { #expect($0 == nil) }
        headers.withFirstValueBytes("host") { #expect($0.map(Array.init) == Array("h".utf8)) }
        var token = "x-drop"
        #expect(token.withUTF8 { headers.containsToken("Connection", $0) })
        #expect(headers.containsToken("Connection", "KEEP-ALIVE"))
        #expect(!headers.containsToken("Connection", "keep"))
        #expect(headers.listElementLengths("Connection") == HTTPHeaders.lengthBit(10) | HTTPHeaders.lengthBit(6))
    }

    @Test func equality_isByField_withNonASCIIValuesComparedAsStrings() {
        #expect(HTTPHeaders([("A", "caf\u{E9}")]) == HTTPHeaders([("A", "cafe\u{301}")]))
        #expect(HTTPHeaders([("A", "b")]) != HTTPHeaders([("a", "b")]))
        #expect(HTTPHeaders([("A", "bc")]) != HTTPHeaders([("Ab", "c")]))
        #expect(HTTPHeaders([("A: b", "c")]) != HTTPHeaders([("A", "b: c")]))
        #expect(HTTPHeaders([("A", "b")]) != HTTPHeaders([("A", "b"), ("A", "b")]))
        #expect(HTTPHeaders() == HTTPHeaders([]))
    }

    @Test func tokenBitSet_isTheTcharSet() {
        let tchar = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
        for byte in UInt8.min...UInt8.max { #expect(HTTPChars.isToken(byte) == tchar.contains(byte), "\(byte)") }
    }
}
