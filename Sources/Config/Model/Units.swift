/// A length of time written with a unit (`1000ms`, `8s`, `5m`, `60m`, `7d`), kept in milliseconds
/// so every consumer does integer arithmetic and output never formats a floating-point number.
package struct TimeSpan: Sendable, Equatable, Hashable, Comparable {
    package var milliseconds: Int64

    package static func seconds(_ s: Int64) -> TimeSpan { TimeSpan(milliseconds: s * 1000) }
    package static func minutes(_ m: Int64) -> TimeSpan { TimeSpan(milliseconds: m * 60_000) }
    package static func hours(_ h: Int64) -> TimeSpan { TimeSpan(milliseconds: h * 3_600_000) }
    package static func days(_ d: Int64) -> TimeSpan { TimeSpan(milliseconds: d * 86_400_000) }

    /// Whole seconds, rounded up (a 1500ms timeout is not a 1s timeout).
    package var wholeSecondsRoundedUp: Int64 { (milliseconds + 999) / 1000 }
    /// Swift's `Duration`, for clocks and sleeps in the runtime.
    package var duration: Duration { .milliseconds(milliseconds) }

    package static func < (a: TimeSpan, b: TimeSpan) -> Bool { a.milliseconds < b.milliseconds }
}

/// A number of bytes written with a unit (`512Mi`, `1MiB`, `32KiB`, `1Gi`, plain `4096`).
package struct ByteSize: Sendable, Equatable, Hashable, Comparable {
    package var bytes: Int64

    package static func kibibytes(_ n: Int64) -> ByteSize { ByteSize(bytes: n << 10) }
    package static func mebibytes(_ n: Int64) -> ByteSize { ByteSize(bytes: n << 20) }
    package static func gibibytes(_ n: Int64) -> ByteSize { ByteSize(bytes: n << 30) }

    /// The Kubernetes quantity Cloud Run expects for memory limits: `512Mi`, `2Gi`, or bytes.
    package var kubernetesQuantity: String {
        if bytes > 0 && bytes % (1 << 30) == 0 { return "\(bytes >> 30)Gi" }
        if bytes > 0 && bytes % (1 << 20) == 0 { return "\(bytes >> 20)Mi" }
        if bytes > 0 && bytes % (1 << 10) == 0 { return "\(bytes >> 10)Ki" }
        return "\(bytes)"
    }

    package static func < (a: ByteSize, b: ByteSize) -> Bool { a.bytes < b.bytes }
}

/// A percentage written as `70%` or `0.5%`, kept in hundredths of a percent (70% = 7000) so that
/// output (Cloud Monitoring wants fractions: 70% is 0.7) is exact decimal text, never a Double.
package struct Percentage: Sendable, Equatable, Hashable, Comparable {
    package var hundredths: Int

    package static func percent(_ p: Int) -> Percentage { Percentage(hundredths: p * 100) }

    /// The value as a fraction of one, as exact decimal text: 70% → `0.7`, 1% → `0.01`, 100% → `1`.
    package var fractionText: String { DecimalText.fixedPoint(Int64(hundredths), scaleDigits: 4) }
    /// The value as a fraction of one, for runtime comparisons (not for generated text).
    package var fraction: Double { Double(hundredths) / 10_000 }

    package static func < (a: Percentage, b: Percentage) -> Bool { a.hundredths < b.hundredths }
}

/// CPU for a Cloud Run container, in thousandths of a vCPU (`1` = 1000, `0.5` or `500m` = 500).
package struct CPU: Sendable, Equatable, Hashable, Comparable {
    package var millicores: Int

    package static func cores(_ n: Int) -> CPU { CPU(millicores: n * 1000) }

    /// The quantity Cloud Run expects: `1`, `2`, or `500m`.
    package var kubernetesQuantity: String {
        millicores % 1000 == 0 ? "\(millicores / 1000)" : "\(millicores)m"
    }

    package static func < (a: CPU, b: CPU) -> Bool { a.millicores < b.millicores }
}
