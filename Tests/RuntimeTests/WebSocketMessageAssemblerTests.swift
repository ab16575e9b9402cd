import Testing

@testable import PilotoHTTPCore
@testable import PilotoRuntime

/// Fragment joining (RFC 6455 §5.4), limits, and UTF-8 across fragments (§8.1).
@Suite struct WebSocketMessageAssemblerTests {
    private func frame(_ opcode: WebSocketOpcode, _ payload: [UInt8], fin: Bool = true) -> WebSocketFrame {
        WebSocketFrame(fin: fin, opcode: opcode, payload: payload)
    }

    /// Pushes frames; returns the outputs and the first error.
    private func run(
        _ frames: [WebSocketFrame], maxMessage: Int = 1 << 20, maxFragments: Int = 1024, minFragment: Int = 0
    ) -> ([WebSocketMessageAssembler.Output], WebSocketProtocolError?) {
        var assembler = WebSocketMessageAssembler(
            maxMessageSize: maxMessage, maxFragments: maxFragments, minNonFinalFragmentSize: minFragment)
        var outputs: [WebSocketMessageAssembler.Output] = []
        for frame in frames {
            do {
                if let output = try assembler.push(frame) { outputs.append(output) }
            } catch {
                return (outputs, error)
            }
        }
        return (outputs, nil)
    }

    @Test func assembler_singleFrames_areMessages() {
        let (out, error) = run([frame(.text, Array("hi".utf8)), frame(.binary, [1, 2]), frame(.text, [])])
        #expect(error == nil)
        #expect(out == [.message(.text("hi")), .message(.binary([1, 2])), .message(.text(""))])
    }

    @Test func assembler_fragmentsWithInterleavedPings_pingsDeliveredAtOnce() {
        let (out, error) = run([
            frame(.text, Array("fra".utf8), fin: false), frame(.ping, [1]),
            frame(.continuation, Array("gm".utf8), fin: false), frame(.pong, [2]), frame(.ping, []),
            frame(.continuation, Array("ent".utf8)),
        ])
        #expect(error == nil)
        #expect(out == [
            .control(frame(.ping, [1])), .control(frame(.pong, [2])), .control(frame(.ping, [])),
            .message(.text("fragment")),
        ])
    }

    @Test func assembler_emptyFragments_areAllowed() {
        let (out, error) = run([frame(.binary, [], fin: false), frame(.continuation, [], fin: false), frame(.continuation, [])])
        #expect(error == nil)
        #expect(out == [.message(.binary([]))])
    }

    @Test func assembler_continuationWithoutStart_isProtocolError() {
        let (_, error) = run([frame(.continuation, [1])])
        #expect(error == .unexpectedContinuation)
        #expect(error?.closeCode == .protocolError)
        #expect(run([frame(.text, Array("a".utf8)), frame(.continuation, [], fin: true)]).1 == .unexpectedContinuation)
    }

    @Test(arguments: [WebSocketOpcode.text, .binary])
    func assembler_newDataFrameMidMessage_isProtocolError(opcode: WebSocketOpcode) {
        let (_, error) = run([frame(.binary, [1], fin: false), frame(opcode, Array("x".utf8))])
        #expect(error == .expectedContinuation)
        #expect(error?.closeCode == .protocolError)
    }

    @Test func assembler_messageLimit_afterJoining() {
        let ok = run([frame(.binary, [UInt8](repeating: 0, count: 60), fin: false), frame(.continuation, [UInt8](repeating: 0, count: 40))], maxMessage: 100)
        #expect(ok.1 == nil)
        let over = run([frame(.binary, [UInt8](repeating: 0, count: 60), fin: false), frame(.continuation, [UInt8](repeating: 0, count: 41))], maxMessage: 100)
        #expect(over.1 == .messageTooLarge)
        #expect(over.1?.closeCode == .messageTooBig)
        // A single frame may carry the whole message, up to the limit and no further.
        #expect(run([frame(.binary, [UInt8](repeating: 0, count: 100))], maxMessage: 100).1 == nil)
        #expect(run([frame(.binary, [UInt8](repeating: 0, count: 101))], maxMessage: 100).1 == .messageTooLarge)
    }

    @Test func assembler_fragmentCountLimit() {
        let frames = [frame(.binary, [1], fin: false)] + (0..<3).map { _ in frame(.continuation, [1], fin: false) }
        #expect(run(frames + [frame(.continuation, [1])], maxFragments: 5).1 == nil)
        let error = run(frames + [frame(.continuation, [1], fin: false), frame(.continuation, [1])], maxFragments: 5).1
        #expect(error == .tooManyFragments)
        #expect(error?.closeCode == .messageTooBig)
    }

    @Test func assembler_tinyNonFinalFragment_whenMinimumConfigured_isPolicyViolation() {
        let error = run([frame(.binary, [1, 2, 3, 4], fin: false), frame(.continuation, [1], fin: false)], minFragment: 4).1
        #expect(error == .fragmentTooSmall)
        #expect(error?.closeCode == .policyViolation)
        // The final fragment may be small.
        #expect(run([frame(.binary, [1, 2, 3, 4], fin: false), frame(.continuation, [1])], minFragment: 4).1 == nil)
    }

    @Test func assembler_utf8SplitMidCodepoint_isValid() {
        let bytes = Array("añ€😀z".utf8)  // 1 + 2 + 3 + 4 + 1 bytes
        for cut1 in 0...bytes.count {
            for cut2 in cut1...bytes.count {
                let (out, error) = run([
                    frame(.text, Array(bytes[..<cut1]), fin: false), frame(.continuation, Array(bytes[cut1..<cut2]), fin: false),
                    frame(.continuation, Array(bytes[cut2...])),
                ])
                #expect(error == nil)
                #expect(out == [.message(.text("añ€😀z"))])
            }
        }
    }

    @Test func assembler_invalidUTF8_failsFastOnInvalidPrefix() throws {
        // The second fragment makes the text invalid: the error comes before the final fragment.
        var assembler = WebSocketMessageAssembler(maxMessageSize: 1000)
        #expect(try assembler.push(frame(.text, Array("κόσμε".utf8), fin: false)) == nil)
        #expect(throws: WebSocketProtocolError.invalidUTF8) {
            try assembler.push(frame(.continuation, [0xF4, 0x90, 0x80, 0x80], fin: false))
        }
    }

    @Test func assembler_incompleteSequenceAtFin_isInvalidPayload() {
        let (_, error) = run([frame(.text, Array("ok".utf8) + [0xE2, 0x82], fin: false), frame(.continuation, [])])
        #expect(error == .invalidUTF8)
        #expect(error?.closeCode == .invalidPayload)
        #expect(run([frame(.text, [0xE2, 0x82])]).1 == .invalidUTF8)
    }

    @Test func assembler_binaryIsNotValidated() {
        #expect(run([frame(.binary, [0xFF, 0xFE])]).0 == [.message(.binary([0xFF, 0xFE]))])
    }
}

