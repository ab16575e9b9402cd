import PilotoConfig
import PilotoHTTPCore
import Synchronization

/// `handler: proxy`: checks what piloto owns (upgrade kind, Origin, body size, session) and hands
/// the rest to a `ProxyExchange` on the connection's loop. The backend is never called for a
/// request piloto refuses (401 with `auth: required`, 413, 400 for h2c and other upgrades).
package struct ProxyResponder: Responder {
    let plan: ProxyPlan
    let builder: ProxyRequestBuilder
    let gate: AuthGate?
    let authRequired: Bool
    let origins: WebSocketOriginPolicy

    package func respond(to request: HTTPRequest) -> RouteResponse {
        var websocketKey: String?
        if request.head.headers.contains("Upgrade") {
            guard plan.websocket, request.head.headers.containsToken("Upgrade", "websocket") else {
                return ProxyError.upgradeNotForwarded.response
            }
            do {
                _ = try WebSocketHandshake.accept(request, origins: origins)
            } catch {
                return ProxyError.handshakeRefused(error).response
            }
            websocketKey = request.head.headers["Sec-WebSocket-Key"]
        }
        var declared = request.body.count
        if case .length(let length) = request.head.framing { declared = max(declared, length) }
        guard declared <= plan.maxBody else {
            return ProxyError.bodyTooLarge(maxBody: plan.maxBody).response
        }
        guard let gate, authRequired || builder.identity != .off, gate.sessionID(in: request) != nil || authRequired else {
            return start(request, session: nil, websocketKey: websocketKey)
        }
        // The memory store answers inline: then no promise (and no loop mailbox round trip) is used.
        let handoff = LookupHandoff()
        gate.lookup(request) { [self, websocketKey] found in
            handoff.deliver(answer(request, found, websocketKey: websocketKey))
        }
        return handoff.response()
    }

    private func answer(_ request: HTTPRequest, _ found: AuthGate.Lookup, websocketKey: String?) -> RouteResponse {
        switch found {
        case .session(let session):
            return start(request, session: session, websocketKey: websocketKey)
        case .noSession:
            return authRequired ? AuthGateError.notLoggedIn("not logged in").response : start(request, session: nil, websocketKey: websocketKey)
        case .storeFailed(let error):
            return AuthGateError.storeFailed(error, retryAfterSeconds: gate?.retryAfterSeconds ?? 5).response
        }
    }

    private func start(_ request: HTTPRequest, session: Session?, websocketKey: String?) -> RouteResponse {
        .exchange(ProxyStart(plan: plan, request: builder.build(request, session: session, websocketKey: websocketKey)))
    }
}

/// Starts the exchange on the loop that owns the connection.
struct ProxyStart: ExchangeStarter {
    let plan: ProxyPlan
    let request: ProxyRequest
    let upstreams: ProxyUpstreams

    init(plan: ProxyPlan, request: ProxyRequest) {
        self.plan = plan
        self.request = request
        upstreams = plan.upstreams
    }

    func start(_ request: HTTPRequest, link: ExchangeLink) -> any ClientExchange {
        let exchange = ProxyExchange(
            plan: plan, request: self.request, link: link, local: upstreams.state(forLoop: link.loopIndex))
        exchange.begin()
        return exchange
    }
}

/// Carries a session lookup's answer back: at once when the store answered inline, else through
/// a promise completed from the store's thread.
private final class LookupHandoff: Sendable {
    private struct State {
        var answer: RouteResponse?
        var promise: ResponsePromise?
    }

    private let state = Mutex(State())

    func deliver(_ answer: RouteResponse) {
        let promise: ResponsePromise? = state.withLock { s in
            if let promise = s.promise { return promise }
            s.answer = answer
            return nil
        }
        promise?.complete(answer)
    }

    func response() -> RouteResponse {
        state.withLock { s in
            if let answer = s.answer { return answer }
            let promise = ResponsePromise()
            s.promise = promise
            return .deferred(promise)
        }
    }
}
