/// A small reader for the HCL subset `out/lb/main.tf` uses, written independently of the
/// generator's writer so a test reads back what Terraform would read: blocks with labels,
/// attributes, strings (escapes, `$${`/`%%{`), numbers, booleans, references, lists and objects,
/// and `#`, `//`, `/* */` comments. The google provider is not installed on these machines, so
/// `terraform validate` cannot run; this is the structural check instead.
enum HCLReader {
    indirect enum Value: Equatable, CustomStringConvertible {
        case string(String)
        case number(String)
        case bool(Bool)
        /// A traversal such as `google_compute_global_address.lb.address` (or `var.project`).
        case reference(String)
        case list([Value])
        case object([Pair])

        var description: String {
            switch self {
            case .string(let s): "\"\(s)\""
            case .number(let n): n
            case .bool(let b): String(b)
            case .reference(let r): r
            case .list(let items): "[" + items.map(\.description).joined(separator: ", ") + "]"
            case .object(let pairs): "{" + pairs.map { "\($0.key) = \($0.value)" }.joined(separator: ", ") + "}"
            }
        }

        var string: String? { if case .string(let s) = self { s } else { nil } }
        var reference: String? { if case .reference(let r) = self { r } else { nil } }
        var list: [Value]? { if case .list(let l) = self { l } else { nil } }
    }

    struct Pair: Equatable {
        var key: String
        var value: Value
    }

    struct Block: Equatable {
        var type: String
        var labels: [String]
        var attributes: [Pair]
        var blocks: [Block]

        subscript(_ name: String) -> Value? { attributes.first { $0.key == name }?.value }

        func blocks(_ type: String) -> [Block] { blocks.filter { $0.type == type } }

        func block(_ type: String, _ labels: String...) -> Block? {
            blocks.first { $0.type == type && Array($0.labels.prefix(labels.count)) == labels }
        }
    }

    struct ParseError: Error, CustomStringConvertible {
        var message: String
        var line: Int
        var description: String { "main.tf:\(line): \(message)" }
    }

    /// The file as one root block (type `""`) holding the top-level attributes and blocks.
    static func parse(_ text: String) throws -> Block {
        var parser = Parser(tokens: try tokenize(text))
        let root = try parser.body(closing: false)
        return Block(type: "", labels: [], attributes: root.attributes, blocks: root.blocks)
    }

    enum Token: Equatable {
        case identifier(String)
        case string(String)
        case number(String)
        case symbol(Character)
    }

