import PilotoHTTPCore

/// Which of `server.headers` (`ProxyPlan.serverHeaders`) the upstream's kept response fields
/// already set, so the proxy adds only the others. Why not a scan of the kept fields per server
/// header: that was one comparison per pair on every response; here a field is compared only
/// when one of the server headers has a name of its length, and the answer is a bit.
struct ServerHeadersSet {
    private let names: [(name: String, value: String)]
    private let lengths: UInt64
    private var bits: UInt64 = 0

    init(_ plan: ProxyPlan) {
        names = plan.serverHeaders
        lengths = plan.serverHeaderLengths
    }

    /// A kept field named `name` was relayed.
    mutating func markSet(_ name: UnsafeBufferPointer<UInt8>) {
        guard lengths & HTTPHeaders.lengthBit(name.count) != 0 else { return }
        for (index, field) in names.prefix(64).enumerated() where name.asciiCaseInsensitiveEquals(field.name) {
            bits |= 1 << UInt64(index)
        }
    }

    /// True when the upstream set server header `index`. Past the 64 a bit set holds, the kept
    /// fields of `headers` are searched (no configuration has that many).
    func isSet(_ index: Int, _ headers: HTTPHeaders) -> Bool {
        if index < 64 { return bits & (1 << UInt64(index)) != 0 }
        let wanted = names[index].name
        var found = false
        ProxyResponseHeaders.forEachKept(headers) { if $0.name.asciiCaseInsensitiveEquals(wanted) { found = true } }
        return found
    }
}
