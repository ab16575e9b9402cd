import Glibc

// The one bounded condition poll of the tests. Use it only where no event exists to wait for: a
// state another process changes (a child's files, a crashed backend, redis-server's view of a
// key), a counter an event loop bumps without a callback, a file's mtime seen by a timer. It
// polls every 10 ms until `condition` holds or the deadline passes, and returns whether it held:
// a bound, never a timing assertion.

/// For synchronous tests (blocks the calling thread between checks).
@available(*, noasync, message: "use the async eventually(seconds:_:) in async tests")
package func eventuallyBlocking(seconds: Double = 5, _ condition: () -> Bool) -> Bool {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while ContinuousClock.now < deadline {
        if condition() { return true }
        usleep(10_000)
    }
    return condition()
}

/// For async tests: suspends between checks, so it holds no cooperative thread while waiting.
package func eventually(seconds: Double = 10, _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return await condition()
}
