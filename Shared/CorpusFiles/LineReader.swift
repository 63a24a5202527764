import CZlib
import Foundation

/// Reads a text file line by line with zlib's `gzopen`/`gzgets`, which read gzip-compressed and plain files
/// alike: corpora such as `ant-v2.1-dev.jsonl.gz` stream without being unpacked first.
public enum LineReader {
    public struct ReadError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Calls `body` with every line of `path` (without its newline), in order.
    /// - Throws: `ReadError` when the file cannot be opened or is corrupt; whatever `body` throws.
    public static func forEachLine(in path: String, _ body: (String) throws -> Void) throws {
        guard let file = gzopen(path, "rb") else { throw ReadError(description: "cannot open \(path)") }
        defer { gzclose(file) }
        var buffer = [CChar](repeating: 0, count: 1 << 16)
        var line = Data()
        while true {
            guard gzgets(file, &buffer, Int32(buffer.count)) != nil else {
                var code: Int32 = 0
                let message = String(cString: gzerror(file, &code))
                guard code == Z_OK || code == Z_STREAM_END || code == Z_BUF_ERROR else {
                    throw ReadError(description: "\(path) is corrupt: \(message)")
                }
                if !line.isEmpty { try body(String(decoding: line, as: UTF8.self)) }
                return
            }
            let chunk = buffer.withUnsafeBufferPointer { pointer in
                Data(bytes: pointer.baseAddress!, count: strlen(pointer.baseAddress!))
            }
            if chunk.last == UInt8(ascii: "\n") {
                line.append(chunk.dropLast())
                try body(String(decoding: line, as: UTF8.self))
                line.removeAll(keepingCapacity: true)
            } else {
                line.append(chunk)  // a line longer than the buffer: keep reading it
            }
        }
    }
}
