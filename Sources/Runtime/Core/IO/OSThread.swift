import Glibc

/// Starts a detached OS thread: what `Foundation.Thread` was used for, without `import Foundation`.
///
/// Why not `Thread`: it lives in Foundation proper, and linking Foundation pulls in
/// FoundationInternationalization and its ~34 MB of ICU data, which is most of the static binary
/// a scale-to-zero Cloud Run instance has to pull and map before serving (issue 12, item 4).
/// The loops, the log drain and the Redis connections only need a plain pthread; callers name
/// their thread themselves with `piloto_name_this_thread` (kernel-visible in `top -H`).
package enum OSThread {
    /// Runs `body` on a new detached thread. False if the kernel refused one (EAGAIN: thread or
    /// memory limit), so the caller can report it instead of waiting forever for a thread that
    /// never ran.
    @discardableResult
    package static func start(_ body: @escaping @Sendable () -> Void) -> Bool {
        let box = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            Unmanaged<Body>.fromOpaque(raw).takeRetainedValue().run()
            return nil
        }, box)
        if result != 0 {
            Unmanaged<Body>.fromOpaque(box).release()
            return false
        }
        pthread_detach(thread)
        return true
    }

    /// The closure, boxed so it can cross `pthread_create`'s `void *` argument.
    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }
}
