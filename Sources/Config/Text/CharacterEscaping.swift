/// Escaping for formats whose rule is a short fixed list of characters and their replacements
/// (HTML attribute values, Prometheus label values): one walk over the text, a table per format.
package enum CharacterEscaping {
    /// `text` with each character that `replacements` lists replaced, the others as is.
    package static func replacing(_ text: String, _ replacements: [Character: String]) -> String {
        var out = ""
        for character in text {
            if let replacement = replacements[character] { out += replacement } else { out.append(character) }
        }
        return out
    }
}
