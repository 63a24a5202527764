import Foundation

/// Which charset a page's bytes are in. Arabic sites still serve windows-1256 and ISO-8859-6, and declarations
/// lie: a template says UTF-8 over windows-1256 bytes, or a server header says windows-1256 over UTF-8.
///
/// Order (after the WHATWG encoding sniffing steps, simplified): a byte-order mark; then the bytes themselves
/// when they are valid UTF-8 with non-ASCII text (random single-byte Arabic text is practically never valid
/// UTF-8, so a declaration that says otherwise is the one that lies); then the declaration (HTTP header, the
/// page's `<meta charset>`/`http-equiv` in its first 4 KB, the source's hint); and when the declaration is
/// UTF-8 or absent but the bytes are not, a sniff: the article «ال» as windows-1256 (C7 E1) or as ISO-8859-6
/// (C7 E4) decides between the Arabic charsets, else windows-1252 covers the Latin pages.
public enum PageCharset {
    public static func resolve(_ body: Data, header: String?, hint: String?) -> String? {
        body.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return "utf-8" }
            if bytes.starts(with: [0xFF, 0xFE]) { return "utf-16le" }
            if bytes.starts(with: [0xFE, 0xFF]) { return "utf-16be" }
            let declared = (header ?? metaCharset(bytes) ?? hint).map(canonical)
            switch utf8Validity(bytes) {
            case .ascii: return declared
            case .valid: return "utf-8"
            case .invalid:
                if let declared, declared != "utf-8" { return declared }
                return sniff(bytes)
            }
        }
    }

    static func canonical(_ name: String) -> String {
        let name = name.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: " \"'"))
        switch name {
        case "utf8", "utf-8", "unicode-1-1-utf-8": return "utf-8"
        case "cp1256", "windows-1256", "x-cp1256": return "windows-1256"
        case "iso-8859-6", "iso8859-6", "arabic", "asmo-708", "iso-ir-127", "ecma-114": return "iso-8859-6"
        case "latin1", "iso-8859-1", "iso8859-1", "us-ascii", "ascii", "windows-1252", "cp1252": return "windows-1252"
        default: return name
        }
    }

    enum Validity { case ascii, valid, invalid }

    /// Whether the bytes are ASCII, UTF-8 with some non-ASCII (a stray invalid byte per ten good sequences
    /// allowed), or not UTF-8: one pass over the first 256 KB.
    static func utf8Validity(_ bytes: UnsafeBufferPointer<UInt8>) -> Validity {
        var index = 0
        var valid = 0
        var invalid = 0
        let count = min(bytes.count, 256 * 1024)
        guard let start = bytes.baseAddress, count > 0 else { return .ascii }
        let base = UnsafeRawPointer(start)
        while index < count {
            // ASCII runs eight bytes at a time.
            while index + 8 <= count,
                base.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0
            {
                index += 8
            }
            guard index < count else { break }
            let byte = bytes[index]
            if byte < 0x80 {
                index += 1
                continue
            }
            let length: Int
            switch byte {
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: length = 0
            }
            if length > 0, index + length > count { break }  // cut at the limit
            if length > 0, (1..<length).allSatisfy({ bytes[index + $0] & 0xC0 == 0x80 }) {
                valid += 1
                index += length
            } else {
                invalid += 1
                index += 1
            }
        }
        if valid == 0 && invalid == 0 { return .ascii }
        // A UTF-8 page with a stray byte or two is still UTF-8 (libxml2 replaces the bad bytes); single-byte
        // Arabic text makes an invalid sequence of nearly every letter pair.
        return invalid == 0 || valid >= 10 * invalid ? .valid : .invalid
    }

    /// The charset a page declares in its first 4 KB: `<meta charset=…>` or `content="…; charset=…"`.
    static func metaCharset(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        let head = Array(bytes.prefix(4096)).map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        let key = Array("charset=".utf8)
        guard head.count > key.count else { return nil }
        var index = 0
        while index + key.count < head.count {
            if head[index..<(index + key.count)].elementsEqual(key) {
                var start = index + key.count
                while start < head.count, head[start] == 0x22 || head[start] == 0x27 || head[start] == 0x20 {
                    start += 1
                }
                var end = start
                while end < head.count,
                    head[end] == 0x2D || head[end] == 0x5F || (head[end] >= 0x30 && head[end] <= 0x39)
                        || (head[end] >= 0x61 && head[end] <= 0x7A)
                {
                    end += 1
                }
                if end > start { return String(decoding: head[start..<end], as: UTF8.self) }
            }
            index += 1
        }
        return nil
    }

    /// windows-1256, ISO-8859-6 or windows-1252, by the commonest Arabic word start in each.
    static func sniff(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var windows = 0
        var iso = 0
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == 0xC7 {
                if bytes[index + 1] == 0xE1 { windows += 1 }
                if bytes[index + 1] == 0xE4 { iso += 1 }
            }
            index += 1
        }
        if max(windows, iso) >= 3 { return windows >= iso ? "windows-1256" : "iso-8859-6" }
        return "windows-1252"
    }
}
