import Synchronization

/// A response that a handler completes later, from any thread, so slow work (a password hash, an
/// upstream call) never blocks an event loop. The first completion wins; later ones are ignored.
///
/// While a connection waits, it takes no further requests, so pipelined responses stay in order.
package final class ResponsePromise: Sendable {
    private struct State {
        var target: (loop: LoopHandle, handle: ConnectionHandle)?
        var result: RouteResponse?
        var finished = false
    }

    private let state = Mutex(State())

    package init() {}

    /// Completes the request. Safe from any thread; only the first call counts.
    package func complete(_ response: RouteResponse) {
        let target: (loop: LoopHandle, handle: ConnectionHandle)? = state.withLock { s in
            guard !s.finished else { return nil }
            s.finished = true
            guard let target = s.target else {
                s.result = response  // not attached yet: the loop picks it up in `attach`
                return nil
            }
            return target
        }
        if let target { target.loop.complete(target.handle, with: response) }
    }

    /// Called by the loop that dispatched the request.
    func attach(loop: LoopHandle, handle: ConnectionHandle) {
        let early: RouteResponse? = state.withLock { s in
            s.target = (loop, handle)
            return s.result
        }
        if let early { loop.complete(handle, with: early) }
    }
}

/// A dispatched request whose answer is a `ResponsePromise` still running elsewhere.
struct PendingResponse {
    let request: HTTPRequest
    let context: RequestContext
    let startedAt: Int64
}
