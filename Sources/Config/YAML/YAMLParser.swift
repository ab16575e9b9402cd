internal import CYAML

/// libyaml events → `YAMLNode`, strictly: one document, no anchors, aliases, tags or merge keys,
/// scalar keys only, no duplicate keys, bounded nesting.
///
/// The whole document is parsed inside one `withUnsafeBufferPointer` scope, so libyaml never holds
/// a pointer that outlives the bytes (the mistake STYLE §3 notes in Yams), and every event is
/// freed right after it is read.
package enum YAMLParser {
    /// Deeper nesting than any real piloto.yaml needs; beyond it the input is rejected, which keeps
    /// every later recursive walk shallow whatever bytes arrive.
    package static let maximumDepth = 64

    /// How a parse ended: a tree (possibly with problems such as duplicate keys, reported as
    /// diagnostics), or a libyaml syntax error, after which the partial tree must not be checked.
    package enum Outcome: Sendable {
        /// The document's root (nil for an empty document or a parse stopped by a limit).
        case document(YAMLNode?)
        /// libyaml rejected the text; the diagnostics say where and why.
        case syntaxError
    }

    /// The outcome and every problem found.
    package static func parseDocument(_ text: String, file: String) -> (outcome: Outcome, diagnostics: [Diagnostic]) {
        let result = run(text, file: file)
        return (result.syntaxFailed ? .syntaxError : .document(result.root), result.diagnostics)
    }

    /// The tree built so far (nil for an empty document) and every problem found, for callers
    /// that only look at trees (tests, generators' round trips).
    package static func parse(_ text: String, file: String) -> (root: YAMLNode?, diagnostics: [Diagnostic]) {
        let result = run(text, file: file)
        return (result.root, result.diagnostics)
    }

    private static func run(_ text: String, file: String) -> (root: YAMLNode?, diagnostics: [Diagnostic], syntaxFailed: Bool) {
        let renderer = DiagnosticRenderer(source: text)
        var builder = TreeBuilder(file: file, renderer: renderer)
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        guard yaml_parser_initialize(parser) != 0 else {
            builder.report(.start, "could not initialize the YAML parser (out of memory)")
            return (nil, builder.diagnostics, false)
        }
        defer { yaml_parser_delete(parser) }
        let bytes = Array(text.utf8)
        // libyaml wants a non-null pointer even for empty input.
        let storage = bytes.isEmpty ? [UInt8(0)] : bytes
        let syntaxFailed = storage.withUnsafeBufferPointer { buffer -> Bool in
            guard let base = buffer.baseAddress else { return false }
            yaml_parser_set_input_string(parser, base, bytes.count)
            var event = yaml_event_t()
            // Bounded: libyaml produces a finite number of events for finite input and every
            // iteration consumes one; the cap is a belt-and-braces guard. The stream's end stops
            // the loop: past it libyaml returns empty events until the cap, which was ~25,000
            // wasted iterations for the repo's piloto.yaml, most of `serve`'s config-load time.
            for _ in 0..<(bytes.count * 4 + 16) {
                guard yaml_parser_parse(parser, &event) != 0 else {
                    builder.syntaxError(parser.pointee, bytes: bytes)
                    return true
                }
                let ended = event.type == YAML_STREAM_END_EVENT
                let keepGoing = builder.handle(event)
                yaml_event_delete(&event)
                if !keepGoing || ended { return false }
            }
            return false
        }
        return (builder.root, builder.diagnostics, syntaxFailed)
    }
}

/// The event-by-event state machine behind `YAMLParser` (an explicit stack, never recursion).
private struct TreeBuilder {
    enum Frame {
        case sequence(SourceMark, [YAMLNode])
        case mapping(SourceMark, [YAMLMapping.Pair], pendingKey: YAMLScalar?, skipValue: Bool)
    }

    let file: String
    let renderer: DiagnosticRenderer
    var stack: [Frame] = []
    var root: YAMLNode?
    var diagnostics: [Diagnostic] = []
    var documents = 0

    mutating func report(_ mark: SourceMark, _ message: String, notes: [Diagnostic] = []) {
        diagnostics.append(
            Diagnostic(severity: .error, file: file, line: mark.line, column: mark.column, message: message, notes: notes))
    }

    /// libyaml's 0-based mark, 1-based and clamped to the text (end of file → end of the last line).
    func mark(_ m: yaml_mark_t) -> (SourceMark, atEnd: Bool) {
        let line = Int(m.line) + 1
        let column = Int(m.column) + 1
        let count = max(renderer.lineCount, 1)
        if line > count || (line == count && column > renderer.length(ofLine: line) + 1) {
            return (SourceMark(line: count, column: renderer.length(ofLine: count) + 1), true)
        }
        return (SourceMark(line: line, column: column), false)
    }

