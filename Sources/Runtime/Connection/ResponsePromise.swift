import Synchronization

/// A response that a handler completes later, from any thread, so slow work (a password hash, an
/// upstream call) never blocks an event loop. The first completion wins; later ones are ignored.
///
/// While a connection waits, it takes no further requests, so pipelined responses stay in order.
package final class ResponsePromise: Sendable {
    private struct State {
        var target: (loop: EventLoop, handle: ConnectionHandle)?
        var result: RouteResponse?
        var finished = false
    }

    private let state = Mutex(State())

    package init() {}

    /// Completes the request. Safe from any thread; only the first call counts.
    package func complete(_ response: RouteResponse) {
        let target: (loop: EventLoop, handle: ConnectionHandle)? = state.withLock { s in
            guard !s.finished else { return nil }
            s.finished = true
            guard let target = s.target else {
                s.result = response  // not attached yet: the loop picks it up in `attach`
                return nil
            }
            return target
        }
        if let target { target.loop.post(.complete(target.handle, response)) }
    }

    /// Called by the loop that dispatched the request.
    func attach(loop: EventLoop, handle: ConnectionHandle) {
        let early: RouteResponse? = state.withLock { s in
            s.target = (loop, handle)
            return s.result
        }
        if let early { loop.post(.complete(handle, early)) }
    }
}

/// A dispatched request whose answer is a `ResponsePromise` still running elsewhere.
struct PendingResponse {
    let request: HTTPRequest
    let route: Int
    let startedAt: Int64
}
