import Glibc

/// `write(2)` until every byte is out: `FileHandle` without `import Foundation` (which would link
/// Foundation's ICU data into the binary, issue 12 item 4).
enum FileDescriptorWriter {
    /// Retries short writes and EINTR; gives up silently on any other error (a closed pipe must
    /// not stop a command from finishing and reporting its exit code).
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return }
                offset += n
            }
        }
    }
}