/// The incremental validator against well-known valid and invalid sequences (Autobahn group 6).
@Suite struct WebSocketUTF8ValidatorTests {
    @Test(arguments: [
        [UInt8](), Array("hello".utf8), [0x7F], [0xC2, 0x80], [0xDF, 0xBF], [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF],
        [0xEE, 0x80, 0x80], [0xEF, 0xBF, 0xBF], [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF],
        Array("κόσμε".utf8), Array(String(repeating: "abcdefgh", count: 9).utf8) + [0xC3, 0xA9],
    ])
    func utf8_valid(bytes: [UInt8]) {
        #expect(WebSocketUTF8Validator.isValid(bytes))
        // And byte by byte.
        var validator = WebSocketUTF8Validator()
        for byte in bytes {
            let ok = validator.validate([byte])
            #expect(ok)
        }
        #expect(validator.isAtBoundary)
    }

    @Test(arguments: [
        [UInt8(0x80)], [0xBF], [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF],
        [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xF0, 0x80, 0x80, 0x80], [0xF0, 0x8F, 0xBF, 0xBF],
        [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFE], [0xFF], [0xC2, 0x41], [0xE1, 0x80, 0x41],
        Array(String(repeating: "a", count: 20).utf8) + [0xFF] + Array("abcdefgh".utf8),
    ])
    func utf8_invalid(bytes: [UInt8]) {
        #expect(!WebSocketUTF8Validator.isValid(bytes))
    }

    @Test(arguments: [[UInt8(0xC2)], [0xE2, 0x82], [0xF0, 0x9F, 0x98]])
    func utf8_truncated_isNotAtBoundary(bytes: [UInt8]) {
        var validator = WebSocketUTF8Validator()
        let ok = validator.validate(bytes)
        #expect(ok)
        #expect(!validator.isAtBoundary)
    }

    /// Every 1-, 2- and 3-byte sequence agrees with the standard library's validating decoder.
    @Test func utf8_agreesWithStandardLibrary_exhaustiveShort() {
        var disagreements = 0
        for a in 0...255 {
            let one = [UInt8(a)]
            if WebSocketUTF8Validator.isValid(one) != (String(validating: one, as: UTF8.self) != nil) { disagreements += 1 }
            for b in 0...255 {
                let two = [UInt8(a), UInt8(b)]
                if WebSocketUTF8Validator.isValid(two) != (String(validating: two, as: UTF8.self) != nil) { disagreements += 1 }
            }
        }
        for a in 0xE0...0xF4 {
            for b in 0x70...0xC0 {
                for c in [0x41, 0x80, 0xBF, 0xC0] {
                    let three = [UInt8(a), UInt8(b), UInt8(c)]
                    if WebSocketUTF8Validator.isValid(three) != (String(validating: three, as: UTF8.self) != nil) {
                        disagreements += 1
                    }
                }
            }
        }
        #expect(disagreements == 0)
    }
}
