/// Request latencies in fixed buckets: recording is an index search and two adds, merging is
/// element-wise, and quantiles are estimated from the buckets (as Prometheus' histogram_quantile).
package struct LatencyHistogram: Sendable, Equatable {
    /// Upper bounds in nanoseconds: 0.5 ms … 10 s, roughly ×2–2.5 per step.
    package static let boundsNanos: [Int64] = [
        500_000, 1_000_000, 2_500_000, 5_000_000, 10_000_000, 25_000_000, 50_000_000, 100_000_000,
        250_000_000, 500_000_000, 1_000_000_000, 2_500_000_000, 5_000_000_000, 10_000_000_000,
    ]

    /// One count per bound plus the overflow (+Inf) bucket; not cumulative.
    package private(set) var counts: [Int64] = Array(repeating: 0, count: LatencyHistogram.boundsNanos.count + 1)
    package private(set) var count: Int64 = 0
    package private(set) var sumNanos: Int64 = 0

    package init() {}

    /// A histogram from its bucket counts (another instance's, read back from Redis); nil when the
    /// buckets do not match `boundsNanos` (an instance running another version).
    package init?(counts: [Int64], sumNanos: Int64) {
        guard counts.count == Self.boundsNanos.count + 1, counts.allSatisfy({ $0 >= 0 }) else { return nil }
        self.counts = counts
        count = counts.reduce(0, +)
        self.sumNanos = sumNanos
    }

    package mutating func record(nanos: Int64) {
        let value = max(nanos, 0)
        counts[Self.bucketIndex(nanos: value)] += 1
        count += 1
        sumNanos &+= value
    }

    /// The bucket `nanos` (not negative) falls in: the first bound it does not exceed, or the
    /// overflow bucket.
    package static func bucketIndex(nanos: Int64) -> Int {
        var index = 0
        let bounds = boundsNanos
        while index < bounds.count && nanos > bounds[index] { index += 1 }
        return index
    }

    package mutating func merge(_ other: LatencyHistogram) {
        for i in counts.indices { counts[i] += other.counts[i] }
        count += other.count
        sumNanos &+= other.sumNanos
    }

    /// The q-quantile (0…1) in nanoseconds, interpolated linearly inside its bucket; nil when empty.
    package func quantileNanos(_ q: Double) -> Int64? {
        guard count > 0 else { return nil }
        let rank = q * Double(count)
        var seen: Int64 = 0
        for (index, bucketCount) in counts.enumerated() {
            let before = seen
            seen += bucketCount
            guard Double(seen) >= rank, bucketCount > 0 else { continue }
            let lower = index == 0 ? 0 : Self.boundsNanos[index - 1]
            // The overflow bucket has no upper bound: report its lower bound.
            guard index < Self.boundsNanos.count else { return lower }
            let upper = Self.boundsNanos[index]
            let fraction = (rank - Double(before)) / Double(bucketCount)
            return lower + Int64(Double(upper - lower) * min(max(fraction, 0), 1))
        }
        return Self.boundsNanos.last
    }
}
