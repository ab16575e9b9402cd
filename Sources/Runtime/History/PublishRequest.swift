import PilotoConfig

/// The `data` of a publish: raw JSON from an envelope, or a plain text frame as sent.
package enum PublishData: Sendable, Equatable {
    case text(String)
    /// A validated JSON value in compact form (strict RFC 8259 via `JSONParser`; member order and
    /// number text kept).
    case json(String)
}

/// One client text frame on a channel socket, classified.
///
/// `{"type":"publish","id":"…","data":…}` is an envelope (the `id` makes a resend idempotent);
/// anything else — plain text, other JSON, a malformed envelope — is a plain message, exactly as
/// before the protocol had envelopes, so old clients keep working. Only an object whose `type`
/// is `"publish"` and which has a `data` member counts; `id` is optional (no ack without it).
package struct PublishRequest: Sendable, Equatable {
    package var id: String?
    package var data: PublishData

    /// Ids longer than this are not ids (they would sit in the dedupe window): plain message.
    package static let maxIDBytes = 128

    package static func parse(_ text: String) -> PublishRequest {
        let plain = PublishRequest(id: nil, data: .text(text))
        // Cheap pre-check: most frames are plain text and never reach the parser.
        guard text.utf8.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) == UInt8(ascii: "{"),
              let value = try? JSONParser.parse(text), value["type"]?.stringValue == "publish", let data = value["data"]
        else { return plain }
        var id: String?
        if let raw = value["id"] {
            guard let text = raw.stringValue, !text.isEmpty, text.utf8.count <= maxIDBytes else { return plain }
            id = text
        }
        return PublishRequest(id: id, data: .json(data.compact))
    }
}
