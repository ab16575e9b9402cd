import Synchronization

/// Counts loops that have removed the shared listener from their epoll set; the last one closes it,
/// so no loop ever accepts on a closed (or reused) descriptor.
final class ListenerAcks: Sendable {
    private let remaining: Atomic<Int>

    init(loops: Int) { remaining = Atomic(loops) }

    func acknowledge(then release: @Sendable () -> Void) {
        if remaining.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 { release() }
    }
}
