import PilotoConfig
import Testing

/// `JSONParser` against the cases of Nicolas Seriot's JSONTestSuite (`y_` must parse, `n_` must
/// fail; for `i_` cases the choice is written down here), plus round trips through both writers
/// and seeded random input that must never crash.
@Suite struct JSONParserTests {
    static let accepted: [String] = [
        "[]", "{}", "[null]", "[true]", "[false]", "[0]", "[-0]", "[-1]", "[1.5]", "[-0.0]", "[1E22]", "[1e-2]",
        "[1E+2]", "[123e45]", "[0e1]", "[1.0e-0]", "[-123123123123123123123123123123]", "[100000000000000000000]",
        "[1e400]", "\"\"", "0", "-0", "false", "null", " [1] ", "\t\n\r [1]\n", "[\"\"]", #"["\u0000"]"#,
        #"["\"\\\/\b\f\n\r\t"]"#, #"["\u00e9"]"#, #"["\uD834\uDD1E"]"#, #"["\uD83D\uDE00"]"#, "[\"é€😀\"]",
        #"["\u0061\u30af\u30EA\u30b9"]"#, #"["\uFFFF"]"#, #"["\uDBFF\uDFFF"]"#, "[\"\u{7F}\"]", #"{"a":1,"a":2}"#,
        #"{"a":{"b":[{"c":[]}]}}"#, "[[], {}, [[[]]]]", #"{"":0}"#, "[1,2,3]", "{\"a\" : [ 1 , 2 ] }",
        "[\"\u{10FFFF}\"]", "[\"\u{2028}\u{2029}\"]",
    ]

    static let rejected: [String] = [
        "", " ", "[", "]", "[1", "[1,]", "[,1]", "[1,,2]", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{,}", "{1:1}",
        "{'a':1}", "['a']", "[01]", "[-01]", "[1.]", "[.5]", "[-]", "[+1]", "[1e]", "[1e+]", "[2.e3]", "[0x1]",
        "[NaN]", "[Infinity]", "[-Infinity]", "[tru]", "[True]", "[nul]", "[1 2]", "[1]x", "[1] [2]", "{} {}",
        "[\"a\tb\"]", "[\"a\nb\"]", "[\"\u{1}\"]", #"["\x41"]"#, #"["\u12"]"#, #"["\u12G4"]"#, #"["\'"]"#,
        #"["\"]"#, "[\"abc", #"{"a":"b"#, "[/* c */ 1]", "[1] // c", "\u{FEFF}[]", "[\u{0C}1]", "[\u{A0}1]",
        // i_ cases, chosen: unpaired surrogates cannot be represented as a Swift String.
        #"["\uD800"]"#, #"["\uDC00"]"#, #"["\uD800\u0041"]"#, #"["\uD800abc"]"#, #"["\uDd1ea"]"#,
        #"["\uD800\"]"#,
    ]

    @Test func acceptsJSONTestSuiteYCases() {
        for text in Self.accepted {
            #expect(throws: Never.self, "\(text.debugDescription)") { _ = try JSONParser.parse(text) }
        }
    }

    @Test func rejectsJSONTestSuiteNCases() {
        for text in Self.rejected {
            #expect(throws: JSONParseError.self, "\(text.debugDescription)") { _ = try JSONParser.parse(text) }
        }
    }

    /// Raw bytes that are not UTF-8 (overlong, encoded surrogate, beyond U+10FFFF, truncated,
    /// lone continuation) are rejected inside strings, and any non-ASCII byte outside them.
    @Test func rejectsInvalidUTF8() {
        let bad: [[UInt8]] = [
            [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE9], [0x80], [0xFF],
            [0xF0, 0x9F, 0x98], [0xC3, 0x28],
        ]
        for bytes in bad {
            let document = Array("[\"a".utf8) + bytes + Array("b\"]".utf8)
            #expect(throws: JSONParseError(.invalidUTF8, at: 3), "\(bytes)") { _ = try JSONParser.parse(document) }
            #expect(throws: JSONParseError.self) { _ = try JSONParser.parse([UInt8(ascii: "[")] + bytes + [UInt8(ascii: "]")]) }
        }
    }

    @Test func errorsAreTypedWithOffsets() {
        #expect(throws: JSONParseError(.unexpectedEnd, at: 0)) { _ = try JSONParser.parse("") }
        #expect(throws: JSONParseError(.unexpectedByte(UInt8(ascii: "]")), at: 3)) { _ = try JSONParser.parse("[1,]") }
        #expect(throws: JSONParseError(.invalidNumber, at: 1)) { _ = try JSONParser.parse("[01]") }
        #expect(throws: JSONParseError(.trailingData, at: 4)) { _ = try JSONParser.parse("{}  x") }
        #expect(throws: JSONParseError(.controlCharacterInString, at: 3)) { _ = try JSONParser.parse("[\"a\nb\"]") }
        #expect(throws: JSONParseError(.unpairedSurrogate, at: 2)) { _ = try JSONParser.parse(#"["\uDC00"]"#) }
        #expect(throws: JSONParseError(.invalidEscape, at: 2)) { _ = try JSONParser.parse(#"["\q"]"#) }
        #expect(JSONParseError(.trailingData, at: 4).description == "data after the JSON value at byte 4")
    }

