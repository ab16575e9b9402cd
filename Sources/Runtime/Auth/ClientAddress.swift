/// Which address a request came from, for per-address login limits.
///
/// On Cloud Run the TCP peer is Google's front end, not the browser: every client would share one
/// address and one attacker could block everybody's logins. Cloud Run appends the real client
/// address as the **last** element of `X-Forwarded-For`; anything before it was written by the
/// client and cannot be trusted. So:
/// - `trustForwardedFor == false` (default, and any deployment not behind a proxy): the socket peer.
/// - `trustForwardedFor == true` (the CLI turns it on when `K_SERVICE` says we run on Cloud Run):
///   the last `X-Forwarded-For` element, falling back to the peer when the header is absent or
///   the element is not an IP address.
///
/// Behind an external HTTPS load balancer there are two hops: `ClientAddressPolicy(trustedHops: 2)`
/// (`server.trusted_hops`); the rule is `ClientIP.resolve`'s, shared with the proxy's
/// `X-Forwarded-For`.
package struct ClientAddressPolicy: Sendable, Equatable {
    /// How many proxies in front append to `X-Forwarded-For`; 0: the socket peer.
    package var trustedHops: Int

    package var trustForwardedFor: Bool { trustedHops > 0 }

    package init(trustForwardedFor: Bool = false) { self.trustedHops = trustForwardedFor ? 1 : 0 }

    package init(trustedHops: Int) { self.trustedHops = max(0, trustedHops) }

    package func address(of request: HTTPRequest) -> String {
        ClientIP.resolve(
            forwardedFor: request.headers.listElements("X-Forwarded-For"), peer: request.remote.ip, trustedHops: trustedHops)
    }
}
