import PilotoConfig

/// Why a static or SPA root could not be loaded at boot.
package enum StaticFileError: Error, Equatable, Sendable {
    case rootMissing(path: String)
    case unreadable(path: String)
}

/// Every file under a root, read into memory once with complete responses precomputed, so a
/// request costs a table lookup and one `writev` (`StaticRoots` reads it just after the bind).
///
/// Files are small (a built SPA), which is why holding them in memory is the fast and simple choice.
/// Symlinks that resolve outside the root are skipped; nothing is read after the load, so no request
/// can ever reach the filesystem.
package final class StaticFileStore: Sendable {
    package let root: String
    private let files: [String: StaticFile]

    /// Relative paths (`/index.html`, `/assets/app.js`) in sorted order.
    package var paths: [String] { files.keys.sorted() }

    /// - Parameter bodies: bodies already loaded by another route's store (the SPA root usually
    ///   contains the `/assets` root), so the same file is hashed and held once.
    package init(
        root: String, cache: CachePolicy, indexName: String?, extraHeaders: [(String, String)],
        bodies: LoadedBodies = LoadedBodies()
    ) throws(StaticFileError) {
        guard let realRoot = FileTree.realPath(root), FileTree.isDirectory(realRoot) else {
            throw .rootMissing(path: root)
        }
        self.root = realRoot
        guard let entries = FileTree.regularFiles(under: realRoot) else { throw .unreadable(path: root) }
        var contents: [String: LoadedBodies.Body] = [:]
        for entry in entries { contents[entry.relativePath] = bodies.body(for: entry) }
        var built: [String: StaticFile] = [:]
        for entry in entries {
            let path = entry.relativePath
            let isIndex = indexName.map { path == "/" + $0 } ?? false || path.hasSuffix("/index.html")
            // index.html must be revalidated every time: it names the hashed assets of this deploy.
            let cacheControl = isIndex ? "no-cache" : cache.headerValue
            guard let body = contents[path] else { continue }
            built[path] = Self.makeFile(
                path: path, data: body, gzip: contents[path + ".gz"], br: contents[path + ".br"],
                modified: entry.modifiedEpochSeconds, cacheControl: cacheControl, extraHeaders: extraHeaders)
        }
        files = built
    }

    /// A store with no files: a root checked at boot that could not be read when loaded (`StaticRoots`).
    package init(emptyAt root: String) {
        self.root = root
        files = [:]
    }

    /// The file at a normalized relative path (`/assets/app.js`), if loaded.
    package func file(at path: String) -> StaticFile? { files[path] }

    private static func makeFile(
        path: String, data: LoadedBodies.Body, gzip: LoadedBodies.Body?, br: LoadedBodies.Body?, modified: Int,
        cacheControl: String,
        extraHeaders: [(String, String)]
    ) -> StaticFile {
        let contentType = MediaTypes.contentType(forPath: path)
        let lastModified = DateHeader.imfFixdate(epochSeconds: modified)
        let varies = gzip != nil || br != nil
        func variant(_ coding: ContentCoding, _ loaded: LoadedBodies.Body) -> FileVariant {
            let body = loaded.bytes
            let etag = "\"" + loaded.hash + (coding == .identity ? "" : "-" + coding.rawValue) + "\""
            var common: [(String, String)] = [("ETag", etag), ("Last-Modified", lastModified), ("Cache-Control", cacheControl)]
            if varies { common.append(("Vary", "Accept-Encoding")) }
            common += extraHeaders
            var okFields: [(String, String)] = [("Content-Type", contentType), ("Content-Length", String(body.count))]
            if coding != .identity { okFields.append(("Content-Encoding", coding.rawValue)) }
            okFields.append(("Accept-Ranges", "bytes"))
            // RFC 9110 §15.4.5: a 304 carries the validators and cache fields a 200 would have.
            return FileVariant(
                coding: coding, body: body, etag: etag,
                ok: PrebuiltResponse(status: .ok, fields: okFields + common, body: body),
                notModified: PrebuiltResponse(status: .notModified, fields: common, body: nil))
        }
        return StaticFile(
            path: path, identity: variant(.identity, data), gzip: gzip.map { variant(.gzip, $0) },
            br: br.map { variant(.br, $0) }, contentType: contentType, cacheControl: cacheControl,
            lastModified: lastModified, varies: varies, extraHeaders: extraHeaders)
    }
}

/// A 128-bit content hash for ETags: the tag changes when the bytes change, whatever the file's
/// mtime says. Not cryptographic (an ETag only has to tell deploys apart); two independently seeded
/// 64-bit lanes that eat 8 bytes per step, because hashing every file byte by byte was the largest
/// single cost of a cold start.
package enum ContentHash {
    package static func hex(_ data: some Collection<UInt8>) -> String {
        let digest = data.withContiguousStorageIfAvailable { hash(UnsafeRawBufferPointer($0)) }
            ?? Array(data).withUnsafeBytes { hash($0) }
        return hex16(digest.0) + hex16(digest.1)
    }

    static func hash(_ bytes: UnsafeRawBufferPointer) -> (UInt64, UInt64) {
        var a: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        var b: UInt64 = 0xC2B2_AE3D_27D4_EB4F &+ UInt64(bytes.count)
        let words = bytes.count / 8
        for index in 0..<words {
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
            a = rotate(a ^ (word &* 0x87C3_7B91_1142_53D5), 31) &* 0x4CF5_AD43_2745_937F
            b = rotate(b ^ (word &* 0x4CF5_AD43_2745_937F), 27) &* 0x87C3_7B91_1142_53D5 &+ a
        }
        for index in (words * 8)..<bytes.count {
            a = (a ^ UInt64(bytes[index])) &* 0x0000_0100_0000_01B3
            b = rotate(b ^ UInt64(bytes[index]), 11) &* 0x9E37_79B9_7F4A_7C15
        }
        return (mix(a ^ rotate(b, 17)), mix(b &+ a))
    }

    private static func rotate(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }

    /// MurmurHash3's 64-bit finalizer: every input bit affects every output bit.
    private static func mix(_ value: UInt64) -> UInt64 {
        var x = value
        x ^= x >> 33
        x &*= 0xFF51_AFD7_ED55_8CCD
        x ^= x >> 33
        x &*= 0xC4CE_B9FE_1A85_EC53
        x ^= x >> 33
        return x
    }

    private static func hex16(_ value: UInt64) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}
