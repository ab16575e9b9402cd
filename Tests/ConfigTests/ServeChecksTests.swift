import Foundation
@testable import PilotoConfig
import Testing

struct ServeChecksTests {
    /// Real folders in a temp dir: missing roots are reported by `serve`'s check, never by `validate`.
    @Test func missingRoots_reportedInRouteOrder_existingOnesPass() throws {
        let dir = NSTemporaryDirectory() + "piloto-serve-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/frontend/dist", withIntermediateDirectories: true)
        let text = try Fixtures.text("valid/piloto.example.yaml")
        let config = try ConfigLoader.load(yaml: text, sourceName: "piloto.yaml", baseDirectory: dir).config
        #expect(config.missingServeFiles() == [
            "piloto.yaml: route '/assets': folder 'frontend/dist/assets' (\(dir)/frontend/dist/assets) does not exist",
            "piloto.yaml: route '/': 'index.html' not found in 'frontend/dist' (\(dir)/frontend/dist)",
            "piloto.yaml: sessions.users_file 'users.txt' (\(dir)/users.txt) does not exist",
        ])
        try FileManager.default.createDirectory(atPath: dir + "/frontend/dist/assets", withIntermediateDirectories: true)
        try "<!doctype html>".write(toFile: dir + "/frontend/dist/index.html", atomically: true, encoding: .utf8)
        try "admin:$y$x".write(toFile: dir + "/users.txt", atomically: true, encoding: .utf8)
        #expect(config.missingServeFiles() == [])
    }
}

@Suite struct RealtimeConfigTests {
    static let base = """
        service: {name: app, domain: app.example.com, image: us-docker.pkg.dev/p/r/app:1}
        routes: [{path: /health, handler: health}]

        """

    @Test func absentSectionGivesTheDocumentedDefaults() throws {
        let config = try ConfigLoader.load(yaml: Self.base, sourceName: "p.yaml", baseDirectory: "/srv").config
        #expect(config.realtime == RealtimeConfig.defaults)
        #expect(config.realtime.history == HistoryConfig(size: 500, ttl: .hours(1), maxBytes: .mebibytes(1)))
        #expect(config.realtime.rotateBefore(requestTimeout: config.scaling.requestTimeout) == .minutes(5))
    }

    @Test func writtenValuesAreDecoded() throws {
        let yaml = Self.base + """
            realtime:
              history: {size: 20, ttl: 30m, max_bytes: 64KiB}
              presence_debounce: 3s
              rotate_before_timeout: 2m
            """
        let realtime = try ConfigLoader.load(yaml: yaml, sourceName: "p.yaml", baseDirectory: "/srv").config.realtime
        #expect(realtime == RealtimeConfig(
            history: HistoryConfig(size: 20, ttl: .minutes(30), maxBytes: .kibibytes(64)),
            presenceDebounce: .seconds(3), rotateBeforeTimeout: .minutes(2)))
    }

    @Test func theDefaultUnderAShortTimeoutBecomesATwelfth() throws {
        let yaml = Self.base + "scaling: {request_timeout: 5m}\n"
        let config = try ConfigLoader.load(yaml: yaml, sourceName: "p.yaml", baseDirectory: "/srv").config
        #expect(config.realtime.rotateBefore(requestTimeout: config.scaling.requestTimeout) == .seconds(25))
    }
}
