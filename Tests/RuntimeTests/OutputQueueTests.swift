import Glibc
import Testing
@testable import PilotoRuntime

struct OutputQueueTests {
    /// Partial writes of any size reassemble to exactly the queued bytes, in order.
    @Test(arguments: [1, 3, 7, 100, 5000])
    func partialWrites_preserveOrder(_ step: Int) {
        var queue = OutputQueue()
        let shared = SharedBytes((0..<2000).map { UInt8($0 % 251) })
        queue.append(Array("head1".utf8))
        queue.append(shared: shared, range: 10..<1500)
        queue.append(Array("head2".utf8))
        queue.append(shared: shared, range: 0..<20)
        var expected = Array("head1".utf8) + shared[10..<1500] + Array("head2".utf8) + shared[0..<20]
        var received: [UInt8] = []
        var calls = 0
        while !queue.isEmpty && calls < 10_000 {
            calls += 1
            let n = queue.flush { iovs, _ in
                var budget = step
                var written = 0
                for iov in iovs where budget > 0 {
                    let take = min(budget, iov.iov_len)
                    if let base = iov.iov_base {
                        received += UnsafeRawBufferPointer(start: base, count: take)
                    }
                    budget -= take
                    written += take
                }
                return calls % 2 == 0 ? 0 : written  // every other call "would block"
            }
            #expect(n != nil)
        }
        #expect(received == expected)
        expected.removeAll()
        #expect(queue.pendingBytes == 0)
    }

    @Test func failure_returnsNil() {
        var queue = OutputQueue()
        queue.append([1, 2, 3])
        #expect(queue.flush { _, _ in -1 } == nil)
    }
}

struct OutputQueueSendfileTests {
    /// Big mirrored bodies leave through `sendFile` from the memfd, heads through `write` with
    /// `more` set just before a file segment, and partial progress on either side resumes exactly.
    @Test(arguments: [1, 999, 4096, 70_000])
    func fileSegments_interleaveWithWrites(_ step: Int) throws {
        let body = (0..<(OutputQueue.sendfileThreshold * 3)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let shared = SharedBytes(body, mirrorInFile: true)
        #expect(shared.fileDescriptor >= 0)
        var queue = OutputQueue()
        queue.append(Array("head1\r\n".utf8))
        queue.append(shared: shared, range: 0..<body.count)
        queue.append(Array("head2\r\n".utf8))
        queue.append(shared: shared, range: 100..<(100 + OutputQueue.sendfileThreshold))
        let expected = Array("head1\r\n".utf8) + body + Array("head2\r\n".utf8)
            + body[100..<(100 + OutputQueue.sendfileThreshold)]
        var received: [UInt8] = []
        var moreFlags: [Bool] = []
        var fileCalls = 0
        var calls = 0
        while !queue.isEmpty && calls < 100_000 {
            calls += 1
            let n = queue.flush(
                { iovs, more in
                    moreFlags.append(more)
                    var budget = step
                    var written = 0
                    for iov in iovs where budget > 0 {
                        let take = min(budget, iov.iov_len)
                        if let base = iov.iov_base { received += UnsafeRawBufferPointer(start: base, count: take) }
                        budget -= take
                        written += take
                    }
                    return written
                },
                sendFile: { fd, offset, count in
                    fileCalls += 1
                    if fileCalls % 3 == 0 { return 0 }  // "would block" now and then
                    var chunk = [UInt8](repeating: 0, count: min(step, count))
                    let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(offset)) }
                    guard n > 0 else { return -1 }
                    received += chunk[0..<n]
                    return n
                })
            #expect(n != nil)
        }
        #expect(received == expected)
        #expect(fileCalls > 0)
        #expect(moreFlags.first == true)  // head1 is held back for the body that follows
    }

    /// Without a `sendFile` function (tests, fallbacks) the same bytes go out from memory.
    @Test func withoutSendFile_fileSegmentsAreWrittenFromMemory() {
        let body = [UInt8](repeating: 0x5A, count: OutputQueue.sendfileThreshold)
        var queue = OutputQueue()
        queue.append(shared: SharedBytes(body, mirrorInFile: true), range: 0..<body.count)
        var out: [UInt8] = []
        _ = queue.flush { iovs, more in
            #expect(!more)
            var n = 0
            for iov in iovs {
                if let base = iov.iov_base { out += UnsafeRawBufferPointer(start: base, count: iov.iov_len) }
                n += iov.iov_len
            }
            return n
        }
        #expect(out == body)
    }
}

struct DateHeaderTests {
    /// RFC 9110 §5.6.7's own example.
    @Test func imfFixdate_rfcExample() {
        #expect(DateHeader.imfFixdate(epochSeconds: 784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        var header = DateHeader(epochSeconds: 784_111_777)
        #expect(header.line == Array("Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n".utf8))
        header.update(epochSeconds: 784_111_778)
        #expect(header.line.count == 37)
        #expect(String(decoding: header.line, as: UTF8.self).contains("08:49:38"))
    }
}
