/// Typed reads from a parsed `JSONValue`, each failure naming the path that did not fit.
///
/// What piloto reads back from its own writers (the dashboard's per-instance snapshots in Redis)
/// goes through this instead of `Codable`, so the package has one JSON value type and one parser.
/// A missing member and a member of the wrong type are both a `Mismatch`; `optional` is for members
/// a writer may leave out.
package struct JSONReader {
    /// The first member or element that was missing or not of the expected type.
    package struct Mismatch: Error, Equatable, CustomStringConvertible {
        package let path: String
        package let expected: String
        package var description: String { "\(path): expected \(expected)" }
    }

    private let value: JSONValue?
    private let path: String

    package init(_ value: JSONValue) { self.init(value, path: "$") }

    private init(_ value: JSONValue?, path: String) {
        self.value = value
        self.path = path
    }

    /// The member `key` (missing members fail when read, not here).
    package subscript(key: String) -> JSONReader { JSONReader(value?[key], path: path + "." + key) }

    /// The member `key`, or nil when it is absent or `null`.
    package func optional(_ key: String) -> JSONReader? {
        switch value?[key] {
        case nil, .null?: nil
        case let member?: JSONReader(member, path: path + "." + key)
        }
    }

    package func string() throws(Mismatch) -> String {
        guard case .string(let text)? = value else { throw mismatch("a string") }
        return text
    }

    package func bool() throws(Mismatch) -> Bool {
        guard case .bool(let flag)? = value else { throw mismatch("true or false") }
        return flag
    }

    package func int64() throws(Mismatch) -> Int64 {
        guard let number = value?.int64Value else { throw mismatch("an integer") }
        return number
    }

    package func int() throws(Mismatch) -> Int {
        guard let number = Int(exactly: try int64()) else { throw mismatch("an integer") }
        return number
    }

    package func double() throws(Mismatch) -> Double {
        guard case .number(let number)? = value, let double = number.doubleValue else { throw mismatch("a number") }
        return double
    }

    /// Every element read by `element`, in order.
    package func array<Element>(_ element: (JSONReader) throws(Mismatch) -> Element) throws(Mismatch) -> [Element] {
        guard case .array(let items)? = value else { throw mismatch("an array") }
        var result: [Element] = []
        result.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            result.append(try element(JSONReader(item, path: path + "[\(index)]")))
        }
        return result
    }

    private func mismatch(_ expected: String) -> Mismatch { Mismatch(path: path, expected: expected) }
}
