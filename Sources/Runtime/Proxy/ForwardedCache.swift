import Synchronization

/// The last `Forwarded` value a proxy route built (`ProxyRequestHeaders.forwarded`), with what it
/// was built from. Why: the client address and `Host` are the same for every request on a
/// connection (and usually from one client to the next), yet formatting the value was an array
/// and a String per proxied request. One entry, so it cannot grow; a Mutex because session
/// lookups may build the request on the store's thread.
final class ForwardedCache: Sendable {
    private struct Entry {
        var clientIP = ""
        var proto = ""
        var host = ""
        var value = ""
        var filled = false
    }

    private let last = Mutex(Entry())

    /// `ProxyRequestHeaders.forwarded(for:proto:host:)`, reused when the inputs are the last ones.
    func value(clientIP: String, proto: String, host: String) -> String {
        if let hit = last.withLock({ e -> String? in
            e.filled && e.clientIP == clientIP && e.host == host && e.proto == proto ? e.value : nil
        }) {
            return hit
        }
        let value = ProxyRequestHeaders.forwarded(for: clientIP, proto: proto, host: host)
        last.withLock { $0 = Entry(clientIP: clientIP, proto: proto, host: host, value: value, filled: true) }
        return value
    }
}
