import Testing
@testable import PilotoHTTPCore

/// `ConnectionPhase` transitions without sockets: what a phase lets the loop read and pull, and
/// that leaving a phase hands back exactly what it held.
struct ConnectionPhaseTests {
    private final class NullUpgraded: UpgradedConnection {
        func received(_ bytes: UnsafeRawBufferPointer, now: Int64, output: inout OutputQueue) -> UpgradeDisposition { .keepOpen }
        func tick(now: Int64, output: inout OutputQueue) -> UpgradeDisposition { .keepOpen }
        func delivered(_ payload: [UInt8], now: Int64, output: inout OutputQueue) -> UpgradeDisposition { .keepOpen }
        func drain(now: Int64, output: inout OutputQueue) -> UpgradeDisposition { .keepOpen }
        func closed() {}
    }

    private func pending(startedAt: Int64) -> PendingResponse {
        let head = HTTPRequestHead(
            method: "GET", target: "/p", version: .http11, headers: HTTPHeaders([("Host", "t")]), framing: .none,
            keepAlive: true, expectContinue: false)
        let request = HTTPRequest(
            head: head, path: "/p", query: nil, body: [], remote: SocketAddress(ip: "127.0.0.1", isLoopback: true),
            startNanos: 0)
        let handle = ConnectionHandle(loop: 0, fd: 7, generation: 1)
        return PendingResponse(request: request, context: RequestContext(loop: 0, connection: handle), startedAt: startedAt)
    }

    @Test func http_readsAndPullsActions() {
        let phase = ConnectionPhase.http
        #expect(phase.admitsReading(streamingBody: false))
        #expect(phase.admitsHTTPActions(streamingBody: false))
        #expect(phase.pending == nil && phase.exchange == nil && phase.upgraded == nil && !phase.bodyPaused)
    }

    @Test func awaitingPromise_blocksReading_untilTaken() {
        var phase = ConnectionPhase.awaitingPromise(pending(startedAt: 42))
        #expect(!phase.admitsReading(streamingBody: false))
        #expect(!phase.admitsHTTPActions(streamingBody: false))
        let noExchange = phase.takeExchange()
        #expect(noExchange == nil)
        #expect(phase.pending?.startedAt == 42)
        let taken = phase.takePending()
        #expect(taken?.startedAt == 42)
        #expect(phase.pending == nil)
        #expect(phase.admitsHTTPActions(streamingBody: false))
        let again = phase.takePending()
        #expect(again == nil)
    }

    @Test func upgraded_readsBytes_butNeverHTTP() {
        let connection = NullUpgraded()
        var phase = ConnectionPhase.upgraded(connection)
        #expect(phase.admitsReading(streamingBody: false))
        #expect(!phase.admitsHTTPActions(streamingBody: false))
        #expect(phase.upgraded === connection)
        let pending = phase.takePending()
        let exchange = phase.takeExchange()
        #expect(pending == nil && exchange == nil)
        #expect(phase.upgraded === connection)
    }

    @Test func bodyPause_needsAnExchange() {
        var phase = ConnectionPhase.http
        let changedOnHTTP = phase.setBodyPaused(true)
        #expect(!changedOnHTTP && !phase.bodyPaused)
        phase = .awaitingPromise(pending(startedAt: 0))
        let changedWhileAwaiting = phase.setBodyPaused(true)
        #expect(!changedWhileAwaiting && !phase.bodyPaused)
        #expect(phase.pending != nil)
    }
}
