/// Walks the YAML tree against `PilotoSchema`: unknown keys (with suggestions), types, ranges,
/// required keys and defaults. Produces typed values, a `SourceMap` and every diagnostic at once.
///
/// Errors point at the offending node: the key for unknown keys, the value for type and range
/// errors, the enclosing mapping for a missing key (STYLE §6.4).
struct SchemaChecker {
    let file: String
    var diagnostics: [Diagnostic] = []
    var sourceMap = SourceMap()
    /// Paths whose value was rejected: cross-field rules that read them are skipped.
    var erroredPaths: Set<String> = []
    /// Overlays that are not selected keep `${…}` as written; such scalars are not type-checked.
    var skipInterpolated = false
    /// `environments:` names, in file order.
    var environmentNames: [String] = []
    /// The overlay chosen with `--env` (already merged into the checked document).
    var selectedEnvironment: String?

    /// Scalars whose interpolation already failed.
    let failedMarks: Set<SourceMark>

    init(file: String, failedMarks: Set<SourceMark> = []) {
        self.file = file
        self.failedMarks = failedMarks
    }

    enum Outcome {
        case value(TypedValue)
        case absent
        case invalid
    }

    mutating func error(_ mark: SourceMark, _ path: String, _ message: String) {
        erroredPaths.insert(path)
        diagnostics.append(
            Diagnostic(severity: .error, file: file, line: mark.line, column: mark.column, message: message))
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }

    /// The whole document (or, with `partial`, an overlay: nothing required, no defaults).
    mutating func checkRoot(_ mapping: YAMLMapping, partial: Bool, path: String = "") -> TypedSection {
        let specs = partial ? PilotoSchema.root.filter { $0.name != "environments" } : PilotoSchema.root
        return section(mapping, specs: specs, path: path, partial: partial)
    }

    mutating func section(_ mapping: YAMLMapping, specs: [KeySpec], path: String, partial: Bool) -> TypedSection {
        var (result, written) = pairs(of: mapping, specs: specs, path: path, partial: partial, handler: nil)
        if !partial { fillMissing(&result, specs: specs, written: written, mapping: mapping, path: path, what: nil) }
        return result
    }

    /// Each key of `mapping` against `specs`: unknown keys are reported, known ones checked and
    /// recorded in the `SourceMap`. With a route's `handler`, keys meant for other handlers are
    /// rejected. Returns the typed values and the keys written with a value (what `fillMissing`
    /// must not default).
    mutating func pairs(
        of mapping: YAMLMapping, specs: [KeySpec], path: String, partial: Bool, handler: String?
    ) -> (TypedSection, Set<String>) {
        var result = TypedSection()
        var written: Set<String> = []
        for pair in mapping.pairs {
            let name = pair.key.text
            let keyPath = Self.join(path, name)
            written.insert(name)
            guard let spec = specs.first(where: { $0.name == name }) else {
                unknownKey(pair.key, candidates: specs.map(\.name), path: path)
                continue
            }
            sourceMap.record(keyPath, key: pair.key.mark, value: pair.value.mark)
            if let handler, !spec.applies(to: handler) {
                let users = (spec.handlers ?? []).joined(separator: ", ")
                error(pair.key.mark, keyPath, "'\(name)' does not apply to a '\(handler)' route (it is for: \(users))")
                continue
            }
            switch check(pair.value, spec: spec, path: keyPath, partial: partial) {
            case .value(let v): result.set(name, v)
            case .absent: written.remove(name)
            case .invalid: break
            }
        }
        return (result, written)
    }

    /// Defaults for absent keys, errors for absent required keys.
    mutating func fillMissing(
        _ result: inout TypedSection, specs: [KeySpec], written: Set<String>, mapping: YAMLMapping, path: String,
        what: String?
    ) {
        for spec in specs where !written.contains(spec.name) {
            let keyPath = Self.join(path, spec.name)
            switch spec.presence {
            case .required:
                let place = what ?? (path.isEmpty ? "" : " in '\(path)'")
                error(mapping.mark, keyPath, "missing required key '\(spec.name)'\(place)")
            case .optional:
                break
            case .defaulted(let text):
                let node = YAMLNode.scalar(YAMLScalar(text: text, style: .plain, mark: mapping.mark))
                if case .value(let v) = check(node, spec: spec, path: keyPath, partial: false) { result.set(spec.name, v) }
            case .implied:
                if let v = impliedValue(spec.type, mark: mapping.mark, path: keyPath) { result.set(spec.name, v) }
            }
        }
    }

