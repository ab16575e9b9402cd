import Glibc

/// Reads a static root at boot with plain syscalls.
///
/// Foundation's `FileManager.attributesOfItem` resolves owner and group names, which reads
/// `/etc/passwd` and `/etc/group` once per file: on a cold start that was most of the boot time.
/// Here each file costs one `realpath`, one `open`, one `fstat` and its reads.
enum FileTree {
    struct Entry {
        /// `/assets/app.js`: relative to the root, with a leading slash.
        var relativePath: String
        /// The canonical path the bytes were read from.
        var absolutePath: String
        var bytes: [UInt8]
        var modifiedEpochSeconds: Int
    }

    /// Deepest directory nesting walked; deeper trees are not a built SPA.
    static let maxDepth = 32

    /// The canonical absolute path (symlinks resolved), or nil when it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// True when the directory can be opened for listing (what `regularFiles` needs).
    static func isListable(_ path: String) -> Bool {
        opendir(path).map { closedir($0) } != nil
    }

    /// Every regular file under `root` (a canonical path), sorted by relative path. Symlinks to
    /// files are followed only when they resolve inside the root; symlinks to directories are not
    /// followed (a link to an ancestor would be a loop). Nil when the root cannot be listed.
    static func regularFiles(under root: String) -> [Entry]? {
        guard isListable(root) else { return nil }
        var entries: [Entry] = []
        walk(root: root, relative: "", depth: 0, into: &entries)
        return entries.sorted { $0.relativePath.utf8.lexicographicallyPrecedes($1.relativePath.utf8) }
    }

    private static func walk(root: String, relative: String, depth: Int, into entries: inout [Entry]) {
        guard depth < maxDepth, let directory = opendir(root + relative) else { return }
        defer { closedir(directory) }
        while let item = readdir(directory) {
            let name = withUnsafeBytes(of: item.pointee.d_name) { raw in
                raw.baseAddress.map { String(cString: $0.assumingMemoryBound(to: CChar.self)) } ?? ""
            }
            if name.isEmpty { continue }
            if name == "." || name == ".." { continue }
            let childRelative = relative + "/" + name
            // The root is canonical and readdir names are single components, so only a symlink
            // needs resolving (and must stay inside the root); lstat first spares a realpath, with
            // its readlink per path component, for every ordinary file.
            var resolved = root + childRelative
            var info = stat()
            guard lstat(resolved, &info) == 0 else { continue }
            if (info.st_mode & S_IFMT) == S_IFLNK {
                guard let target = realPath(resolved), target == root || target.hasPrefix(root + "/"),
                    stat(target, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG
                else { continue }  // out of the root, dangling, or a directory (no loops to walk)
                resolved = target
            }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                walk(root: root, relative: childRelative, depth: depth + 1, into: &entries)
            case S_IFREG:
                guard let bytes = readFile(resolved, size: Int(info.st_size)) else { continue }
                entries.append(Entry(relativePath: childRelative, absolutePath: resolved, bytes: bytes, modifiedEpochSeconds: info.st_mtim.tv_sec))
            default:
                continue
            }
        }
    }

    /// The whole file, or nil when it cannot be read.
    static func readFile(_ path: String, size: Int) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        // Uninitialized storage: zero-filling every file first showed up in the boot profile.
        return [UInt8](unsafeUninitializedCapacity: max(size, 0)) { buffer, initialized in
            var done = 0
            while done < buffer.count, let base = buffer.baseAddress {
                let n = read(fd, base + done, buffer.count - done)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { break }
                done += n
            }
            // The file may have shrunk since stat; keep what was there.
            initialized = done
        }
    }
}