    /// Handles one event; false stops the parse (second document, or nesting too deep).
    mutating func handle(_ event: yaml_event_t) -> Bool {
        let (start, _) = mark(event.start_mark)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            if documents > 1 {
                report(start, "only one YAML document is allowed; remove this '---' and what follows")
                return false
            }
        case YAML_ALIAS_EVENT:
            report(start, "aliases (*name) are not supported in piloto.yaml; write the value out")
            add(.scalar(YAMLScalar(text: "", style: .plain, mark: start)))
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            if data.anchor != nil { report(start, "anchors (&name) are not supported in piloto.yaml") }
            if data.tag != nil { report(start, "tags (!name) are not supported in piloto.yaml") }
            let text = data.value.map {
                String(decoding: UnsafeBufferPointer(start: $0, count: Int(data.length)), as: UTF8.self)
            } ?? ""
            add(.scalar(YAMLScalar(text: text, style: style(data.style), mark: start)))
        case YAML_SEQUENCE_START_EVENT:
            let data = event.data.sequence_start
            if data.anchor != nil { report(start, "anchors (&name) are not supported in piloto.yaml") }
            if data.tag != nil { report(start, "tags (!name) are not supported in piloto.yaml") }
            guard push(.sequence(start, []), at: start) else { return false }
        case YAML_MAPPING_START_EVENT:
            let data = event.data.mapping_start
            if data.anchor != nil { report(start, "anchors (&name) are not supported in piloto.yaml") }
            if data.tag != nil { report(start, "tags (!name) are not supported in piloto.yaml") }
            guard push(.mapping(start, [], pendingKey: nil, skipValue: false), at: start) else { return false }
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast() else { return true }
            switch frame {
            case .sequence(let m, let items):
                add(.sequence(YAMLSequence(items: items, mark: m)))
            case .mapping(let m, let pairs, _, _):
                checkDuplicates(pairs)
                add(.mapping(YAMLMapping(pairs: pairs, mark: m)))
            }
        default:
            break
        }
        return true
    }

    mutating func push(_ frame: Frame, at mark: SourceMark) -> Bool {
        guard stack.count < YAMLParser.maximumDepth else {
            report(mark, "nesting deeper than \(YAMLParser.maximumDepth) levels is not supported")
            return false
        }
        stack.append(frame)
        return true
    }

    /// Attaches a finished node to its parent (or makes it the root).
    mutating func add(_ node: YAMLNode) {
        guard let top = stack.popLast() else {
            if root == nil { root = node }
            return
        }
        switch top {
        case .sequence(let m, var items):
            items.append(node)
            stack.append(.sequence(m, items))
        case .mapping(let m, var pairs, let pendingKey, let skipValue):
            if let key = pendingKey {
                if !skipValue { pairs.append(YAMLMapping.Pair(key: key, value: node)) }
                stack.append(.mapping(m, pairs, pendingKey: nil, skipValue: false))
                return
            }
            guard case .scalar(let key) = node else {
                report(node.mark, "mapping keys must be plain text, not \(node.kindDescription)")
                stack.append(.mapping(m, pairs, pendingKey: YAMLScalar(text: "", style: .plain, mark: node.mark),
                    skipValue: true))
                return
            }
            var skip = false
            if key.style == .plain && key.text == "<<" {
                report(key.mark, "merge keys (<<) are not supported in piloto.yaml; write the keys out")
                skip = true
            }
            stack.append(.mapping(m, pairs, pendingKey: key, skipValue: skip))
        }
    }

    /// Every later occurrence of a key is an error, with a note at the first.
    mutating func checkDuplicates(_ pairs: [YAMLMapping.Pair]) {
        var first: [String: SourceMark] = [:]
        for pair in pairs {
            if let earlier = first[pair.key.text] {
                let note = Diagnostic(
                    severity: .note, file: file, line: earlier.line, column: earlier.column,
                    message: "'\(pair.key.text)' first defined here")
                report(pair.key.mark, "duplicate key '\(pair.key.text)'", notes: [note])
            } else {
                first[pair.key.text] = pair.key.mark
            }
        }
    }

    func style(_ s: yaml_scalar_style_t) -> YAMLScalar.Style {
        switch s {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: .literal
        case YAML_FOLDED_SCALAR_STYLE: .folded
        default: .plain
        }
    }

    /// libyaml's problem (at its mark) as the error, its context (at its mark) as a note.
    mutating func syntaxError(_ parser: yaml_parser_t, bytes: [UInt8]) {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        var position: (SourceMark, atEnd: Bool)
        if parser.error == YAML_READER_ERROR {
            position = (offsetMark(Int(parser.problem_offset), bytes: bytes), false)
        } else {
            position = mark(parser.problem_mark)
        }
        var notes: [Diagnostic] = []
        if let context = parser.context {
            let (contextMark, _) = mark(parser.context_mark)
            notes.append(Diagnostic(
                severity: .note, file: file, line: contextMark.line, column: contextMark.column,
                message: String(cString: context)))
        }
        let suffix = position.atEnd ? " at end of file" : ""
        report(position.0, "YAML syntax error: \(problem)\(suffix)", notes: notes)
    }

    /// The 1-based position of a byte offset (reader errors carry an offset, not a mark).
    func offsetMark(_ offset: Int, bytes: [UInt8]) -> SourceMark {
        var line = 1
        var column = 1
        for byte in bytes.prefix(max(0, offset)) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return SourceMark(line: line, column: column)
    }
}
