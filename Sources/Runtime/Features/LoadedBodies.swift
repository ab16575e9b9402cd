import Glibc

/// File bodies read at boot, shared by every route's store that serves the same file.
///
/// The SPA root normally contains the `/assets` root too; without sharing, each asset would be
/// hashed, mirrored into a memfd and held in memory twice. Keyed by the file's canonical path; a
/// second read reuses the first only when its bytes are identical (one `memcmp`, cheaper than
/// hashing again), so a file that changed between the two reads is not confused with its old
/// bytes. Used only while the router is built, on one thread.
package final class LoadedBodies {
    struct Body {
        let bytes: SharedBytes
        /// `ContentHash.hex` of the bytes (the ETag's opaque part).
        let hash: String
    }

    private var bodies: [String: Body] = [:]

    package init() {}

    func body(for entry: FileTree.Entry) -> Body {
        if let known = bodies[entry.absolutePath], Self.same(known.bytes, entry.bytes) { return known }
        let body = Body(
            bytes: SharedBytes(entry.bytes, mirrorInFile: entry.bytes.count >= OutputQueue.sendfileThreshold),
            hash: ContentHash.hex(entry.bytes))
        bodies[entry.absolutePath] = body
        return body
    }

    private static func same(_ stored: SharedBytes, _ bytes: [UInt8]) -> Bool {
        guard stored.count == bytes.count else { return false }
        return bytes.withUnsafeBytes { memcmp(stored.pointer, $0.baseAddress ?? stored.pointer, bytes.count) == 0 }
    }
}
