import PilotoHTTPCore

/// The upstream response parser on the same bytes: never a crash, and whole, split in two and
/// byte-at-a-time (answering `.stop` to every event) agree (a mismatch traps).
func fuzzResponse(_ bytes: [UInt8]) {
    let whole = parseResponse([bytes[...]], stop: false)
    let split = bytes.isEmpty ? 0 : Int(bytes[bytes.count - 1]) % (bytes.count + 1)
    if parseResponse([bytes[..<split], bytes[split...]], stop: false) != whole { trapResponse("split at \(split) disagrees") }
    if bytes.count <= 512, parseResponse(bytes.indices.map { bytes[$0...$0] }, stop: true) != whole {
        trapResponse("byte-at-a-time disagrees")
    }
}

private struct ResponseOutcome: Equatable {
    var heads: [HTTPResponseHead] = []
    var body: [UInt8] = []
    var ends = 0
    var error: HTTPResponseParseError?
}

private func parseResponse(_ pieces: [ArraySlice<UInt8>], stop: Bool) -> ResponseOutcome {
    var parser = HTTPResponseParser(limits: HTTPResponseParserLimits(maxHeadBytes: 2048, maxHeaderCount: 20, maxChunkLineBytes: 64))
    var outcome = ResponseOutcome()
    var upgraded = false
    var needsExpect = false
    for piece in pieces {
        var rest = Array(piece)
        while !upgraded {
            if needsExpect && !rest.isEmpty {
                needsExpect = false
                parser.expectResponse(toHead: outcome.ends % 3 == 2)
            }
            let before = (outcome.heads.count, outcome.body.count, outcome.ends)
            var result: Result<Int, HTTPResponseParseError> = .success(0)
            rest.withUnsafeBytes { raw in
                do throws(HTTPResponseParseError) {
                    result = .success(
                        try parser.parse(raw) { event in
                            switch event {
                            case .head(let head):
                                outcome.heads.append(head)
                                if head.status == 101 { upgraded = true }
                            case .body(let view): outcome.body += view
                            case .end:
                                outcome.ends += 1
                                needsExpect = true
                                return .stop
                            }
                            return stop ? .stop : .proceed
                        })
                } catch {
                    result = .failure(error)
                }
            }
            switch result {
            case .success(let consumed): rest.removeFirst(consumed)
            case .failure(let error):
                outcome.error = error
                return outcome
            }
            let after = (outcome.heads.count, outcome.body.count, outcome.ends)
            if before == after && rest.isEmpty { break }
            if before == after && !upgraded && !rest.isEmpty { trapResponse("no progress") }
        }
    }
    if !upgraded {
        do throws(HTTPResponseParseError) {
            if try parser.finish() { outcome.ends += 1 }
        } catch {
            outcome.error = error
        }
    }
    return outcome
}

private func trapResponse(_ message: String) -> Never {
    fatalError(message)  // fuzz harness only: a trap is how libFuzzer learns of a finding
}
