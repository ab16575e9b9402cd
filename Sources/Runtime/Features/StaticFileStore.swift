import Foundation
import PilotoConfig

/// Why a static or SPA root could not be loaded at boot.
package enum StaticFileError: Error, Equatable, Sendable {
    case rootMissing(path: String)
    case unreadable(path: String)
}

/// Every file under a root, read into memory at boot with complete responses precomputed, so a
/// request costs a table lookup and one `writev`.
///
/// Files are small (a built SPA), which is why holding them in memory is the fast and simple choice.
/// Symlinks that resolve outside the root are skipped; nothing is read after boot, so no request
/// can ever reach the filesystem.
package final class StaticFileStore: Sendable {
    package let root: String
    private let files: [String: StaticFile]

    /// Relative paths (`/index.html`, `/assets/app.js`) in sorted order.
    package var paths: [String] { files.keys.sorted() }

    package init(root: String, cache: CachePolicy, indexName: String?, extraHeaders: [(String, String)]) throws(StaticFileError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .rootMissing(path: root)
        }
        let realRoot = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
        self.root = realRoot
        guard let names = try? FileManager.default.subpathsOfDirectory(atPath: realRoot) else {
            throw .unreadable(path: root)
        }
        var contents: [String: (Data, Date)] = [:]
        for name in names.sorted() {
            let full = realRoot + "/" + name
            // Resolve symlinks and keep only files that stay inside the root.
            let resolved = URL(fileURLWithPath: full).resolvingSymlinksInPath().path
            guard resolved == realRoot || resolved.hasPrefix(realRoot + "/") else { continue }
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: resolved),
                attributes[.type] as? FileAttributeType == .typeRegular,
                let data = FileManager.default.contents(atPath: resolved)
            else { continue }
            contents["/" + name] = (data, attributes[.modificationDate] as? Date ?? Date(timeIntervalSince1970: 0))
        }
        var built: [String: StaticFile] = [:]
        for (path, (data, modified)) in contents {
            let isIndex = indexName.map { path == "/" + $0 } ?? false || path.hasSuffix("/index.html")
            // index.html must be revalidated every time: it names the hashed assets of this deploy.
            let cacheControl = isIndex ? "no-cache" : cache.headerValue
            built[path] = Self.makeFile(
                path: path, data: data, gzip: contents[path + ".gz"]?.0, br: contents[path + ".br"]?.0,
                modified: modified, cacheControl: cacheControl, extraHeaders: extraHeaders)
        }
        files = built
    }

    /// The file at a normalized relative path (`/assets/app.js`), if loaded.
    package func file(at path: String) -> StaticFile? { files[path] }

    private static func makeFile(
        path: String, data: Data, gzip: Data?, br: Data?, modified: Date, cacheControl: String,
        extraHeaders: [(String, String)]
    ) -> StaticFile {
        let contentType = MediaTypes.contentType(forPath: path)
        let lastModified = DateHeader.imfFixdate(epochSeconds: Int(modified.timeIntervalSince1970))
        let varies = gzip != nil || br != nil
        func variant(_ coding: ContentCoding, _ bytes: Data) -> FileVariant {
            let body = SharedBytes(bytes)
            let etag = "\"" + ContentHash.hex(bytes) + (coding == .identity ? "" : "-" + coding.rawValue) + "\""
            var common: [(String, String)] = [("ETag", etag), ("Last-Modified", lastModified), ("Cache-Control", cacheControl)]
            if varies { common.append(("Vary", "Accept-Encoding")) }
            common += extraHeaders
            var okFields: [(String, String)] = [("Content-Type", contentType), ("Content-Length", String(bytes.count))]
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

/// A 128-bit content hash for ETags (two FNV-1a passes with different offsets): the tag changes when
/// the bytes change, whatever the file's mtime says.
package enum ContentHash {
    package static func hex(_ data: Data) -> String {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325
        var b: UInt64 = 0x8422_2325_cbf2_9ce4 ^ UInt64(data.count)
        let prime: UInt64 = 0x0000_0100_0000_01B3
        for byte in data {
            a = (a ^ UInt64(byte)) &* prime
            b = (b ^ UInt64(byte ^ 0x5A)) &* prime
        }
        return hex16(a) + hex16(b)
    }

    private static func hex16(_ value: UInt64) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}
