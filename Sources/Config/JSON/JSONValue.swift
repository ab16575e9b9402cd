/// The one JSON value of piloto: what the schema, the alert policies, log lines, the dashboard
/// document, error bodies and Redis session records are built from, and what `JSONParser` returns.
///
/// Objects are arrays of pairs, so output keys come in the order the code wrote them (never from a
/// Dictionary) and parsed objects keep the file's order and any duplicates. Numbers are exact
/// decimal text (`JSONNumber`), so `0.7` never prints as `0.69999999` and a parsed `1e400` is not
/// silently turned into infinity. Writing lives in `JSONValue+Writing.swift`.
package indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    /// An integer number.
    package static func int(_ value: some BinaryInteger) -> JSONValue { .number(JSONNumber(value)) }

    /// `value` with `decimals` digits after the point, or `null` when it is not finite (RFC 8259 §6
    /// has no NaN or infinity); see `JSONNumber.fixed`.
    package static func number(_ value: Double, decimals: Int) -> JSONValue {
        JSONNumber.fixed(value, decimals: decimals).map(JSONValue.number) ?? .null
    }

    /// `value` in the shortest text that reads back as the same `Double` (Swift's `description`,
    /// e.g. `0.1`, `1e-07`), or `null` when it is not finite. For values piloto reads back itself;
    /// figures meant for people use `number(_:decimals:)`.
    package static func double(_ value: Double) -> JSONValue {
        guard value.isFinite, let number = JSONNumber(value.description) else { return .null }
        return .number(number)
    }

    /// Structural equality; object members must match in order (as the written bytes would).
    package static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case (.bool(let x), .bool(let y)): x == y
        case (.number(let x), .number(let y)): x == y
        case (.string(let x), .string(let y)): x == y
        case (.array(let x), .array(let y)): x == y
        case (.object(let x), .object(let y)): x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    /// The member named `key` of an object (the last one when a key repeats, as a Dictionary
    /// decoder would keep); nil for other values.
    package subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.0 == key }?.1
    }

    package var stringValue: String? { if case .string(let s) = self { s } else { nil } }

    /// An integer number that fits `Int64` exactly (`1.0`, `1e3` and out-of-range numbers are nil).
    package var int64Value: Int64? { if case .number(let n) = self { n.int64Value } else { nil } }
}
