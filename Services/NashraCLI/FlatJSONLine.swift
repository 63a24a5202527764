/// The string fields of a flat JSON object, read straight from its bytes: the fast path of `nashra classify`,
/// whose lines are `{"id": …, "title": …, "text": …}` by the million. Foundation's decoder makes and validates a
/// String of every field before the classifier reads it again; this finds each wanted field's bytes in the line
/// (copying only a string with escapes, to unescape it), scanning eight bytes at a time for the string's end.
///
/// It reads only what it is sure of: an object of strings, numbers, `true`, `false` and `null`, a wanted key
/// once, with a string or `null`. Anything else (nesting, a wanted key holding a number or given twice, a syntax
/// error) answers false, and the caller hands the line to `JSONDecoder`, which reads it or says what is wrong
/// with it. Bytes inside strings are kept as they are: the tokenizer reads what is not UTF-8 as U+FFFD.
///
/// One reader serves every line (`read(_:)`), so a line costs no allocation unless a wanted string has escapes.
struct FlatJSONLine {
    /// Where a wanted field's text is: a range of the line, or its unescaped copy.
    private enum Value {
        case inLine(Range<Int>)
        case unescaped([UInt8])
    }

    private let keys: [[UInt8]]
    private var values: [Value?]
    private var line = UnsafeRawBufferPointer(start: nil, count: 0)

    init(wanted: [String]) {
        keys = wanted.map { Array($0.utf8) }
        values = Array(repeating: nil, count: wanted.count)
    }

    /// Calls `body` with the bytes of wanted field `index` of the line last read (valid only inside `body`), or
    /// nil when the field is absent or `null`.
    func withValue<Result>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>?) -> Result) -> Result {
        switch values[index] {
        case nil: return body(nil)
        case .inLine(let range):
            return body(UnsafeBufferPointer(rebasing: line.assumingMemoryBound(to: UInt8.self)[range]))
        case .unescaped(let bytes): return bytes.withUnsafeBufferPointer { body($0) }
        }
    }

    /// Wanted field `index` as a String (invalid UTF-8 repaired), or nil.
    func string(_ index: Int) -> String? {
        withValue(index) { $0.map { String(decoding: $0, as: UTF8.self) } }
    }

    func has(_ index: Int) -> Bool { values[index] != nil }

    /// Reads a line; false when it is not a flat object this reader is sure of. The line's memory must outlive
    /// the use of the values.
    mutating func read(_ bytes: UnsafeRawBufferPointer) -> Bool {
        line = bytes
        for index in values.indices { values[index] = nil }
        var given: UInt64 = 0
        var reader = Reader(bytes: bytes)
        reader.skipSpace()
        guard reader.take(UInt8(ascii: "{")) else { return false }
        reader.skipSpace()
        if reader.take(UInt8(ascii: "}")) {
            reader.skipSpace()
            return reader.atEnd
        }
        while true {
            reader.skipSpace()
            guard reader.take(UInt8(ascii: "\"")), let key = reader.string() else { return false }
            let slot = keys.firstIndex { reader.equals(key, $0) }
            if let slot {
                guard given & 1 << slot == 0 else { return false }  // twice: the decoder decides which counts
                given |= 1 << slot
            }
            reader.skipSpace()
            guard reader.take(UInt8(ascii: ":")) else { return false }
            reader.skipSpace()
            if reader.take(UInt8(ascii: "\"")) {
                guard let value = reader.string() else { return false }
                if let slot { values[slot] = value }
            } else if reader.literal("null") {
                // an optional field left out
            } else if slot != nil {
                return false  // a wanted field that is not a string: the decoder says so
            } else if !(reader.literal("true") || reader.literal("false") || reader.number()) {
                return false
            }
            reader.skipSpace()
            if reader.take(UInt8(ascii: ",")) { continue }
            guard reader.take(UInt8(ascii: "}")) else { return false }
            break
        }
        reader.skipSpace()
        return reader.atEnd
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

        func equals(_ value: Value, _ key: [UInt8]) -> Bool {
            switch value {
            case .inLine(let range):
                range.count == key.count && key.indices.allSatisfy { bytes[range.lowerBound + $0] == key[$0] }
            case .unescaped(let text): text == key
            }
        }

        mutating func literal(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard bytes.count - index >= count else { return false }
            for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { return false }
            index += count
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

        /// Moves to the next byte that ends a run of plain string bytes (a quote, a backslash or a control
        /// character), testing eight bytes a word at a time (the bit tricks of "Bit Twiddling Hacks": a word has
        /// a byte below n when `(w - n·0x01…01) & ~w & 0x80…80` is not zero).
        private mutating func skipPlain() {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            while bytes.count - index >= 8 {
                let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                let quote = word ^ (ones &* 0x22)
                let backslash = word ^ (ones &* 0x5C)
                let special =
                    ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((word &- ones &* 0x20) & ~word)
                if special & highs != 0 { break }
                index += 8
            }
            while index < bytes.count, bytes[index] != 0x22, bytes[index] != 0x5C, bytes[index] >= 0x20 {
                index += 1
            }
        }

        /// The rest of a string after its opening quote: its range in the line when it has no escapes, else
        /// its unescaped bytes; nil for a string JSON does not allow (a raw control character, an unknown escape,
        /// no closing quote).
        mutating func string() -> Value? {
            let start = index
            skipPlain()
            guard index < bytes.count else { return nil }
            if bytes[index] == 0x22 {
                index += 1
                return .inLine(start..<(index - 1))
            }
            var output = Array(UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                if byte == 0x22 { return .unescaped(output) }
                guard byte == 0x5C, index < bytes.count else { return nil }  // a raw control character
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
                    guard var scalar = hex4() else { return nil }
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
                default: return nil
                }
                let plain = index
                skipPlain()
                output.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[plain..<index]))
            }
            return nil
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
