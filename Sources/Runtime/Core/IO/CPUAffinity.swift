import CLinuxEvents
import FoundationEssentials

/// How many CPUs this process may actually run on.
///
/// `activeProcessorCount` counts the machine's CPUs, but under `taskset`, a cgroup cpuset or a
/// container limited to one CPU, running one loop per machine CPU puts several busy loops on one
/// core: they preempt each other mid-request and the tail latency doubles. The affinity mask is
/// what the scheduler will honour.
package enum CPUAffinity {
    package static func usableCPUs() -> Int {
        let count = Int(piloto_affinity_cpu_count())
        return count > 0 ? count : max(1, ProcessInfo.processInfo.activeProcessorCount)
    }
}
