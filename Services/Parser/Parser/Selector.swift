import Foundation

/// A CSS selector list of compound selectors: `div.article-body, #story, .news-text`. Each compound is an
/// optional tag, any number of `.class`, and an optional `#id`; combinators and pseudo-classes are not
/// supported (a source rule needing them is better served by the generic extractor). Unsupported syntax makes
/// the compound match nothing, never something else.
struct Selector: Sendable {
    struct Compound: Sendable {
        var tag: String?
        var classes: [String] = []
        var id: String?
        var valid = true
    }

    let compounds: [Compound]

    init(_ text: String) {
        compounds = text.split(separator: ",").map { part in
            var compound = Compound()
            var current = ""
            var kind: Character = "t"
            func flush() {
                switch kind {
                case "t": if !current.isEmpty { compound.tag = current.lowercased() }
                case ".": if current.isEmpty { compound.valid = false } else { compound.classes.append(current) }
                default: if current.isEmpty { compound.valid = false } else { compound.id = current }
                }
                current = ""
            }
            for character in part.trimmingCharacters(in: .whitespaces) {
                if character == "." || character == "#" {
                    flush()
                    kind = character
                } else if character.isLetter || character.isNumber || character == "-" || character == "_" {
                    current.append(character)
                } else {
                    compound.valid = false
                }
            }
            flush()
            if compound.tag == nil && compound.classes.isEmpty && compound.id == nil { compound.valid = false }
            return compound
        }
    }

    func matches(_ tag: String, _ attributes: [String: String]) -> Bool {
        compounds.contains { compound in
            guard compound.valid, compound.tag.map({ $0 == tag }) ?? true else { return false }
            if let id = compound.id, attributes["id"] != id { return false }
            guard !compound.classes.isEmpty else { return true }
            let classes = (attributes["class"] ?? "").split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
            return compound.classes.allSatisfy { wanted in classes.contains { $0 == wanted } }
        }
    }
}
