import Foundation
import PilotoConfig
import PilotoGenerators
import Testing

/// Seeded (reproducible) random inputs: the emitters' quoting must survive any string, and every
/// diff must patch the old text into the new one exactly.
@Suite struct RandomizedTests {
    /// SplitMix64: a fixed seed gives the same cases on every run and machine.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let pool: [Character] = Array("ab yn0189.-+_:#{}[],&*!|>'\"%@`\\\t\n~?=<ção€😀eEx") + ["\u{1}", "\u{7F}"]

    static func randomString(_ rng: inout SeededGenerator) -> String {
        let length = Int.random(in: 0...12, using: &rng)
        return String((0..<length).map { _ in pool.randomElement(using: &rng) ?? "a" })
    }

    @Test func yamlQuotingSurvivesRandomStrings() throws {
        var rng = SeededGenerator(state: 0x5EED)
        for round in 0..<40 {
            var entries: [YAMLEntry] = []
            var expected: [(String, String)] = []
            for index in 0..<50 {
                let key = "k\(index)" + Self.randomString(&rng).filter { $0 != "\n" }
                let value = Self.randomString(&rng)
                entries.append(YAMLEntry(key, .list([.map([YAMLEntry("v", .string(value))])])))
                expected.append((key, value))
            }
            let text = YAMLEmitter.emit(.map(entries))
            let (root, diagnostics) = YAMLParser.parse(text, file: "random.yaml")
            #expect(diagnostics.isEmpty, "round \(round): \(diagnostics.map(\.message))\n\(text)")
            guard case .mapping(let map)? = root else { Issue.record("round \(round): not a mapping"); continue }
            #expect(map.pairs.map(\.key.text) == expected.map(\.0), "round \(round) keys")
            for (key, value) in expected {
                guard case .sequence(let list)? = map[key], case .mapping(let item)? = list.items.first,
                    case .scalar(let scalar)? = item["v"]
                else { Issue.record("round \(round): \(key) shape"); continue }
                #expect(scalar.text == value, "round \(round) key \(key)")
                #expect(!(scalar.style == .plain && scalar.isNull && !value.isEmpty))
            }
        }
    }

    @Test func jsonEscapingSurvivesRandomStrings() throws {
        var rng = SeededGenerator(state: 0xC0FFEE)
        for _ in 0..<200 {
            let key = Self.randomString(&rng), value = Self.randomString(&rng)
            let text = JSONValue.object([(key, .string(value)), ("n", .number(JSONNumber(fixedPoint: 1, scaleDigits: 2)))]).pretty() + "\n"
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            #expect(parsed[key] as? String == value)
        }
    }

    /// Applies a unified diff to `old` (strictly: context and removed lines must match).
    static func patch(_ old: String, with diff: String) -> String? {
        var source = UnifiedDiff.splitLinesForTests(old)
        var lines = diff.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        var result: [String] = []
        var cursor = 0
        var index = 2  // skip ---/+++
        while index < lines.count {
            let header = lines[index]
            guard header.hasPrefix("@@ -") else { return nil }
            let numbers = header.dropFirst(4).split(separator: " ")[0].split(separator: ",")
            guard let start = Int(numbers[0]) else { return nil }
            let count = numbers.count > 1 ? Int(numbers[1]) ?? 0 : 1
            let begin = count == 0 ? start : start - 1
            guard begin >= cursor, begin <= source.count else { return nil }
            result += source[cursor..<begin]
            cursor = begin
            index += 1
            while index < lines.count, !lines[index].hasPrefix("@@") {
                let line = lines[index]
                let text = String(line.dropFirst())
                switch line.first {
                case " ", "-":
                    guard cursor < source.count, source[cursor] == text else { return nil }
                    if line.first == " " { result.append(text) }
                    cursor += 1
                case "+": result.append(text)
                default: return nil
                }
                index += 1
            }
        }
        result += source[cursor...]
        source = result
        return source.isEmpty ? "" : source.joined(separator: "\n") + "\n"
    }

    @Test func diffsPatchOldIntoNew() {
        var rng = SeededGenerator(state: 42)
        for round in 0..<300 {
            let old = (0..<Int.random(in: 0...40, using: &rng)).map { _ in "l\(Int.random(in: 0..<8, using: &rng))" }
            var new = old
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                let action = Int.random(in: 0..<3, using: &rng)
                if action == 0 || new.isEmpty {
                    new.insert("n\(round)", at: Int.random(in: 0...new.count, using: &rng))
                } else if action == 1 {
                    new.remove(at: Int.random(in: 0..<new.count, using: &rng))
                } else {
                    new[Int.random(in: 0..<new.count, using: &rng)] = "c\(round)"
                }
            }
            let oldText = old.isEmpty ? "" : old.joined(separator: "\n") + "\n"
            let newText = new.isEmpty ? "" : new.joined(separator: "\n") + "\n"
            let diff = UnifiedDiff.render(old: oldText, new: newText, oldLabel: "a", newLabel: "b")
            if oldText == newText { #expect(diff.isEmpty); continue }
            #expect(Self.patch(oldText, with: diff) == newText, "round \(round):\n\(diff)")
        }
    }
}