    @Test func depthIsLimited() throws {
        let limit = JSONParser.defaultMaximumDepth
        let deepest = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        _ = try JSONParser.parse(deepest)
        let tooDeep = String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1)
        #expect(throws: JSONParseError(.tooDeep, at: limit)) { _ = try JSONParser.parse(tooDeep) }
        // JSONTestSuite's n_structure_100000_opening_arrays: rejected without deep recursion.
        #expect(throws: JSONParseError.self) { _ = try JSONParser.parse(String(repeating: "[", count: 100_000)) }
        #expect(throws: JSONParseError.self) { _ = try JSONParser.parse(String(repeating: "{\"a\":", count: 100_000)) }
    }

    @Test func valuesComeOutExactlyAsWritten() throws {
        let value = try JSONParser.parse(#" {"b": [1.50, -0, 1e400, "\u00e9\uD83D\uDE00\n"], "a": null, "b": true} "#)
        #expect(value == .object([
            ("b", .array([
                .number(try #require(JSONNumber("1.50"))), .number(try #require(JSONNumber("-0"))),
                .number(try #require(JSONNumber("1e400"))), .string("é😀\n"),
            ])),
            ("a", .null), ("b", .bool(true)),
        ]))
        #expect(value["b"] == .bool(true), "a repeated key reads as its last value")
        #expect(value.compact == #"{"b":[1.50,-0,1e400,"é😀\n"],"a":null,"b":true}"#)
        #expect(try JSONParser.parse("9223372036854775807").int64Value == .max)
        #expect(try JSONParser.parse("9223372036854775808").int64Value == nil)
        #expect(try JSONParser.parse("1.0").int64Value == nil)
        #expect(JSONNumber("01") == nil && JSONNumber("1e5")?.text == "1e5")
    }

    /// Random documents survive compact and pretty writing and parsing back unchanged.
    @Test func roundTripsThroughBothLayouts() throws {
        var rng = JSONSeededGenerator(state: 0x5EED_1501)
        for _ in 0..<300 {
            let value = Self.randomValue(&rng, depth: 0)
            #expect(try JSONParser.parse(value.compact) == value)
            #expect(try JSONParser.parse(value.pretty()) == value)
            #expect(try JSONParser.parse(value.pretty(inlineStringArrays: 8)) == value)
        }
    }

    /// Random bytes and mutated documents: always a value or a `JSONParseError`, and whatever
    /// parses writes back to text that parses to the same value.
    @Test func seededRandomInputNeverCrashes() throws {
        var rng = JSONSeededGenerator(state: 0xF022_0001)
        let alphabet = Array("{}[],:\"\\/ubfnrt0123456789.eE+-truefalsenull \t\n\u{0}".utf8) + [0xC3, 0xA9, 0xED, 0xA0, 0xFF, 0x80]
        var parsed = 0
        for round in 0..<20_000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int(rng.next() % 48)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            } else {
                bytes = Array(Self.randomValue(&rng, depth: 0).compact.utf8)
                for _ in 0..<(1 + Int(rng.next() % 3)) where !bytes.isEmpty {
                    let at = Int(rng.next() % UInt64(bytes.count))
                    switch rng.next() % 3 {
                    case 0: bytes[at] = UInt8(truncatingIfNeeded: rng.next())
                    case 1: bytes.remove(at: at)
                    default: bytes.insert(alphabet[Int(rng.next() % UInt64(alphabet.count))], at: at)
                    }
                }
            }
            guard let value = try? JSONParser.parse(bytes) else { continue }
            parsed += 1
            #expect(try JSONParser.parse(value.compact) == value)
        }
        #expect(parsed > 1000, "the mutations should leave many documents valid")
    }

    static func randomValue(_ rng: inout JSONSeededGenerator, depth: Int) -> JSONValue {
        switch rng.next() % (depth > 3 ? 5 : 7) {
        case 0: return .null
        case 1: return .bool(rng.next() % 2 == 0)
        case 2: return .int(Int64(bitPattern: rng.next()) >> Int64(rng.next() % 63))
        case 3: return .number(Double(rng.next() % 1_000_000) / 1000 - 500, decimals: Int(rng.next() % 4))
        case 4: return .string(randomString(&rng))
        case 5: return .array((0..<Int(rng.next() % 4)).map { _ in randomValue(&rng, depth: depth + 1) })
        default: return .object((0..<Int(rng.next() % 4)).map { _ in (randomString(&rng), randomValue(&rng, depth: depth + 1)) })
        }
    }

    static func randomString(_ rng: inout JSONSeededGenerator) -> String {
        let pool: [Unicode.Scalar] = ["a", "Z", " ", "\"", "\\", "/", "\n", "\t", "\u{0}", "\u{1F}", "\u{7F}", "é", "€", "😀", "\u{2028}", "\u{FFFF}"]
        var s = String.UnicodeScalarView()
        for _ in 0..<Int(rng.next() % 8) { s.append(pool[Int(rng.next() % UInt64(pool.count))]) }
        return String(s)
    }
}

/// SplitMix64: the same sequence on every machine, so failures reproduce.
struct JSONSeededGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
