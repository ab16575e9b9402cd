@testable import PilotoConfig
import Testing

/// Typed reads from a parsed document, with the failing path named.
@Suite struct JSONReaderTests {
    static let document = try! JSONParser.parse(#"{"n":-42,"x":0.25,"ok":true,"s":"é","list":[1,2,"three"],"gone":null}"#)

    @Test func readsEachTypeAndArrays() throws {
        let r = JSONReader(Self.document)
        #expect(try r["n"].int64() == -42)
        #expect(try r["n"].int() == -42)
        #expect(try r["x"].double() == 0.25)
        #expect(try r["n"].double() == -42)
        #expect(try r["ok"].bool())
        #expect(try r["s"].string() == "é")
        #expect(r.optional("gone") == nil && r.optional("absent") == nil)
        #expect(try r.optional("n")?.int64() == -42)
    }

    @Test func mismatchesNameThePathAndTheExpectedType() {
        let r = JSONReader(Self.document)
        #expect(throws: JSONReader.Mismatch(path: "$.list[2]", expected: "an integer")) {
            _ = try r["list"].array { (item) throws(JSONReader.Mismatch) in try item.int64() }
        }
        #expect(throws: JSONReader.Mismatch(path: "$.absent", expected: "a string")) { _ = try r["absent"].string() }
        #expect(throws: JSONReader.Mismatch(path: "$.x", expected: "an integer")) { _ = try r["x"].int64() }
        #expect(throws: JSONReader.Mismatch(path: "$.s.deeper", expected: "true or false")) { _ = try r["s"]["deeper"].bool() }
    }

    /// `double` writes the shortest text that reads back as the same value; non-finite is `null`.
    @Test func doublesRoundTripThroughText() throws {
        for value in [0.1 + 0.2, 1e-7, -0.0, 5, 1.7976931348623157e308, Double.leastNonzeroMagnitude] {
            let text = JSONValue.double(value).compact
            #expect(try JSONReader(JSONParser.parse(text)).double() == value, "\(text)")
        }
        #expect(JSONValue.double(.infinity) == .null && JSONValue.double(.nan) == .null)
        #expect(JSONNumber("1e400")?.doubleValue == nil)
    }
}
