import Synchronization

/// One reading of the process's cumulative counters at a monotonic instant.
package struct UsageSample: Sendable, Equatable {
    /// Monotonic nanoseconds (`SystemClock.nowNanoseconds`).
    package var atNanos: Int64
    /// Requests answered so far, every route and loop together.
    package var requests: Int64
    /// User + system CPU time used by the process so far, in nanoseconds (nil: /proc unreadable).
    package var cpuNanos: Int64?
}

/// Rates over the recent past, from a small ring of counter readings.
///
/// Why a ring of samples rather than a timer: the counters (`MetricsRegistry`, `/proc/self/stat`)
/// are cumulative and cheap to read, so a rate only needs two readings some seconds apart. The
/// dashboard polls every 2 s, and each poll records one reading here; the rate is then taken
/// between now and the oldest reading still inside `window` (10 s by default), i.e. over the last
/// ~10 s of traffic, smooth enough to read and recent enough to react. No thread, no timer, no work
/// at all while nobody looks.
///
/// When nobody polled for a while, every reading is older than the window: the rate is then taken
/// from the newest of them, over a longer span, and `Rates.windowNanos` says how long — an average
/// that is honest about its span rather than a made-up instant value. The boot reading (zero
/// requests at start) makes the first poll an average since boot.
///
/// Readings closer together than `minimumSpacing` replace the last one instead of being appended
/// (two dashboards open, or a reload), so `capacity` readings always cover at least
/// `capacity × minimumSpacing`. The lock is held only to copy or append a few integers.
package final class UsageSampler: Sendable {
    package struct Rates: Sendable, Equatable {
        /// The span the rates were measured over, in nanoseconds (0: no earlier reading yet).
        package var windowNanos: Int64
        package var requestsPerSecond: Double
        /// CPU seconds used per wall-clock second (1.0 = one core fully busy); nil without /proc.
        package var cpuCores: Double?
    }

    private struct Ring {
        var samples: [UsageSample] = []
        var next = 0
    }

    package let window: Int64
    package let minimumSpacing: Int64
    package let capacity: Int
    private let ring = Mutex(Ring())

    /// - Parameters:
    ///   - windowNanos: how far back rates look (10 s).
    ///   - minimumSpacingNanos: readings closer than this replace the previous one (500 ms).
    ///   - capacity: readings kept (the oldest are overwritten).
    package init(
        boot: UsageSample, windowNanos: Int64 = 10_000_000_000, minimumSpacingNanos: Int64 = 500_000_000,
        capacity: Int = 64
    ) {
        window = max(1, windowNanos)
        minimumSpacing = max(0, minimumSpacingNanos)
        self.capacity = max(2, capacity)
        ring.withLock { $0.samples = [boot] }
    }

    /// Records `sample` and returns the rates between it and the reading `window` ago (see type doc).
    package func record(_ sample: UsageSample) -> Rates {
        let base: UsageSample? = ring.withLock { r in
            let ordered = Self.ordered(r)
            // Oldest reading inside the window, else the newest one before it.
            var base: UsageSample?
            for candidate in ordered where candidate.atNanos < sample.atNanos {
                if sample.atNanos - candidate.atNanos <= window {
                    base = candidate
                    break
                }
                base = candidate
            }
            if let last = ordered.last, sample.atNanos - last.atNanos < minimumSpacing, ordered.count > 1 {
                // Too close to the previous reading: replace it, so the ring keeps its span.
                let lastIndex = (r.next - 1 + r.samples.count) % r.samples.count
                r.samples[lastIndex] = sample
            } else if r.samples.count < capacity {
                r.samples.append(sample)
                r.next = r.samples.count % capacity
            } else {
                r.samples[r.next] = sample
                r.next = (r.next + 1) % capacity
            }
            return base
        }
        guard let base, sample.atNanos > base.atNanos else {
            return Rates(windowNanos: 0, requestsPerSecond: 0, cpuCores: nil)
        }
        let span = sample.atNanos - base.atNanos
        let seconds = Double(span) / 1e9
        let requests = Double(max(0, sample.requests - base.requests)) / seconds
        var cpu: Double?
        if let now = sample.cpuNanos, let then = base.cpuNanos { cpu = Double(max(0, now - then)) / Double(span) }
        return Rates(windowNanos: span, requestsPerSecond: requests, cpuCores: cpu)
    }

    /// Readings oldest first.
    private static func ordered(_ r: Ring) -> [UsageSample] {
        guard !r.samples.isEmpty else { return [] }
        let start = r.samples.count < 2 ? 0 : r.next % r.samples.count
        return Array(r.samples[start...] + r.samples[..<start])
    }
}
