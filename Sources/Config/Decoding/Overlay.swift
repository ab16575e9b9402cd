/// `environments.NAME` applied to the base document, at the YAML-node level.
///
/// Mappings merge key by key (recursively); lists and scalars replace. Overlay nodes keep their own
/// positions, so a bad value that came from the overlay is reported inside the overlay.
enum Overlay {
    static func merge(_ base: YAMLMapping, _ overlay: YAMLMapping) -> YAMLMapping {
        var result = base
        for pair in overlay.pairs {
            if let index = result.pairs.firstIndex(where: { $0.key.text == pair.key.text }) {
                if case .mapping(let b) = result.pairs[index].value, case .mapping(let o) = pair.value {
                    result.pairs[index].value = .mapping(merge(b, o))
                } else {
                    result.pairs[index] = pair
                }
            } else {
                result.pairs.append(pair)
            }
        }
        return result
    }
}
