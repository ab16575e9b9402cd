import Foundation
import PilotoConfig
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
