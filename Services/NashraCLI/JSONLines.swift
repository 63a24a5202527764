import Foundation

/// Standard input's lines as bytes (without the newline), read a megabyte at a time and lent to the caller in
/// place: no copy and no String is made of a line before its reader reads it.
struct InputLines {
    private var pending: [UInt8] = []
    private var start = 0
    private var finished = false

    /// Calls `body` with the next line's bytes (valid only inside `body`); nil at the end of the input.
    mutating func next<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result? {
        while true {
            let newline = pending.withUnsafeBufferPointer { bytes -> Int? in
                guard start < bytes.count, let base = bytes.baseAddress,
                    let found = memchr(base + start, 0x0A, bytes.count - start)
                else { return nil }
                return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            }
            if let newline {
                defer { start = newline + 1 }
                return try pending.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<newline])) }
            }
            if finished {
                guard start < pending.count else { return nil }
                defer { start = pending.count }
                return try pending.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start...])) }
            }
            let chunk = FileHandle.standardInput.readData(ofLength: 1 << 20)
            pending.removeSubrange(0..<start)
            pending.append(contentsOf: chunk)
            start = 0
            finished = chunk.isEmpty
        }
    }
}

/// JSON lines written straight into bytes, keys in the order the caller gives (sorted, by the callers' choice,
/// as `JSONEncoder`'s `.sortedKeys` would), flushed to standard output every 64 KB. Strings are escaped as
/// `JSONEncoder` escapes them with `.withoutEscapingSlashes`; numbers are written as it writes them.
struct JSONLinesWriter {
    private var bytes: [UInt8] = []
    private var fields = 0

    init() { bytes.reserveCapacity(1 << 17) }

    mutating func beginObject() {
        bytes.append(UInt8(ascii: "{"))
        fields = 0
    }

    mutating func endObject() { bytes.append(UInt8(ascii: "}")) }

    /// Ends a line, writing out what is buffered once it passes 64 KB.
    mutating func endLine() {
        bytes.append(UInt8(ascii: "\n"))
        if bytes.count > 1 << 16 { flush() }
    }

    mutating func flush() {
        FileHandle.standardOutput.write(Data(bytes))
        bytes.removeAll(keepingCapacity: true)
    }

    /// A key (and its colon), after a comma unless it is the object's first.
    mutating func key(_ name: String) {
        if fields > 0 { bytes.append(UInt8(ascii: ",")) }
        fields += 1
        string(name)
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x08: bytes.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [
                    0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 15)],
                ])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// A finite number, in the shortest form that reads back as the same Double (`description`), without a
    /// trailing ".0" for whole numbers.
    mutating func number(_ value: Double) {
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    mutating func number(_ value: Int) { bytes.append(contentsOf: String(value).utf8) }

    mutating func bool(_ value: Bool) { bytes.append(contentsOf: (value ? "true" : "false").utf8) }
}
