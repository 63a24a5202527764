/// Escapes scraped text for HTML element content and attribute values. Every string that came from a page goes
/// through here before it reaches a reader's browser.
public enum HTMLEscaping {
    public static func escape(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            default: output.append(character)
            }
        }
        return output
    }

    /// JSON with `<`, `>` and `&` written as `\u` escapes: the same value to a JSON reader, and no markup to a
    /// browser that meets it inside a `<script>` element (JSON-LD) or mistakes it for HTML. Outside strings JSON
    /// has none of these characters.
    public static func inertJSON(_ json: String) -> String {
        var output = ""
        output.reserveCapacity(json.utf8.count)
        for character in json {
            switch character {
            case "<": output += "\\u003c"
            case ">": output += "\\u003e"
            case "&": output += "\\u0026"
            default: output.append(character)
            }
        }
        return output
    }

    /// A URL safe for `href`/`src`: only http(s), escaped; anything else (javascript:, data:) becomes `#`.
    public static func url(_ text: String) -> String {
        let lower = text.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else { return "#" }
        return escape(text)
    }
}
