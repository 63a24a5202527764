/// The string fields of a flat JSON object, read straight from its bytes: the fast path of `nashra classify`,
/// whose lines are `{"id": …, "title": …, "text": …}` by the million. Foundation's decoder makes and validates a
/// String of every field before the classifier reads it again; this keeps each wanted field's unescaped UTF-8.
///
/// It reads only what it is sure of: an object of strings, numbers, `true`, `false` and `null`, no key twice, a
/// wanted key with a string or `null`. Anything else (nesting, a wanted key holding a number, a syntax error)
/// answers nil, and the caller hands the line to `JSONDecoder`, which reads it or says what is wrong with it.
/// Bytes inside strings are kept as they are: the tokenizer reads what is not UTF-8 as U+FFFD.
struct FlatJSONLine {
    /// Each wanted key's value (unescaped UTF-8), in `wanted`'s order; nil for absent or `null`.
    private(set) var values: [[UInt8]?]

    init?(_ bytes: UnsafeRawBufferPointer, wanted: [String]) {
        let keys = wanted.map { Array($0.utf8) }
        var values = [[UInt8]?](repeating: nil, count: wanted.count)
        var seen = Set<[UInt8]>()
        var reader = Reader(bytes: bytes)
        reader.skipSpace()
        guard reader.take(UInt8(ascii: "{")) else { return nil }
        reader.skipSpace()
        if !reader.take(UInt8(ascii: "}")) {
            while true {
                reader.skipSpace()
                var key: [UInt8] = []
                guard reader.take(UInt8(ascii: "\"")), reader.string(into: &key), seen.insert(key).inserted else {
                    return nil
                }
                reader.skipSpace()
                guard reader.take(UInt8(ascii: ":")) else { return nil }
                reader.skipSpace()
                let slot = keys.firstIndex(of: key)
                if reader.take(UInt8(ascii: "\"")) {
                    var value: [UInt8] = []
                    guard reader.string(into: &value) else { return nil }
                    if let slot { values[slot] = value }
                } else if reader.literal("null") {
                    // an optional field left out
                } else if slot != nil {
                    return nil  // a wanted field that is not a string: the decoder says so
                } else if !(reader.literal("true") || reader.literal("false") || reader.number()) {
                    return nil
                }
                reader.skipSpace()
                if reader.take(UInt8(ascii: ",")) { continue }
                guard reader.take(UInt8(ascii: "}")) else { return nil }
                break
            }
        }
        reader.skipSpace()
        guard reader.atEnd else { return nil }
        self.values = values
    }

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        var atEnd: Bool { index == bytes.count }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        mutating func literal(_ word: String) -> Bool {
            let word = Array(word.utf8)
            guard bytes.count - index >= word.count else { return false }
            for offset in word.indices where bytes[index + offset] != word[offset] { return false }
            index += word.count
            return true
        }

        /// A JSON number's characters (JSON's grammar is checked loosely: nothing here reads the value).
        mutating func number() -> Bool {
            let start = index
            while index < bytes.count, let scalar = Optional(bytes[index]),
                (scalar >= 0x30 && scalar <= 0x39) || [0x2D, 0x2B, 0x2E, 0x65, 0x45].contains(scalar)
            {
                index += 1
            }
            return index > start
        }

        /// The rest of a string after its opening quote, unescaped into `output`; false for a string JSON does
        /// not allow (a raw control character, an unknown escape, no closing quote).
        mutating func string(into output: inout [UInt8]) -> Bool {
            while index < bytes.count {
                let start = index
                while index < bytes.count, bytes[index] != 0x22, bytes[index] != 0x5C, bytes[index] >= 0x20 {
                    index += 1
                }
                output.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
                guard index < bytes.count else { return false }
                let byte = bytes[index]
                index += 1
                if byte == 0x22 { return true }
                guard byte == 0x5C, index < bytes.count else { return false }  // a raw control character
                let escape = bytes[index]
                index += 1
                switch escape {
                case 0x22, 0x5C, 0x2F: output.append(escape)
                case 0x62: output.append(0x08)
                case 0x66: output.append(0x0C)
                case 0x6E: output.append(0x0A)
                case 0x72: output.append(0x0D)
                case 0x74: output.append(0x09)
                case 0x75:
                    guard var scalar = hex4() else { return false }
                    if (0xD800..<0xDC00).contains(scalar), bytes.count - index >= 6, bytes[index] == 0x5C,
                        bytes[index + 1] == 0x75
                    {
                        let mark = index
                        index += 2
                        if let low = hex4(), (0xDC00..<0xE000).contains(low) {
                            scalar = 0x10000 + (scalar - 0xD800) << 10 + (low - 0xDC00)
                        } else {
                            index = mark
                        }
                    }
                    output.append(contentsOf: String(Unicode.Scalar(scalar) ?? "\u{FFFD}").utf8)
                default: return false
                }
            }
            return false
        }

        private mutating func hex4() -> UInt32? {
            guard bytes.count - index >= 4 else { return nil }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt8
                switch byte {
                case 0x30...0x39: digit = byte - 0x30
                case 0x41...0x46: digit = byte - 0x41 + 10
                case 0x61...0x66: digit = byte - 0x61 + 10
                default: return nil
                }
                value = value << 4 | UInt32(digit)
                index += 1
            }
            return value
        }
    }
}
