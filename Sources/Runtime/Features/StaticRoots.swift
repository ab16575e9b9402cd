import CLinuxEvents
import Dispatch
import PilotoConfig
import PilotoHTTPCore
import Synchronization

/// The static and SPA routes' files, checked before the socket is bound and read right after.
///
/// Why: reading, hashing and mirroring every file of a built SPA was about a third of `serve`'s
/// boot CPU, and the first request a scale-to-zero instance answers is the startup probe on the
/// health route, which needs none of it (issue 12, item 4: cold start). So `init` only checks each
/// root (a missing or unlistable root still stops the boot before binding), `Server.start` calls
/// `load()` once the loops are accepting, and a static request that arrives meanwhile waits for
/// that one load instead of seeing a partial tree. Files are still read exactly once, before
/// `start` returns, and never again.
package final class StaticRoots: Sendable {
    /// One static or SPA route's root, as `StaticFileStore` takes it.
    struct Root: Sendable {
        let path: String
        let cache: CachePolicy
        let index: String?
    }

    private let roots: [Root]
    private let extraHeaders: [(String, String)]
    private let logger: Logger?
    /// Set (releasing) once `stores` holds one store per root; read (acquiring) on every request,
    /// so a loaded server pays one atomic load, not a lock.
    private let ready = Atomic<Bool>(false)
    /// Serializes the one load; a request that finds `ready` false waits here.
    private let loading = Mutex<Void>(())
    /// Written once under `loading` before `ready` is set, read only after it is: never raced.
    private nonisolated(unsafe) var stores: [StaticFileStore] = []

    init(roots: [Root], extraHeaders: [(String, String)], logger: Logger?) {
        self.roots = roots
        self.extraHeaders = extraHeaders
        self.logger = logger
    }

    /// The canonical root, or why it cannot be served: the check `StaticFileStore` would make
    /// first, done at boot so a bad deploy fails before it binds.
    static func check(_ path: String) throws(StaticFileError) {
        guard let real = FileTree.realPath(path), FileTree.isDirectory(real) else { throw .rootMissing(path: path) }
        guard FileTree.isListable(real) else { throw .unreadable(path: path) }
    }

    /// The store of root `index` (in registration order), loading every root first if needed.
    func store(_ index: Int) -> StaticFileStore {
        if !ready.load(ordering: .acquiring) { load() }
        return stores[index]
    }

    /// `load()` on a thread of its own at nice 19, waited for: what `Server.start` calls.
    ///
    /// Why: the loops already accept when the files are read, and on the one CPU a Cloud Run
    /// instance boots with, a reader at the same priority as the loops delayed the first answer
    /// (the startup probe's health request) by its scheduler slices; at nice 19 a loop thread that
    /// wakes takes the CPU at once. The caller waits idle, so the reader still gets all the CPU the
    /// loops do not use. No thread to be had (EAGAIN): read here, as before.
    package func loadAtLowPriority() {
        let done = DispatchSemaphore(value: 0)
        let started = OSThread.start { [self] in
            piloto_name_this_thread("piloto-files")
            piloto_lower_this_thread_priority()
            load()
            done.signal()
        }
        if started { done.wait() } else { load() }
    }

    /// Reads every root (once; later calls return at once). The SPA root usually contains the
    /// `/assets` root, so one `LoadedBodies` makes each file hashed and held once.
    package func load() {
        loading.withLock { _ in
            guard !ready.load(ordering: .relaxed) else { return }
            let bodies = LoadedBodies()
            stores = roots.map { root in
                do {
                    return try StaticFileStore(
                        root: root.path, cache: root.cache, indexName: root.index, extraHeaders: extraHeaders,
                        bodies: bodies)
                } catch {
                    // Checked at boot; gone or unlistable since: serve nothing from it rather than stop.
                    logger?.log(.error, "static root cannot be read: \(root.path)")
                    return StaticFileStore(emptyAt: root.path)
                }
            }
            ready.store(true, ordering: .releasing)
        }
    }
}
