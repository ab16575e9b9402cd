/// File bodies read at boot, shared by every route's store that serves the same file.
///
/// The SPA root normally contains the `/assets` root too; without sharing, each asset would be
/// hashed, mirrored into a memfd and held in memory twice. Keyed by the file's canonical path and
/// content, so a file that changed between two reads is not confused with its old bytes. Used only
/// while the router is built, on one thread.
package final class LoadedBodies {
    struct Body {
        let bytes: SharedBytes
        /// `ContentHash.hex` of the bytes (the ETag's opaque part).
        let hash: String
    }

    private var bodies: [String: Body] = [:]

    package init() {}

    func body(for entry: FileTree.Entry) -> Body {
        let hash = ContentHash.hex(entry.bytes)
        let key = entry.absolutePath + "\u{0}" + hash
        if let known = bodies[key] { return known }
        let body = Body(
            bytes: SharedBytes(entry.bytes, mirrorInFile: entry.bytes.count >= OutputQueue.sendfileThreshold), hash: hash)
        bodies[key] = body
        return body
    }
}
