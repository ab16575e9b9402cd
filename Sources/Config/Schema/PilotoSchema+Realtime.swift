/// `realtime:` keys (issue 14: history, recovery, presence, rotation).
extension PilotoSchema {
    static let realtime: [KeySpec] = [
        KeySpec("history", .section(realtimeHistory), .implied, "What each channel keeps so a reconnecting client can recover."),
        KeySpec(
            "presence_debounce", .duration, .defaulted("10s"),
            "A user's `leave` is sent only after their last connection has been gone this long; a reconnect inside "
                + "it sends neither `leave` nor `join` (a redeploy does not flash everyone out and back)."),
        KeySpec(
            "rotate_before_timeout", .duration, .defaulted("5m"),
            "The server closes each WebSocket with 1001 this long before `scaling.request_timeout` (jittered by "
                + "± 10 % of the socket's life, at most ± 2m), so Cloud Run never cuts it and reconnects spread out. "
                + "A written value must be below `scaling.request_timeout`; the default under a request_timeout of "
                + "5m or less becomes a twelfth of it."),
    ]

    static let realtimeHistory: [KeySpec] = [
        KeySpec(
            "size", .integer(0...1_000_000), .defaulted("500"),
            "Messages kept per channel (the recovery window); 0 turns history and recovery off."),
        KeySpec(
            "ttl", .duration, .defaulted("1h"),
            "Stored messages are dropped this long after the channel's last publish (covers the 60m cut, redeploys "
                + "and short laptop sleeps)."),
        KeySpec(
            "max_bytes", .byteSize, .defaulted("1MiB"),
            "Bound on the stored bytes per channel (memory store); the oldest messages go first."),
    ]
}
