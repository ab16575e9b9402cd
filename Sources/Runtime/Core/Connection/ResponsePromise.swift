import Synchronization

/// A response that a handler completes later, from any thread, so slow work (a password hash, an
/// upstream call) never blocks an event loop. The first completion wins; later ones are ignored.
///
/// While a connection waits, it takes no further requests, so pipelined responses stay in order.
package final class ResponsePromise: Sendable {
    private struct State {
        var target: (sink: any ResponseSink, handle: ConnectionHandle)?
        var result: RouteResponse?
        var finished = false
    }

    private let state = Mutex(State())

    package init() {}

    /// Completes the request. Safe from any thread; only the first call counts.
    package func complete(_ response: RouteResponse) {
        let target: (sink: any ResponseSink, handle: ConnectionHandle)? = state.withLock { s in
            guard !s.finished else { return nil }
            s.finished = true
            guard let target = s.target else {
                s.result = response  // not attached yet: the loop picks it up in `attach`
                return nil
            }
            return target
        }
        if let target { target.sink.complete(target.handle, with: response) }
    }

    /// Called by the loop that dispatched the request, with itself as the sink (or by an
    /// in-process client, with its own).
    package func attach(to sink: any ResponseSink, handle: ConnectionHandle) {
        let early: RouteResponse? = state.withLock { s in
            s.target = (sink, handle)
            return s.result
        }
        if let early { sink.complete(handle, with: early) }
    }
}

/// Where a promise's answer goes: the dispatching loop's `LoopHandle`, opaque to the promise so
/// the connection layer never names the loop (and tests can complete promises without one).
package protocol ResponseSink: Sendable {
    /// Takes the answer for `connection`, from any thread.
    func complete(_ connection: ConnectionHandle, with response: RouteResponse)
}

/// A dispatched request whose answer is a `ResponsePromise` still running elsewhere.
struct PendingResponse {
    let request: HTTPRequest
    let context: RequestContext
    let startedAt: Int64
}
