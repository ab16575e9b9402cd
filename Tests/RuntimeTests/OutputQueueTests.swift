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
            let n = queue.flush { iovs in
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
        #expect(queue.flush { _ in -1 } == nil)
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
