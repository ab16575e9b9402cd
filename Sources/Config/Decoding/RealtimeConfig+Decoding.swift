/// `realtime:` typed section → `RealtimeConfig` (kept apart from the main decoder so the
/// KeySpec-driven rewrite of that file does not collide with this section).
extension ModelBuilder {
    func realtime(_ s: TypedSection) -> RealtimeConfig {
        let d = RealtimeConfig.defaults
        let h = s.section("history") ?? TypedSection()
        return RealtimeConfig(
            history: HistoryConfig(
                size: h.integer("size") ?? d.history.size, ttl: h.duration("ttl") ?? d.history.ttl,
                maxBytes: h.byteSize("max_bytes") ?? d.history.maxBytes),
            presenceDebounce: s.duration("presence_debounce") ?? d.presenceDebounce,
            rotateBeforeTimeout: s.duration("rotate_before_timeout") ?? d.rotateBeforeTimeout)
    }
}
