import Synchronization

/// Who is in which channel, on this instance, and the fan-out of each message to them.
///
/// Thread-safe: members live on any event loop and join, leave and publish from their own loop's
/// thread; the table is behind one mutex that is held only to change or copy a member list, never
/// while delivering. A message is encoded ONCE into a WebSocket frame and the same bytes (one
/// copy-on-write array) are handed to the members' loops through `deliver` in one call (one mailbox
/// post per loop, `ServerLink.deliver(_:toEach:)`), so a broadcast to 1,000 members costs one
/// encoding and one wake-up per loop; each loop then writes the bytes to its members' sockets.
///
/// The sender is a member of its channel and receives its own message too, through the same path
/// as everyone else: every member sees the channel's messages in the same order, and the sender
/// learns the server accepted it (with the server's `from` and `at`).
///
/// Other instances: every envelope this hub builds is also published on the `ChannelBus`; what the
/// bus receives from other instances is delivered to local members only and never re-published
/// (the bus carries to *other* instances, exactly once). Member counts in `join`/`leave` are local.
package final class ChannelHub: Sendable {
    /// Posts a frame to connections on their own loops (`ServerLink.deliver(_:toEach:)`).
    package typealias Deliver = @Sendable (_ frame: [UInt8], _ to: [ConnectionHandle]) -> Void

    /// One channel's local members: an array for cheap snapshots, an index for O(1) removal.
    private struct Members {
        var handles: [ConnectionHandle] = []
        var positions: [ConnectionHandle: Int] = [:]

        mutating func insert(_ handle: ConnectionHandle) -> Bool {
            guard positions[handle] == nil else { return false }
            positions[handle] = handles.count
            handles.append(handle)
            return true
        }

        mutating func remove(_ handle: ConnectionHandle) -> Bool {
            guard let position = positions.removeValue(forKey: handle) else { return false }
            let last = handles.removeLast()
            if position < handles.count {
                handles[position] = last
                positions[last] = position
            }
            return true
        }
    }

    private let channels = Mutex<[String: Members]>([:])
    private let deliver: Deliver
    private let bus: any ChannelBus
    private let clock: @Sendable () -> Int64

    /// - Parameters:
    ///   - bus: carries envelopes to other instances (`LocalChannelBus` when there are none).
    ///   - clock: wall-clock Unix milliseconds for `at`.
    ///   - deliver: posts frame bytes to members' connections.
    package init(
        bus: any ChannelBus = LocalChannelBus(),
        clock: @escaping @Sendable () -> Int64 = { ChannelEnvelope.nowMilliseconds() },
        deliver: @escaping Deliver
    ) {
        self.bus = bus
        self.clock = clock
        self.deliver = deliver
        bus.setReceiver { [weak self] channel, payload in self?.receivedFromBus(channel, payload: payload) }
    }

    /// Local members of `channel`.
    package func memberCount(_ channel: String) -> Int {
        channels.withLock { $0[channel]?.handles.count ?? 0 }
    }

    /// Adds a member and tells the channel (the newcomer included) with a `join` envelope.
    package func join(_ channel: String, handle: ConnectionHandle, login: String) {
        let members: [ConnectionHandle]? = channels.withLock { table in
            // Mutated in place (`default:` subscript): copying the entry out and back would copy
            // its index on every join, O(n²) for a channel filling up.
            guard table[channel, default: Members()].insert(handle) else { return nil }
            let handles = table[channel]?.handles ?? []
            // Under the lock so a subscribe and a concurrent last-member unsubscribe keep their order;
            // `ChannelBus` calls only queue work and never call back synchronously.
            if handles.count == 1 { bus.subscribe(channel) }
            return handles
        }
        guard let members else { return }
        let text = ChannelEnvelope.presence(
            .join, channel: channel, from: login, atMilliseconds: clock(), members: members.count)
        fanOut(channel, text: text, to: members, publish: true)
    }

    /// Removes a member (its connection closed) and tells the others with a `leave` envelope.
    package func leave(_ channel: String, handle: ConnectionHandle, login: String) {
        let members: [ConnectionHandle]? = channels.withLock { table in
            // In place (optional chaining on the subscript), for the same reason as `join`.
            guard table[channel]?.remove(handle) == true else { return nil }
            let handles = table[channel]?.handles ?? []
            if handles.isEmpty {
                table[channel] = nil
                bus.unsubscribe(channel)
            }
            return handles
        }
        guard let members else { return }
        let text = ChannelEnvelope.presence(
            .leave, channel: channel, from: login, atMilliseconds: clock(), members: members.count)
        fanOut(channel, text: text, to: members, publish: true)
    }

    /// Broadcasts a member's text message to every member of `channel`, the sender included.
    package func publish(_ channel: String, from login: String, data: String) {
        let members = channels.withLock { $0[channel]?.handles ?? [] }
        let text = ChannelEnvelope.message(channel: channel, from: login, atMilliseconds: clock(), data: data)
        fanOut(channel, text: text, to: members, publish: true)
    }

    /// An envelope another instance published: local members only, never re-published.
    func receivedFromBus(_ channel: String, payload: [UInt8]) {
        // Our own instances only send envelopes, but a text frame must be UTF-8 (RFC 6455 §8.1):
        // never forward bytes that would make every member's client fail the connection.
        guard WebSocketUTF8Validator.isValid(payload) else { return }
        let members = channels.withLock { $0[channel]?.handles ?? [] }
        guard !members.isEmpty else { return }
        let frame = WebSocketFrameEncoder.encode(opcode: .text, payload: payload)
        deliver(frame, members)
    }

    private func fanOut(_ channel: String, text: String, to members: [ConnectionHandle], publish: Bool) {
        let payload = Array(text.utf8)
        // One encoding, shared by every delivery (copy-on-write, never copied while only read).
        let frame = WebSocketFrameEncoder.encode(opcode: .text, payload: payload)
        deliver(frame, members)
        if publish { bus.publish(channel, payload: payload) }
    }
}
