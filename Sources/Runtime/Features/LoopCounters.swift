import Synchronization

/// `Int64` counters at stable addresses with one writer, the event loop that owns them, and any
/// number of readers (a scrape, the dashboard). The writer adds with a relaxed load and store:
/// no lock and no read-modify-write instruction, so recording a request costs a few plain moves.
/// A reader sees every counter whole, though not all of them at the same instant.
final class LoopCounters: Sendable {
    private nonisolated(unsafe) let base: UnsafeMutablePointer<Atomic<Int64>>
    let count: Int

    init(count: Int) {
        self.count = count
        base = .allocate(capacity: max(count, 1))
        for index in 0..<count { (base + index).initialize(to: Atomic(0)) }
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    /// Only from the owning loop's thread (one writer: a load then a store cannot lose an update).
    func add(_ value: Int64, at index: Int) {
        base[index].store(base[index].load(ordering: .relaxed) &+ value, ordering: .relaxed)
    }

    /// From any thread.
    func value(at index: Int) -> Int64 { base[index].load(ordering: .relaxed) }
}