    /// The value of an absent implied key: a section of defaults, or an empty list or map.
    mutating func impliedValue(_ type: ValueType, mark: SourceMark, path: String) -> TypedValue? {
        switch type {
        case .section(let specs):
            return .section(section(YAMLMapping(pairs: [], mark: mark), specs: specs, path: path, partial: false))
        case .list, .routes:
            return .list([])
        case .map:
            return .section(TypedSection())
        default:
            return nil
        }
    }

    mutating func unknownKey(_ key: YAMLScalar, candidates: [String], path: String, extra: String = "") {
        let place = path.isEmpty ? "" : " in '\(path)'"
        var message = "unknown key '\(key.text)'\(place)"
        if let near = EditDistance.suggestion(for: key.text, among: candidates) {
            message += "; did you mean '\(near)'?"
        } else if let home = PilotoSchema.sections(containing: key.text).first {
            // Right key, wrong place (e.g. `max_instances` under `server:`).
            message += "; '\(key.text)' belongs in '\(home)'"
        } else {
            message += "; valid keys: " + candidates.joined(separator: ", ")
        }
        error(key.mark, Self.join(path, key.text), message + extra)
    }

    /// One value against its spec.
    mutating func check(_ node: YAMLNode, spec: KeySpec, path: String, partial: Bool) -> Outcome {
        if case .scalar(let s) = node, s.isNull {
            if spec.isRequired && !partial {
                error(node.mark, path, "'\(spec.name)' needs a value: expected \(Self.expectation(spec.type))")
                return .invalid
            }
            return .absent
        }
        return check(node, type: spec.type, path: path, partial: partial)
    }

    mutating func check(_ node: YAMLNode, type: ValueType, path: String, partial: Bool) -> Outcome {
        // Already reported (a failed `${VAR}`): one message per mistake.
        if failedMarks.contains(node.mark) {
            erroredPaths.insert(path)
            return .invalid
        }
        switch type {
        case .section(let specs):
            guard case .mapping(let m) = node else { return mismatch(node, type, path) }
            return .value(.section(section(m, specs: specs, path: path, partial: partial)))
        case .map(_, let valueType):
            guard case .mapping(let m) = node else { return mismatch(node, type, path) }
            var result = TypedSection()
            for pair in m.pairs {
                let itemPath = Self.join(path, pair.key.text)
                sourceMap.record(itemPath, key: pair.key.mark, value: pair.value.mark)
                if case .scalar(let s) = pair.value, s.isNull {
                    error(pair.value.mark, itemPath, "'\(pair.key.text)' needs a value: expected \(Self.expectation(valueType))")
                    continue
                }
                if case .value(let v) = check(pair.value, type: valueType, path: itemPath, partial: false) {
                    result.set(pair.key.text, v)
                }
            }
            return .value(.section(result))
        case .list(let itemType):
            guard case .sequence(let seq) = node else { return mismatch(node, type, path) }
            return .value(.list(items(of: seq, path: path) { checker, item, itemPath in
                if case .value(let v) = checker.check(item, type: itemType, path: itemPath, partial: false) { return v }
                return nil
            }))
        case .routes(let specs):
            guard case .sequence(let seq) = node else { return mismatch(node, type, path) }
            return .value(.list(items(of: seq, path: path) { checker, item, itemPath in
                guard case .mapping(let m) = item else {
                    _ = checker.mismatch(item, .section(specs), itemPath)
                    return .section(TypedSection())  // keeps indices aligned with the file
                }
                return .section(checker.route(m, specs: specs, path: itemPath))
            }))
        case .overlays:
            guard case .mapping(let m) = node else { return mismatch(node, type, path) }
            for pair in m.pairs {
                environmentNames.append(pair.key.text)
                let itemPath = Self.join(path, pair.key.text)
                sourceMap.record(itemPath, key: pair.key.mark, value: pair.value.mark)
                // The selected overlay was merged into the document and checked there, at its own positions.
                if pair.key.text == selectedEnvironment { continue }
                if case .scalar(let s) = pair.value, s.isNull { continue }  // `staging:` alone: no overrides
                guard case .mapping(let overlay) = pair.value else {
                    error(pair.value.mark, itemPath, "environment '\(pair.key.text)' must be a mapping of sections to override, found \(pair.value.kindDescription)")
                    continue
                }
                let saved = skipInterpolated
                skipInterpolated = true
                _ = checkRoot(overlay, partial: true, path: itemPath)
                skipInterpolated = saved
            }
            return .absent
        default:
            guard case .scalar(let s) = node else { return mismatch(node, type, path) }
            if skipInterpolated && s.text.contains("${") { return .absent }
            return scalar(s, type: type, path: path)
        }
    }

