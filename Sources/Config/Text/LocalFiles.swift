import Glibc

/// The few file-system questions a config load asks (the working directory, a file's bytes, is
/// this a file or a folder), answered with POSIX calls.
///
/// Why not `FileManager`: `serve` reads its config on every cold start, and the first touch of
/// `FileManager.default` (its singleton, its locks, their generic metadata) was ~5 % of the config
/// load's CPU for three calls that are one syscall each (issue 12, cold start).
package enum LocalFiles {
    /// The process's working directory; "/" when it cannot be read (deleted, too deep).
    package static var currentDirectory: String {
        guard let buffer = getcwd(nil, 0) else { return "/" }
        defer { free(buffer) }
        return String(cString: buffer)
    }

    /// The file's bytes, or nil when it cannot be opened or read or is a directory. A file larger
    /// than `limit` bytes gives its first `limit + 1` bytes, so the caller can say it is too big.
    /// Pipes and devices (`--config /dev/stdin`) are read to their end like files.
    package static func contents(_ path: String, limit: Int = .max) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT != S_IFDIR else { return nil }
        let cap = limit == .max ? Int(info.st_size) : min(Int(info.st_size), limit + 1)
        var bytes = [UInt8](repeating: 0, count: max(cap, 0))
        var filled = 0
        // The size is a hint (the file may grow or shrink meanwhile): read until EOF or the cap.
        while true {
            if filled == bytes.count {
                guard bytes.count <= limit else { break }
                bytes.append(contentsOf: repeatElement(0, count: max(4096, bytes.count)))
            }
            let n = bytes.withUnsafeMutableBytes { raw in read(fd, raw.baseAddress! + filled, raw.count - filled) }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { break }
            filled += n
        }
        bytes.removeSubrange(filled...)
        return bytes
    }

    /// True when `path` names a directory (symbolic links followed).
    package static func isDirectory(_ path: String) -> Bool {
        kind(path) == S_IFDIR
    }

    /// True when `path` exists and is not a directory (symbolic links followed).
    package static func isFile(_ path: String) -> Bool {
        guard let kind = kind(path) else { return false }
        return kind != S_IFDIR
    }

    private static func kind(_ path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & S_IFMT
    }
}
