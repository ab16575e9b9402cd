@testable import PilotoConfig
import Testing

/// The decoder reads every key of `PilotoSchema` (a spec with no decode line would be accepted by
/// `validate` and then silently ignored), and nothing outside it.
@Suite struct DecoderCoverageTests {
    /// Every optional section present and every handler once, so every decode branch runs.
    static let everything = """
        service: {name: app, domain: app.example.com, image: r-docker.pkg.dev/p/r/app:1}
        build: {frontend: {path: web}, piloto: {git: "https://example.com/piloto.git", ref: v1}, backend: {path: api}}
        backends:
          api: {port: 8000, run: [uvicorn, app.main:app], dir: api, health: /healthz, env: {A: b}}
          side: {port: 8001, image: "r-docker.pkg.dev/p/r/api:1", cpu: 1, memory: 512Mi, secrets: {DB: {secret: db, version: "1"}}}
        network: {vpc: default}
        secrets: {DB: {secret: db, version: "1"}}
        env: {A: b}
        routes:
          - {path: /h, handler: health}
          - {path: /a, handler: auth}
          - {path: /d, handler: dashboard}
          - {path: /m, handler: metrics}
          - {path: /w, handler: websocket}
          - {path: /s, handler: static, root: s}
          - {path: /p, handler: proxy, upstream: "http://127.0.0.1:9000"}
          - {path: /, handler: spa, root: s}

        """

    @Test func everySpecIsReadByTheDecoder() throws {
        let (read, schema) = try ModelBuilder.keyPathsRead(decoding: Self.everything)
        let unread = schema.filter { !read.contains($0) }
        #expect(unread.isEmpty, "PilotoSchema keys the decoder never reads: \(unread)")
        let outside = read.subtracting(schema).sorted()
        #expect(outside.isEmpty, "decoder reads keys PilotoSchema does not list: \(outside)")
        #expect(schema.count > 80)
    }

    @Test func everyHandlerKeywordComesFromTheEnum() {
        #expect(PilotoSchema.handlerNames == RouteHandler.Kind.allCases.map(\.rawValue))
        #expect(RouteHandler.staticFiles(StaticRoute(root: ConfigPath(asWritten: "a", resolved: "/a"), cache: .noCache)).keyword == "static")
    }

    @Test func absentKeysTakeTheSchemaDefaults() throws {
        let loaded = try ConfigLoader.load(
            yaml: "service: {name: app, domain: app.example.com, image: r-docker.pkg.dev/p/r/app:1}\nroutes: [{path: /h, handler: health}]\n",
            sourceName: "t.yaml", baseDirectory: "/")
        let config = loaded.config
        #expect(config.service.region == "southamerica-east1")
        #expect(config.cookies.session.name == "session_id")
        #expect(config.server.limits.headerBytes == .kibibytes(32))
        #expect(config.scaling.executionEnvironment == .gen2)
        #expect(config.network == nil && config.build.frontend == nil && config.service.project == nil)
    }
}

/// A decoder line that disagrees with the table is a `SchemaDefect`, never a silent nil.
@Suite struct KeyReaderDefectTests {
    static let specs = [
        KeySpec("port", .integer(1...9), .defaulted("8"), "p"),
        KeySpec("name", .string, .optional, "n"),
        KeySpec("bad", .integer(1...9), .defaulted("many"), "b"),
    ]
    let reader = KeyReader(specs: specs, values: TypedSection(), path: "server", log: KeyReadLog())

    @Test func defaultsComeFromTheSpec() throws {
        #expect(try reader.read("port", as: Int.self) == 8)
        #expect(try reader.read("name", as: String?.self) == nil)
    }

    @Test func mismatchesThrow() {
        #expect(throws: SchemaDefect.unknownKey("server.prot")) { try reader.read("prot", as: Int.self) }
        #expect(throws: SchemaDefect.typeMismatch("server.port", "integer 1…9", "String")) {
            try reader.read("port", as: String.self)
        }
        #expect(throws: SchemaDefect.optionalReadAsRequired("server.name")) { try reader.read("name", as: String.self) }
        #expect(throws: SchemaDefect.defaultReadAsOptional("server.port")) { try reader.read("port", as: Int?.self) }
        #expect(throws: SchemaDefect.invalidDefault("server.bad", "many")) { try reader.read("bad", as: Int.self) }
    }
}
