/// `scaling:` rules, including the CPU/memory combinations Cloud Run accepts
/// (cloud.google.com/run/docs/configuring/services/cpu and …/memory-limits).
extension Validator {
    mutating func checkScaling() {
        let s = config.scaling
        if s.minInstances > s.maxInstances {
            report(.error, at: "scaling.min_instances",
                "min_instances (\(s.minInstances)) is greater than max_instances (\(s.maxInstances))",
                inputs: ["scaling.max_instances"])
        }
        if s.requestTimeout > .minutes(60) {
            report(.error, at: "scaling.request_timeout",
                "request_timeout is at most 60m on Cloud Run (3600s), found \(Self.describe(s.requestTimeout))")
        } else if s.requestTimeout < .seconds(1) {
            report(.error, at: "scaling.request_timeout", "request_timeout must be at least 1s")
        }
    }

    mutating func checkResources() {
        let s = config.scaling
        let cpu = s.cpu.millicores
        let memory = s.memory.bytes
        let inputs = ["scaling.cpu", "scaling.memory"]
        let gib: Int64 = 1 << 30
        let mib: Int64 = 1 << 20
        if cpu < 1000 {
            if cpu < 80 || cpu % 10 != 0 {
                report(.error, at: "scaling.cpu",
                    "CPU below 1 must be 0.08…0.99 in steps of 0.01 on Cloud Run, found \(s.cpu.kubernetesQuantity)")
                return
            }
            if s.concurrency != 1 {
                report(.error, at: "scaling.cpu", "CPU below 1 requires concurrency 1 on Cloud Run (found \(s.concurrency))",
                    inputs: ["scaling.concurrency"])
            }
            if !s.cpuThrottling {
                report(.error, at: "scaling.cpu", "CPU below 1 requires cpu_throttling: true on Cloud Run",
                    inputs: ["scaling.cpu_throttling"])
            }
            if s.executionEnvironment != .gen1 {
                report(.error, at: "scaling.cpu", "CPU below 1 requires execution_environment: gen1 on Cloud Run",
                    inputs: ["scaling.execution_environment"])
            }
            if memory > gib {
                report(.error, at: "scaling.memory", "memory above 1Gi needs at least 1 CPU on Cloud Run", inputs: inputs)
            } else if memory > 512 * mib && cpu < 500 {
                report(.error, at: "scaling.memory", "memory above 512Mi needs at least 0.5 CPU on Cloud Run", inputs: inputs)
            }
        } else if ![1000, 2000, 4000, 6000, 8000].contains(cpu) {
            report(.error, at: "scaling.cpu",
                "Cloud Run accepts CPU 1, 2, 4, 6 or 8 (or 0.08…0.99), found \(s.cpu.kubernetesQuantity)")
            return
        }
        let minimum: Int64 = s.executionEnvironment == .gen2 ? 512 * mib : 128 * mib
        if memory < minimum {
            report(.error, at: "scaling.memory",
                "memory must be at least \(s.executionEnvironment == .gen2 ? "512Mi with execution_environment gen2" : "128Mi") on Cloud Run, found \(s.memory.kubernetesQuantity)",
                inputs: inputs + ["scaling.execution_environment"])
            return
        }
        if memory > 32 * gib {
            report(.error, at: "scaling.memory", "memory is at most 32Gi on Cloud Run, found \(s.memory.kubernetesQuantity)")
            return
        }
        let needs: [(Int64, Int)] = [(24 * gib, 8000), (16 * gib, 6000), (8 * gib, 4000), (4 * gib, 2000)]
        if let (limit, need) = needs.first(where: { memory > $0.0 }), cpu < need {
            report(.error, at: "scaling.memory",
                "memory above \(limit / gib)Gi needs at least \(need / 1000) CPU on Cloud Run (cpu is \(s.cpu.kubernetesQuantity))",
                inputs: inputs)
        }
        if cpu == 4000 && memory < 2 * gib {
            report(.error, at: "scaling.cpu", "4 CPU need at least 2Gi of memory on Cloud Run", inputs: inputs)
        } else if (cpu == 6000 || cpu == 8000) && memory < 4 * gib {
            report(.error, at: "scaling.cpu", "\(cpu / 1000) CPU need at least 4Gi of memory on Cloud Run", inputs: inputs)
        }
    }

    /// `90m`, `30s`, `1500ms`: the largest whole unit.
    static func describe(_ span: TimeSpan) -> String {
        let ms = span.milliseconds
        if ms % 86_400_000 == 0 && ms > 0 { return "\(ms / 86_400_000)d" }
        if ms % 3_600_000 == 0 && ms > 0 { return "\(ms / 3_600_000)h" }
        if ms % 60_000 == 0 && ms > 0 { return "\(ms / 60_000)m" }
        if ms % 1000 == 0 { return "\(ms / 1000)s" }
        return "\(ms)ms"
    }
}
