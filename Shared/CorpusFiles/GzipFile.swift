import CZlib
import Foundation

/// Whole-file gzip reading and writing through zlib (for model files: small, written once, read at start).
public enum GzipFile {
    /// Writes `data` gzip-compressed to `path` (through a temporary file, renamed when complete).
    public static func write(_ data: Data, to path: String) throws {
        let temporary = path + ".partial"
        guard let file = gzopen(temporary, "wb9") else {
            throw LineReader.ReadError(description: "cannot create \(path)")
        }
        var remaining = data[...]
        while !remaining.isEmpty {
            let chunk = remaining.prefix(1 << 20)
            let written = chunk.withUnsafeBytes { gzwrite(file, $0.baseAddress, UInt32($0.count)) }
            guard written == Int32(chunk.count) else {
                gzclose(file)
                throw LineReader.ReadError(description: "cannot write \(path)")
            }
            remaining = remaining.dropFirst(chunk.count)
        }
        guard gzclose(file) == Z_OK else { throw LineReader.ReadError(description: "cannot finish \(path)") }
        guard rename(temporary, path) == 0 else { throw LineReader.ReadError(description: "cannot rename to \(path)") }
    }

    /// Reads a gzip-compressed (or plain) file, refusing to inflate more than `limit` bytes.
    public static func read(_ path: String, limit: Int = 256 << 20) throws -> Data {
        guard let file = gzopen(path, "rb") else { throw LineReader.ReadError(description: "cannot open \(path)") }
        defer { gzclose(file) }
        var result = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
            if count < 0 { throw LineReader.ReadError(description: "\(path) is corrupt") }
            if count == 0 { return result }
            result.append(contentsOf: buffer[0..<Int(count)])
            if result.count > limit {
                throw LineReader.ReadError(description: "\(path) inflates beyond \(limit) bytes")
            }
        }
    }
}
