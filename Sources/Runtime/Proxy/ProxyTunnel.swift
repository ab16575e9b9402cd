import PilotoHTTPCore
import Synchronization

/// A WebSocket relayed to the upstream after its `101`: bytes flow both ways as they come, while
/// a frame tracker per direction enforces RFC 6455's masking rules (client frames masked, server
/// frames not) and piloto's frame size limit, and knows where frames end so that a drain can
/// insert a `1001 going away` close frame without cutting one in half.
final class ProxyTunnel: UpgradedConnection, UpstreamOwner {
    private let upstream: UpstreamConnection
    private let link: ExchangeLink
    private let plan: ProxyPlan
    /// The loop's proxy read buffer (`LoopProxyState`): the tunnel runs on that loop only.
    private let buffer: UnsafeMutableRawBufferPointer
    private var toUpstream: [UInt8] = []
    private var fromClient = WebSocketFrameTracker(expectMasked: true)
    private var fromUpstream = WebSocketFrameTracker(expectMasked: false)
    private var openedAt: Int64
    private var lastActivity: Int64
    /// Drain or age limit: close frames are sent at the next frame boundary of each direction.
    private var closing = false
    private var closeDeadline: Int64 = 0
    private var sentCloseToClient = false
    private var sentCloseToUpstream = false
    private var finished = false
    /// Bytes buffered for a slow upstream beyond this end the tunnel (memory stays bounded).
    static let maxBuffered = 4 << 20
    /// How long the peers get to answer a close before both connections are cut.
    static let closeGrace: Int64 = 2_000

    init(upstream: UpstreamConnection, link: ExchangeLink, plan: ProxyPlan, buffer: UnsafeMutableRawBufferPointer, now: Int64) {
        self.buffer = buffer
        self.upstream = upstream
        self.link = link
        self.plan = plan
        openedAt = now
        lastActivity = now
        upstream.owner = self
    }

    /// Called once the core handed the connection over.
    func started(now: Int64) {
        plan.metrics.openTunnels.add(1, ordering: .relaxed)
        // The upstream may have sent frames already; nothing was lost (edge-triggered: read now).
        readUpstreamIntoLink(now: now)
    }

    // MARK: client → upstream

    func received(_ bytes: UnsafeRawBufferPointer, now: Int64, output: inout OutputQueue) -> UpgradeDisposition {
        guard !finished else { return .closeNow }
        lastActivity = now
        if sentCloseToUpstream { return .keepOpen }  // nothing may follow our close frame
        guard fromClient.consume(bytes, maxPayload: Self.maxFrame) else { return end(.closeNow) }
        toUpstream.append(contentsOf: bytes)
        guard writeUpstream() else { return end(.closeNow) }
        guard toUpstream.count <= Self.maxBuffered else { return end(.closeNow) }
        if closing && fromClient.atBoundary { sendCloseToUpstream() }
        return .keepOpen
    }

    @discardableResult
    private func writeUpstream() -> Bool {
        while !toUpstream.isEmpty {
            let n = toUpstream.withUnsafeBytes { Socket.write(upstream.fd, $0) }
            if n < 0 { return false }
            if n == 0 {
                upstream.watchWrites(true)
                return true
            }
            toUpstream.removeFirst(n)
        }
        upstream.watchWrites(false)
        return true
    }

    // MARK: upstream → client

    func upstreamReady(_ connection: UpstreamConnection, events: UInt32, now: Int64) {
        guard !finished else { return }
        if events & LoopEvents.writable != 0 && !writeUpstream() {
            finishFromUpstream()
            return link.closeWhenFlushed()
        }
        if events & (LoopEvents.readable | LoopEvents.hangup | LoopEvents.error) != 0 { readUpstreamIntoLink(now: now) }
    }

    func upstreamTick(_ connection: UpstreamConnection, now: Int64) {}

    /// Outside the core's callbacks (an upstream event): bytes go through the link.
    private func readUpstreamIntoLink(now: Int64) {
        readUpstream(now: now, pending: { link.pendingOutputBytes }, emit: { link.append($0) })
        if finished { link.closeWhenFlushed() } else { link.flush() }
    }

