import Foundation
import PilotoConfig
import Testing
@testable import PilotoRuntime

struct StaticFileUnitTests {
    @Test func acceptEncoding_weights() {
        #expect(AcceptEncoding.weights("gzip, deflate, br") == (br: 1000, gzip: 1000, wildcard: nil))
        #expect(AcceptEncoding.weights("br;q=0, GZIP;q=0.5") == (br: 0, gzip: 500, wildcard: nil))
        #expect(AcceptEncoding.weights("*;q=0.1") == (br: nil, gzip: nil, wildcard: 100))
        #expect(AcceptEncoding.weights("") == (br: nil, gzip: nil, wildcard: nil))
        #expect(AcceptEncoding.weights(" x-gzip ; q=1.0 ,") == (br: nil, gzip: 1000, wildcard: nil))
    }

    @Test(arguments: [
        ("bytes=0-0", 10, ByteRange.range(0..<1)),
        ("bytes=5-", 10, .range(5..<10)),
        ("bytes=5-100", 10, .range(5..<10)),
        ("bytes=-4", 10, .range(6..<10)),
        ("bytes=-40", 10, .range(0..<10)),
        ("bytes=10-", 10, .unsatisfiable),
        ("bytes=-0", 10, .unsatisfiable),
        ("bytes=3-2", 10, .ignore),
        ("bytes=0-1,3-4", 10, .ignore),
        ("items=0-1", 10, .ignore),
        ("bytes=a-b", 10, .ignore),
    ] as [(String, Int, ByteRange)])
    func byteRange(_ header: String, _ length: Int, _ expected: ByteRange) {
        #expect(ByteRange.parse(header, length: length) == expected)
    }

    @Test func ifNoneMatch_weakComparison() {
        #expect(FileResponder.matches(ifNoneMatch: "W/\"abc\"", etag: "\"abc\""))
        #expect(FileResponder.matches(ifNoneMatch: "*", etag: "\"abc\""))
        #expect(!FileResponder.matches(ifNoneMatch: "\"abd\"", etag: "\"abc\""))
    }

    @Test func etag_isContentHash_notMtime() throws {
        let site = try SiteFixture()
        let a = try StaticFileStore(root: site.root, cache: .noCache, indexName: "index.html", extraHeaders: [])
        // Same bytes, new mtime: same tag. New bytes: new tag.
        try "<!doctype html><title>app</title>".write(toFile: site.root + "/index.html", atomically: true, encoding: .utf8)
        let b = try StaticFileStore(root: site.root, cache: .noCache, indexName: "index.html", extraHeaders: [])
        #expect(a.file(at: "/index.html")?.identity.etag == b.file(at: "/index.html")?.identity.etag)
        try "<!doctype html><title>v2</title>".write(toFile: site.root + "/index.html", atomically: true, encoding: .utf8)
        let c = try StaticFileStore(root: site.root, cache: .noCache, indexName: "index.html", extraHeaders: [])
        #expect(a.file(at: "/index.html")?.identity.etag != c.file(at: "/index.html")?.identity.etag)
        // The symlink out of the root was skipped at load.
        #expect(a.file(at: "/leak.txt") == nil)
        #expect(a.paths.contains("/assets/app-1a2b.js"))
    }

    /// Two stores over overlapping roots (the SPA root contains /assets) hold each file once.
    @Test func overlappingRoots_shareBodies() throws {
        let site = try SiteFixture()
        let bodies = LoadedBodies()
        let spa = try StaticFileStore(root: site.root, cache: .noCache, indexName: "index.html", extraHeaders: [], bodies: bodies)
        let assets = try StaticFileStore(root: site.root + "/assets", cache: .immutable, indexName: nil, extraHeaders: [], bodies: bodies)
        let fromSPA = try #require(spa.file(at: "/assets/app-1a2b.js"))
        let fromAssets = try #require(assets.file(at: "/app-1a2b.js"))
        #expect(fromSPA.identity.body === fromAssets.identity.body)
        #expect(fromSPA.identity.etag == fromAssets.identity.etag)
        #expect(fromSPA.cacheControl != fromAssets.cacheControl)
    }

    /// Any one-byte change, at any position (word-sized body or tail), changes the hash.
    @Test func contentHash_seesEveryByte() {
        let base = (0..<37).map { UInt8($0) }
        let reference = ContentHash.hex(base)
        #expect(reference.count == 32)
        for index in base.indices {
            var changed = base
            changed[index] ^= 0x01
            #expect(ContentHash.hex(changed) != reference, "byte \(index)")
        }
        #expect(ContentHash.hex(base + [0]) != reference)
        #expect(ContentHash.hex(base[...]) == reference)
    }

    @Test func mediaTypes() {
        #expect(MediaTypes.contentType(forPath: "/a/b.JS") == "text/javascript; charset=utf-8")
        #expect(MediaTypes.contentType(forPath: "/x.woff2") == "font/woff2")
        #expect(MediaTypes.contentType(forPath: "/noext") == "application/octet-stream")
        #expect(MediaTypes.hasExtension("/assets/app.js"))
        #expect(!MediaTypes.hasExtension("/v1.2/page"))
    }
}
