/// Encodes commands the way every Redis client sends them: an array of bulk strings
/// (RESP2 "Sending commands to a Redis server"). Binary-safe, so payloads need no escaping.
package enum RESPEncoder {
    /// `["SET", "k", "v"]` → `*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n`.
    package static func command(_ arguments: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(16 + arguments.reduce(0) { $0 + $1.count + 16 })
        appendCommand(arguments, to: &out)
        return out
    }

    package static func command(_ arguments: [String]) -> [UInt8] {
        command(arguments.map { Array($0.utf8) })
    }

    package static func appendCommand(_ arguments: [[UInt8]], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "*"))
        out += Array(String(arguments.count).utf8)
        out += [13, 10]
        for argument in arguments {
            out.append(UInt8(ascii: "$"))
            out += Array(String(argument.count).utf8)
            out += [13, 10]
            out += argument
            out += [13, 10]
        }
    }

    /// Any value back to wire bytes (tests and the fuzz oracle use it to round-trip).
    package static func encode(_ value: RESPValue) -> [UInt8] {
        var out: [UInt8] = []
        append(value, to: &out)
        return out
    }

    package static func append(_ value: RESPValue, to out: inout [UInt8]) {
        switch value {
        case .simpleString(let s): out += [UInt8(ascii: "+")] + Array(s.utf8) + [13, 10]
        case .error(let s): out += [UInt8(ascii: "-")] + Array(s.utf8) + [13, 10]
        case .integer(let n): out += [UInt8(ascii: ":")] + Array(String(n).utf8) + [13, 10]
        case .bulkString(nil): out += Array("$-1\r\n".utf8)
        case .bulkString(let bytes?):
            out += [UInt8(ascii: "$")] + Array(String(bytes.count).utf8) + [13, 10] + bytes + [13, 10]
        case .array(nil): out += Array("*-1\r\n".utf8)
        case .array(let items?):
            out += [UInt8(ascii: "*")] + Array(String(items.count).utf8) + [13, 10]
            for item in items { append(item, to: &out) }
        }
    }
}
