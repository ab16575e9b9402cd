import Foundation
import Testing

/// 1,000 seeded mutations of the example through `piloto validate`: it must never crash, must exit
/// 0 or 2, and must never exit 0 after printing an error.
struct ValidateMutationTests {
    /// SplitMix64: deterministic across platforms (the seed makes failures reproducible).
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }
    }

    static let replacements = [
        "yes", "[]", "{}", "-1", "99999999999999999999", "1.5", "abc", "\"\"", "~", "0x10", "512MB", "${NOPE}",
        "$${X}", "&a x", "*a", "!!str x", "[1, 2", "'unterminated", "0s", "100%", "gcr.io/x/y:latest", "rediss://h:1",
        "none", "/", "__Host-x", "latest", "PORT", "8Gi", "0.01", "1000m", "\t", ": :", "- x",
    ]

    static func mutate(_ lines: [String], _ rng: inout Random) -> String {
        var lines = lines
        for _ in 0...rng.below(3) {
            guard !lines.isEmpty else { break }
            let i = rng.below(lines.count)
            switch rng.below(9) {
            case 0: lines.remove(at: i)
            case 1: lines.insert(lines[i], at: i)  // duplicate key (or list item)
            case 2:
                if let colon = lines[i].firstIndex(of: ":") {
                    lines[i] = String(lines[i][...colon]) + " " + replacements[rng.below(replacements.count)]
                }
            case 3: lines[i] = "  " + lines[i]
            case 4: lines[i] = String(lines[i].drop { $0 == " " })
            case 5: lines.swapAt(i, rng.below(lines.count))
            case 6:
                var scalars = Array(lines[i].unicodeScalars)
                let chars: [Unicode.Scalar] = ["\t", "#", ":", "-", "{", "[", "&", "*", "!", "\"", "'", "|", ">", "%", "@", "`"]
                scalars.insert(chars[rng.below(chars.count)], at: rng.below(scalars.count + 1))
                lines[i] = String(String.UnicodeScalarView(scalars))
            case 7: lines = Array(lines.prefix(i))
            default: lines[i] = lines[i].replacingOccurrences(of: "_", with: "")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func thousandMutations_neverCrash_neverExit0WithError() throws {
        let example = try String(
            contentsOfFile: CLIFixtures.repoRoot + "/Tests/ConfigTests/Fixtures/valid/piloto.example.yaml", encoding: .utf8)
        let lines = example.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let dir = try CLIFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var rng = Random(state: 20_261_129)
        var exits: [Int32: Int] = [:]
        for index in 0..<1000 {
            let text = Self.mutate(lines, &rng)
            let path = "\(dir)/m\(index).yaml"
            try text.write(toFile: path, atomically: false, encoding: .utf8)
            let env: [String] = index % 3 == 0 ? ["--env", "staging"] : []
            let result = runCLI(["validate", "--config", path] + env)
            exits[result.code, default: 0] += 1
            #expect(result.code == 0 || result.code == 2, "mutation \(index)")
            if result.err.contains(": error: ") {
                #expect(result.code == 2, "mutation \(index) printed an error but exited \(result.code)")
            }
            if result.code == 2 {
                #expect(result.err.contains(": error: "), "mutation \(index) failed without an error line")
            }
            try? FileManager.default.removeItem(atPath: path)
        }
        // Both outcomes occur: the mutations are neither all harmless nor all fatal.
        #expect((exits[0] ?? 0) > 0)
        #expect((exits[2] ?? 0) > 0)
    }
}
