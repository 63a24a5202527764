/// Character references left in text after the HTML parser: a publisher that escaped a title twice
/// (`content="&amp;quot;…&amp;quot;"`, which the parser reads as `&quot;…&quot;`), and JSON-LD, which sits in a
/// `<script>` that no parser decodes but which content systems fill with HTML-escaped strings. `decodeOnce`
/// turns such references into their characters, one level only: what the publisher meant a reader to see, and
/// never a second decoding of text that spells an entity on purpose after that.
public enum HTMLEntities {
    /// The named references publishers' templates emit; numeric ones (`&#39;`, `&#x627;`) are all decoded.
    static let named: [Substring: Character] = [
        "quot": "\"", "amp": "&", "apos": "'", "lt": "<", "gt": ">", "nbsp": "\u{A0}", "hellip": "…",
        "laquo": "«", "raquo": "»", "ndash": "–", "mdash": "—", "lsquo": "‘", "rsquo": "’", "ldquo": "“",
        "rdquo": "”", "bull": "•", "middot": "·", "copy": "©", "reg": "®", "zwnj": "\u{200C}", "zwj": "\u{200D}",
        "lrm": "\u{200E}", "rlm": "\u{200F}",
    ]

    /// `text` with each character reference decoded once; text without `&` is returned as it is.
    public static func decodeOnce(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "&")) else { return text }
        var output = ""
        output.reserveCapacity(text.utf8.count)
        var rest = text[...]
        while let ampersand = rest.firstIndex(of: "&") {
            output += rest[..<ampersand]
            let tail = rest[rest.index(after: ampersand)...]
            if let semicolon = tail.prefix(12).firstIndex(of: ";"), let character = decode(tail[..<semicolon]) {
                output.append(character)
                rest = tail[tail.index(after: semicolon)...]
            } else {
                output.append("&")
                rest = tail
            }
        }
        return output + rest
    }

    /// The character of a reference's name (`quot`, `#39`, `#x627`), nil when it is none.
    static func decode(_ name: Substring) -> Character? {
        if name.first == "#" {
            let digits = name.dropFirst()
            let value =
                digits.first == "x" || digits.first == "X"
                ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
            guard let value, value != 0, let scalar = Unicode.Scalar(value) else { return nil }
            return Character(scalar)
        }
        return named[name]
    }
}
