/// `build.piloto` → `PilotoSource` (kept apart from the main decoder so it stays one read per key).
extension ModelBuilder {
    func pilotoSource(_ s: KeyReader) throws(SchemaDefect) -> PilotoSource {
        let written: String? = try s.read("path")
        return PilotoSource(git: try s.read("git"), ref: try s.read("ref"), path: written.map { path($0) })
    }
}
