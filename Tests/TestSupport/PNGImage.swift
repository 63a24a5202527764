import CZlib
import Foundation

/// A decoded PNG (8-bit RGB or RGBA, not interlaced: what Chromium's screenshots are), for tests that look at
/// what a browser drew.
public struct PNGImage: Sendable {
    public let width: Int
    public let height: Int
    /// Luminance 0–255 of each pixel, row by row.
    public let luminance: [UInt8]

    public struct DecodeError: Error, CustomStringConvertible {
        public let description: String
    }

    public init(data: Data) throws {
        let bytes = [UInt8](data)
        guard bytes.count > 33, bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else {
            throw DecodeError(description: "not a PNG")
        }
        func integer(_ offset: Int) -> Int {
            Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8
                | Int(bytes[offset + 3])
        }
        var offset = 8
        var width = 0
        var height = 0
        var channels = 0
        var compressed: [UInt8] = []
        while offset + 8 <= bytes.count {
            let length = integer(offset)
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            let body = (offset + 8)..<min(bytes.count, offset + 8 + length)
            switch type {
            case "IHDR":
                width = integer(body.lowerBound)
                height = integer(body.lowerBound + 4)
                let depth = bytes[body.lowerBound + 8]
                let color = bytes[body.lowerBound + 9]
                guard depth == 8, color == 2 || color == 6, bytes[body.lowerBound + 12] == 0 else {
                    throw DecodeError(description: "unsupported PNG: depth \(depth), color type \(color)")
                }
                channels = color == 2 ? 3 : 4
            case "IDAT": compressed.append(contentsOf: bytes[body])
            default: break
            }
            offset += 12 + length
        }
        guard width > 0, height > 0, channels > 0 else { throw DecodeError(description: "no image header") }
        let stride = width * channels
        var raw = [UInt8](repeating: 0, count: height * (stride + 1))
        var rawLength = uLongf(raw.count)
        let status = raw.withUnsafeMutableBufferPointer { target in
            compressed.withUnsafeBufferPointer { source in
                uncompress(target.baseAddress, &rawLength, source.baseAddress, uLong(source.count))
            }
        }
        guard status == Z_OK, Int(rawLength) == raw.count else { throw DecodeError(description: "bad image data") }
        // Undo the per-row filters (PNG specification, section 9).
        var pixels = [UInt8](repeating: 0, count: height * stride)
        for row in 0..<height {
            let filter = raw[row * (stride + 1)]
            for column in 0..<stride {
                let x = raw[row * (stride + 1) + 1 + column]
                let a = column >= channels ? Int(pixels[row * stride + column - channels]) : 0
                let b = row > 0 ? Int(pixels[(row - 1) * stride + column]) : 0
                let c = row > 0 && column >= channels ? Int(pixels[(row - 1) * stride + column - channels]) : 0
                let predictor: Int
                switch filter {
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:
                    let p = a + b - c
                    let (pa, pb, pc) = (abs(p - a), abs(p - b), abs(p - c))
                    predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
                default: predictor = 0
                }
                pixels[row * stride + column] = UInt8(truncatingIfNeeded: Int(x) + predictor)
            }
        }
        self.width = width
        self.height = height
        luminance = (0..<(width * height)).map { index in
            let base = index * channels
            let red: Int = 299 * Int(pixels[base])
            let green: Int = 587 * Int(pixels[base + 1])
            let blue: Int = 114 * Int(pixels[base + 2])
            return UInt8((red + green + blue) / 1000)
        }
    }

    /// Rows with ink (pixels darker than `threshold`), each as its leftmost and rightmost dark column; rows
    /// dark across nearly the whole width (bars, rules) are left out.
    public func inkRows(threshold: UInt8 = 110) -> [(row: Int, left: Int, right: Int, count: Int)] {
        (0..<height).compactMap { row in
            var left = -1
            var right = -1
            var count = 0
            for column in 0..<width where luminance[row * width + column] < threshold {
                if left < 0 { left = column }
                right = column
                count += 1
            }
            guard count > 0, count < width * 9 / 10 else { return nil }
            return (row, left, right, count)
        }
    }
}
