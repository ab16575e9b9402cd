/// `realtime:` rules.
extension Validator {
    mutating func checkRealtime() {
        let realtime = config.realtime
        let timeout = config.scaling.requestTimeout
        // Only when written: the 5m default under a short request_timeout (Cloud Run's own 300s
        // default) falls back to a twelfth of it (`RealtimeConfig.rotateBefore(requestTimeout:)`).
        if realtime.rotateBeforeTimeout >= timeout && sourceMap.isWritten("realtime.rotate_before_timeout") {
            report(.error, at: "realtime.rotate_before_timeout",
                "rotate_before_timeout (\(Self.describe(realtime.rotateBeforeTimeout))) must be below "
                    + "scaling.request_timeout (\(Self.describe(timeout))): sockets would be closed as soon as they open",
                inputs: ["scaling.request_timeout"])
        } else if realtime.rotateBeforeTimeout.milliseconds == 0 {
            report(.warning, at: "realtime.rotate_before_timeout",
                "rotate_before_timeout 0 leaves Cloud Run to cut sockets at request_timeout without a close frame")
        }
        if realtime.presenceDebounce > .minutes(10) {
            report(.error, at: "realtime.presence_debounce",
                "presence_debounce is at most 10m (a user who left would stay listed that long), found "
                    + Self.describe(realtime.presenceDebounce))
        }
        let history = realtime.history
        if history.size > 0 && history.ttl.milliseconds == 0 {
            report(.error, at: "realtime.history.ttl",
                "history.ttl 0 with history.size \(history.size) keeps nothing; set size: 0 to turn history off",
                inputs: ["realtime.history.size"])
        }
        if history.size > 0 && history.maxBytes.bytes < 1024 {
            report(.error, at: "realtime.history.max_bytes",
                "history.max_bytes must be at least 1KiB when history is on, found \(history.maxBytes.bytes)B",
                inputs: ["realtime.history.size"])
        }
    }
}