    static func tokenize(_ text: String) throws -> [(Token, Int)] {
        let chars = Array(text.unicodeScalars)
        var tokens: [(Token, Int)] = []
        var index = 0
        var line = 1
        func at(_ offset: Int) -> Unicode.Scalar? { index + offset < chars.count ? chars[index + offset] : nil }
        while index < chars.count {
            let c = chars[index]
            switch c {
            case "\n":
                line += 1
                index += 1
            case " ", "\t", "\r":
                index += 1
            case "#":
                while index < chars.count && chars[index] != "\n" { index += 1 }
            case "/" where at(1) == "/":
                while index < chars.count && chars[index] != "\n" { index += 1 }
            case "/" where at(1) == "*":
                index += 2
                while index < chars.count && !(chars[index] == "*" && at(1) == "/") {
                    if chars[index] == "\n" { line += 1 }
                    index += 1
                }
                index += 2
            case "{", "}", "[", "]", "=", ",":
                tokens.append((.symbol(Character(c)), line))
                index += 1
            case "\"":
                index += 1
                var value = ""
                while true {
                    guard let s = at(0) else { throw ParseError(message: "unterminated string", line: line) }
                    if s == "\"" { index += 1; break }
                    if s == "\n" { throw ParseError(message: "newline in string", line: line) }
                    if s == "\\" {
                        guard let e = at(1) else { throw ParseError(message: "dangling escape", line: line) }
                        switch e {
                        case "\\": value += "\\"
                        case "\"": value += "\""
                        case "n": value += "\n"
                        case "r": value += "\r"
                        case "t": value += "\t"
                        case "u":
                            let hex = String(String.UnicodeScalarView(chars[(index + 2)..<min(index + 6, chars.count)]))
                            guard hex.count == 4, let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) else {
                                throw ParseError(message: "bad \\u escape", line: line)
                            }
                            value.unicodeScalars.append(scalar)
                            index += 4
                        default: throw ParseError(message: "unknown escape \\\(e)", line: line)
                        }
                        index += 2
                        continue
                    }
                    if (s == "$" || s == "%") && at(1) == s && at(2) == "{" {
                        value.unicodeScalars.append(s)
                        value += "{"
                        index += 3
                        continue
                    }
                    if (s == "$" || s == "%") && at(1) == "{" {
                        throw ParseError(message: "template sequence \(s){ in a string (generated strings are literal)", line: line)
                    }
                    value.unicodeScalars.append(s)
                    index += 1
                }
                tokens.append((.string(value), line))
            case "0"..."9", "-":
                var text = ""
                while let s = at(0), ("0"..."9").contains(s) || s == "." || s == "-" {
                    text.unicodeScalars.append(s)
                    index += 1
                }
                tokens.append((.number(text), line))
            default:
                guard c.properties.isAlphabetic || c == "_" else {
                    throw ParseError(message: "unexpected character '\(c)'", line: line)
                }
                var text = ""
                while let s = at(0), s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "_" || s == "-" || s == "." {
                    text.unicodeScalars.append(s)
                    index += 1
                }
                tokens.append((.identifier(text), line))
            }
        }
        return tokens
    }

    struct Parser {
        var tokens: [(Token, Int)]
        var position = 0

        var line: Int { position < tokens.count ? tokens[position].1 : (tokens.last?.1 ?? 0) }
        var peek: Token? { position < tokens.count ? tokens[position].0 : nil }

        mutating func next() throws -> Token {
            guard let token = peek else { throw ParseError(message: "unexpected end of file", line: line) }
            position += 1
            return token
        }

        mutating func expect(_ symbol: Character) throws {
            let token = try next()
            guard token == .symbol(symbol) else { throw ParseError(message: "expected '\(symbol)', got \(token)", line: line) }
        }

        mutating func body(closing: Bool) throws -> (attributes: [Pair], blocks: [Block]) {
            var attributes: [Pair] = []
            var blocks: [Block] = []
            while true {
                if closing, peek == .symbol("}") { position += 1; break }
                if !closing, peek == nil { break }
                guard case .identifier(let name) = try next() else {
                    throw ParseError(message: "expected an attribute or block name", line: line)
                }
                if peek == .symbol("=") {
                    position += 1
                    guard !attributes.contains(where: { $0.key == name }) else {
                        throw ParseError(message: "duplicate attribute \(name)", line: line)
                    }
                    attributes.append(Pair(key: name, value: try value()))
                    continue
                }
                var labels: [String] = []
                while case .string(let label)? = peek {
                    labels.append(label)
                    position += 1
                }
                try expect("{")
                let inner = try body(closing: true)
                blocks.append(Block(type: name, labels: labels, attributes: inner.attributes, blocks: inner.blocks))
            }
            return (attributes, blocks)
        }

        mutating func value() throws -> Value {
            switch try next() {
            case .string(let s): return .string(s)
            case .number(let n): return .number(n)
            case .identifier("true"): return .bool(true)
            case .identifier("false"): return .bool(false)
            case .identifier(let r): return .reference(r)
            case .symbol("["):
                var items: [Value] = []
                while peek != .symbol("]") {
                    items.append(try value())
                    if peek == .symbol(",") { position += 1 } else { break }
                }
                try expect("]")
                return .list(items)
            case .symbol("{"):
                var pairs: [Pair] = []
                while peek != .symbol("}") {
                    guard case .identifier(let key) = try next() else { throw ParseError(message: "expected an object key", line: line) }
                    try expect("=")
                    pairs.append(Pair(key: key, value: try value()))
                    if peek == .symbol(",") { position += 1 }
                }
                try expect("}")
                return .object(pairs)
            case let token:
                throw ParseError(message: "unexpected \(token) where a value belongs", line: line)
            }
        }
    }
}