    /// Each item of a sequence, at its `path[index]` (recorded in the `SourceMap`); `each` returns
    /// the typed item, or nil to drop it.
    mutating func items(
        of seq: YAMLSequence, path: String, _ each: (inout SchemaChecker, YAMLNode, String) -> TypedValue?
    ) -> [TypedValue] {
        var items: [TypedValue] = []
        for (index, item) in seq.items.enumerated() {
            let itemPath = "\(path)[\(index)]"
            sourceMap.record(itemPath, key: nil, value: item.mark)
            if let value = each(&self, item, itemPath) { items.append(value) }
        }
        return items
    }

    /// A route: which keys are allowed and required depends on its `handler`.
    mutating func route(_ mapping: YAMLMapping, specs: [KeySpec], path: String) -> TypedSection {
        var handler: String?
        if case .scalar(let s)? = mapping["handler"], PilotoSchema.handlerNames.contains(s.text) { handler = s.text }
        var (result, written) = pairs(of: mapping, specs: specs, path: path, partial: false, handler: handler)
        let applicable = specs.filter { handler.map($0.applies(to:)) ?? ($0.handlers == nil) }
        let what = handler.map { " for a '\($0)' route" } ?? " in route"
        fillMissing(&result, specs: applicable, written: written, mapping: mapping, path: path, what: what)
        return result
    }

    /// A scalar parsed as `type`.
    mutating func scalar(_ s: YAMLScalar, type: ValueType, path: String) -> Outcome {
        let text = s.text
        func unit<T>(_ r: Result<T, UnitError>, _ wrap: (T) -> TypedValue) -> Outcome {
            switch r {
            case .success(let v): return .value(wrap(v))
            case .failure(let e):
                error(s.mark, path, e.message)
                return .invalid
            }
        }
        switch type {
        case .string:
            return .value(.string(text))
        case .integer(let range):
            guard let v = ScalarParsing.integer(text) else {
                error(s.mark, path, "expected an integer in \(range.lowerBound)…\(range.upperBound), found '\(text)'")
                return .invalid
            }
            guard range.contains(v) else {
                error(s.mark, path, "\(v) is out of range: expected an integer in \(range.lowerBound)…\(range.upperBound)")
                return .invalid
            }
            return .value(.integer(v))
        case .number:
            guard let v = ScalarParsing.number(text) else {
                error(s.mark, path, "expected a number ≥ 0 like 0.05 or 220 (at most 6 decimals), found '\(text)'")
                return .invalid
            }
            return .value(.number(v))
        case .boolean:
            guard let v = ScalarParsing.boolean(text) else {
                error(s.mark, path, "expected true or false, found '\(text)'")
                return .invalid
            }
            return .value(.boolean(v))
        case .duration: return unit(ScalarParsing.duration(text), TypedValue.duration)
        case .byteSize: return unit(ScalarParsing.byteSize(text), TypedValue.byteSize)
        case .percentage: return unit(ScalarParsing.percentage(text), TypedValue.percentage)
        case .cpu: return unit(ScalarParsing.cpu(text), TypedValue.cpu)
        case .cachePolicy: return unit(ScalarParsing.cachePolicy(text), TypedValue.cache)
        case .choice(let words):
            guard words.contains(text) else {
                var message = "expected one of \(words.joined(separator: ", ")), found '\(text)'"
                if let near = EditDistance.suggestion(for: text, among: words) { message += "; did you mean '\(near)'?" }
                error(s.mark, path, message)
                return .invalid
            }
            return .value(.string(text))
        default:
            return mismatch(.scalar(s), type, path)
        }
    }

    mutating func mismatch(_ node: YAMLNode, _ type: ValueType, _ path: String) -> Outcome {
        error(node.mark, path, "expected \(Self.expectation(type)), found \(node.kindDescription)")
        return .invalid
    }

    /// "expected …" wording per type.
    static func expectation(_ type: ValueType) -> String {
        switch type {
        case .string: "a string"
        case .integer(let r): "an integer in \(r.lowerBound)…\(r.upperBound)"
        case .number: "a number ≥ 0"
        case .boolean: "true or false"
        case .duration: "a duration like 8s, 5m or 1000ms"
        case .byteSize: "a size like 512Mi or 1MiB"
        case .percentage: "a percentage like 70%"
        case .cpu: "a CPU amount like 1 or 0.5"
        case .choice(let words): "one of \(words.joined(separator: ", "))"
        case .cachePolicy: "immutable, no-cache or a duration"
        case .section, .overlays: "a mapping"
        case .map(let label, _): "a mapping of \(label) to values"
        case .list, .routes: "a list"
        }
    }
}
