/// `realtime:` → `RealtimeConfig`, through `PilotoSchema.realtime` (names, types and defaults
/// live in the KeySpec table only).
extension ModelBuilder {
    func realtime(_ s: KeyReader) throws(SchemaDefect) -> RealtimeConfig {
        let h = try s.section("history")
        return RealtimeConfig(
            history: HistoryConfig(size: try h.read("size"), ttl: try h.read("ttl"), maxBytes: try h.read("max_bytes")),
            presenceDebounce: try s.read("presence_debounce"), rotateBeforeTimeout: try s.read("rotate_before_timeout"))
    }
}
