/// Which address a request came from, for per-address login limits.
///
/// On Cloud Run the TCP peer is Google's front end, not the browser: every client would share one
/// address and one attacker could block everybody's logins. Cloud Run appends the real client
/// address as the **last** element of `X-Forwarded-For`; anything before it was written by the
/// client and cannot be trusted. So:
/// - `trustForwardedFor == false` (default, and any deployment not behind a proxy): the socket peer.
/// - `trustForwardedFor == true` (the CLI turns it on when `K_SERVICE` says we run on Cloud Run):
///   the last `X-Forwarded-For` element, falling back to the peer when the header is absent.
///
/// Behind an external HTTPS load balancer the last hop is the balancer's; that setup should use
/// its own rate limiting (Cloud Armor). Kept simple on purpose.
package struct ClientAddressPolicy: Sendable, Equatable {
    package var trustForwardedFor: Bool

    package init(trustForwardedFor: Bool = false) { self.trustForwardedFor = trustForwardedFor }

    package func address(of request: HTTPRequest) -> String {
        if trustForwardedFor, let last = request.headers.listElements("X-Forwarded-For").last, last.utf8.count <= 64 {
            return last
        }
        return request.remote.ip
    }
}
