import Glibc

/// CPU time and resident memory of this process, read from Linux's procfs (proc(5)).
///
/// Cloud Run bills and alerts on the container's CPU and memory; inside the container this process
/// is (nearly) all of it, so its own counters are what the dashboard compares with the configured
/// limits. Reads are a few hundred bytes from procfs, done only when the dashboard asks.
package enum ProcessUsage {
    /// User + system CPU time so far in nanoseconds, from fields 14 (utime) and 15 (stime) of
    /// `/proc/self/stat`, in clock ticks; nil when procfs is not readable.
    package static func cpuNanoseconds() -> Int64? {
        guard let text = read("/proc/self/stat") else { return nil }
        return parseCPUTicks(stat: text).flatMap { ticks in
            let hz = Int64(sysconf(Int32(_SC_CLK_TCK)))
            return hz > 0 ? ticks * (1_000_000_000 / hz) : nil
        }
    }

    /// utime + stime in ticks. The command name (field 2) is in parentheses and may itself contain
    /// spaces or `)`, so fields are counted from the LAST `)`: after it comes field 3 (state).
    package static func parseCPUTicks(stat: String) -> Int64? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        // fields[0] is field 3, so field n is fields[n - 3].
        guard fields.count > 12, let user = Int64(fields[11]), let system = Int64(fields[12]) else { return nil }
        return user + system
    }

    /// Resident set size in bytes: the second field of `/proc/self/statm` (pages) × page size.
    package static func residentBytes() -> Int64? {
        guard let text = read("/proc/self/statm") else { return nil }
        return parseResidentPages(statm: text).flatMap { pages in
            let size = Int64(sysconf(Int32(_SC_PAGESIZE)))
            return size > 0 ? pages * size : nil
        }
    }

    package static func parseResidentPages(statm: String) -> Int64? {
        let fields = statm.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard fields.count > 1 else { return nil }
        return Int64(fields[1])
    }

    /// A small procfs file as text (procfs reports size 0, so read until EOF); nil on error.
    private static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1024)
        for _ in 0..<16 {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            bytes += buffer[0..<n]
        }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }
}
