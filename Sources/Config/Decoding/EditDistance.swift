/// "Did you mean" support: the nearest candidate by Levenshtein distance.
package enum EditDistance {
    /// Levenshtein distance over Unicode scalars (bounded inputs: key names and flags).
    package static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars.prefix(256))
        let y = Array(b.unicodeScalars.prefix(256))
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }

    /// The closest candidate, if it is close enough to be a plausible typo (ties: first listed).
    package static func suggestion(for word: String, among candidates: [String]) -> String? {
        var best: (String, Int)?
        for candidate in candidates {
            let d = distance(word.lowercased(), candidate.lowercased())
            if let current = best, d >= current.1 { continue }
            best = (candidate, d)
        }
        guard let (candidate, d) = best else { return nil }
        let limit = max(2, min(word.count, candidate.count) / 3)
        return d <= limit ? candidate : nil
    }
}
