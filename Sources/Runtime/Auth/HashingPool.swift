import Dispatch
import Synchronization

/// A few dedicated threads for password hashing, so the event loops never run yescrypt.
///
/// Bounded twice: `width` hashes run at once (each costs CPU and megabytes of memory), and at most
/// `maxQueued` wait; past that `submit` refuses at once and the caller answers 503, so a flood of
/// logins cannot queue unbounded work or memory.
package final class HashingPool: Sendable {
    private let queues: [DispatchQueue]
    private let next = Atomic<Int>(0)
    private let pending = Atomic<Int>(0)
    private let maxQueued: Int

    /// - Parameters:
    ///   - width: concurrent hashes (default 2: the Cloud Run instance has 1 to 2 CPUs).
    ///   - maxQueued: waiting plus running jobs beyond which new ones are refused.
    package init(width: Int = 2, maxQueued: Int = 64) {
        queues = (0..<max(1, width)).map { DispatchQueue(label: "piloto-hash-\($0)", qos: .userInitiated) }
        self.maxQueued = max(1, maxQueued)
    }

    /// Runs `job` on a hashing thread; false (and `job` never runs) when the pool is saturated.
    @discardableResult
    package func submit(_ job: @escaping @Sendable () -> Void) -> Bool {
        let waiting = pending.add(1, ordering: .acquiringAndReleasing).newValue
        guard waiting <= maxQueued else {
            pending.subtract(1, ordering: .acquiringAndReleasing)
            return false
        }
        let ticket = UInt(bitPattern: next.add(1, ordering: .relaxed).newValue)
        queues[Int(ticket % UInt(queues.count))].async { [self] in
            job()
            pending.subtract(1, ordering: .acquiringAndReleasing)
        }
        return true
    }
}
