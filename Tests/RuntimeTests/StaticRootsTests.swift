import Foundation
import PilotoConfig
import Testing
@testable import PilotoRuntime
import PilotoTestKit

/// `StaticRoots`: roots checked at boot, files read once on `load()` or on the first request.
struct StaticRootsTests {
    @Test func check_missingRoot_andFileForRoot_throwBeforeAnyLoad() throws {
        let site = try SiteFixture()
        #expect(throws: StaticFileError.rootMissing(path: site.base + "/nope")) { try StaticRoots.check(site.base + "/nope") }
        #expect(throws: StaticFileError.rootMissing(path: site.root + "/index.html")) {
            try StaticRoots.check(site.root + "/index.html")
        }
        try StaticRoots.check(site.root)
    }

    @Test func store_beforeLoad_readsEveryRootOnce_sharingBodies() throws {
        let site = try SiteFixture()
        let roots = StaticRoots(
            roots: [
                StaticRoots.Root(path: site.root + "/assets", cache: .immutable, index: nil),
                StaticRoots.Root(path: site.root, cache: .noCache, index: "index.html"),
            ], extraHeaders: [], logger: nil)
        // No load() yet: the first lookup loads, later ones (and load()) reuse what was read.
        let assets = roots.store(0)
        #expect(assets.file(at: "/app-1a2b.js")?.identity.body.count == site.jsBody.utf8.count)
        try FileManager.default.removeItem(atPath: site.root + "/index.html")
        roots.load()
        #expect(roots.store(1).file(at: "/index.html") != nil)
        #expect(roots.store(0) === assets)
        // The SPA root holds /assets too: one body in memory for both routes.
        #expect(roots.store(1).file(at: "/assets/app-1a2b.js")?.identity.body === assets.file(at: "/app-1a2b.js")?.identity.body)
    }

    @Test func rootGoneBeforeLoad_servesNothing_andLogs() throws {
        let site = try SiteFixture()
        let logs = CapturingSink()
        let logger = Logger(sink: logs, project: nil)
        let roots = StaticRoots(
            roots: [StaticRoots.Root(path: site.root, cache: .noCache, index: "index.html")], extraHeaders: [],
            logger: logger)
        try FileManager.default.removeItem(atPath: site.root)
        roots.load()
        #expect(roots.store(0).paths.isEmpty)
        logger.close()  // drains the log thread
        #expect(logs.lines.contains { $0.contains("static root cannot be read") })
    }
}
