import Dispatch
import Glibc

/// Process-wide signal setup for the server.
package enum SignalHandling {
    /// SIGPIPE would kill the process when a client disconnects mid-write; writes use MSG_NOSIGNAL
    /// too, this is belt and braces.
    package static func ignoreSIGPIPE() {
        signal(SIGPIPE, SIG_IGN)
    }

    /// Runs `handler` on a Dispatch queue for each SIGTERM/SIGINT (the default action is disabled,
    /// so the server can drain instead of dying). Keep the returned sources alive.
    package static func onTermination(_ handler: @escaping @Sendable () -> Void) -> [any DispatchSourceSignal] {
        [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler(handler: handler)
            source.resume()
            return source
        }
    }
}