    /// Reads what the upstream sent and emits it for the client. Inside the core's callbacks the
    /// client's queue is the `output` argument (the link must not touch it then: exclusivity).
    ///
    /// Back-pressure: a client not reading its frames stops the reading of the upstream (the tick
    /// looks again); the core's slow-reader timeout ends a client that never reads.
    private func readUpstream(now: Int64, pending: () -> Int, emit: (UnsafeRawBufferPointer) -> Void) {
        while !finished && pending() < ExchangeLink.highWater {
            let n: Int
            do {
                n = try Socket.read(upstream.fd, into: buffer)
            } catch .wouldBlock {
                break
            } catch {
                return finishFromUpstream()
            }
            if n == 0 { return finishFromUpstream() }
            lastActivity = now
            relay(UnsafeRawBufferPointer(rebasing: buffer[0..<n]), emit: emit)
        }
    }

    /// Bytes the upstream sent together with its `101` (before the core handed the connection over).
    func relayFromUpstream(_ bytes: UnsafeRawBufferPointer, now: Int64) {
        relay(bytes, emit: { link.append($0) })
    }

    /// Bytes from the upstream for the client, frame rules checked.
    private func relay(_ bytes: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) -> Void) {
        guard !bytes.isEmpty, !sentCloseToClient else { return }
        guard fromUpstream.consume(bytes, maxPayload: Self.maxFrame) else { return finishFromUpstream() }
        emit(bytes)
        if closing && fromUpstream.atBoundary { sendCloseToClient(emit: emit) }
    }

    private func finishFromUpstream() {
        guard !finished else { return }
        finished = true
        upstream.close()
        plan.metrics.openTunnels.subtract(1, ordering: .relaxed)
        // The client side ends too: through the link outside the core's callbacks (the
        // callbacks return `.closeWhenFlushed` instead, see `tick`).
    }

    // MARK: lifecycle

    func tick(now: Int64, output: inout OutputQueue) -> UpgradeDisposition {
        guard !finished else { return .closeNow }
        readUpstream(now: now, pending: { output.pendingBytes }, emit: { output.append($0) })
        if finished { return .closeWhenFlushed }
        if closing {
            if now >= closeDeadline { return end(.closeWhenFlushed) }
        } else if now - openedAt >= plan.tunnelMaxAge || now - lastActivity >= plan.idleTimeout {
            startClosing(now: now, emit: { output.append($0) })
        }
        return .keepOpen
    }

    func delivered(_ payload: [UInt8], now: Int64, output: inout OutputQueue) -> UpgradeDisposition { .keepOpen }

    func drain(now: Int64, output: inout OutputQueue) -> UpgradeDisposition {
        guard !finished else { return .closeNow }
        startClosing(now: now, emit: { output.append($0) })
        return .keepOpen
    }

    func closed() {
        guard !finished else { return }
        finished = true
        upstream.close()
        plan.metrics.openTunnels.subtract(1, ordering: .relaxed)
    }

    private func startClosing(now: Int64, emit: (UnsafeRawBufferPointer) -> Void) {
        guard !closing else { return }
        closing = true
        closeDeadline = now + Self.closeGrace
        if fromUpstream.atBoundary { sendCloseToClient(emit: emit) }
        if fromClient.atBoundary { sendCloseToUpstream() }
    }

    private func sendCloseToClient(emit: (UnsafeRawBufferPointer) -> Void) {
        guard !sentCloseToClient else { return }
        sentCloseToClient = true
        WebSocketFrameTracker.closeFrame(code: 1001, masked: false).withUnsafeBytes { emit($0) }
    }

    private func sendCloseToUpstream() {
        guard !sentCloseToUpstream else { return }
        sentCloseToUpstream = true
        toUpstream += WebSocketFrameTracker.closeFrame(code: 1001, masked: true)
        writeUpstream()
    }

    private func end(_ disposition: UpgradeDisposition) -> UpgradeDisposition {
        if !finished {
            finished = true
            upstream.close()
            plan.metrics.openTunnels.subtract(1, ordering: .relaxed)
        }
        return disposition
    }

    /// Largest frame payload relayed either way (16 MiB, as a message limit would be).
    static let maxFrame = 16 << 20
}
