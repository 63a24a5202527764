import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// HTML or XML text to windows-1256 bytes through the C library's iconv (Foundation on Linux has no windows-1256
/// encoder). A character windows-1256 cannot hold (Eastern Arabic digits, for one) becomes a numeric character
/// reference, as browsers and legacy CMSs write it: the page still says the same thing.
enum WindowsArabic {
    static func encode(_ text: String) -> Data {
        let converter = iconv_open("WINDOWS-1256", "UTF-8")
        guard converter != iconv_t(bitPattern: -1) else { return Data(text.utf8) }
        defer { iconv_close(converter) }
        var input = Array(text.utf8).map { CChar(bitPattern: $0) }
        var output = [CChar](repeating: 0, count: input.count + 16)
        var result = Data()
        input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer: UnsafeMutablePointer<CChar>? = inBuffer.baseAddress
                var inLeft = inBuffer.count
                while inLeft > 0 {
                    var outPointer: UnsafeMutablePointer<CChar>? = outBuffer.baseAddress
                    var outLeft = outBuffer.count
                    let converted = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
                    result.append(
                        UnsafeRawBufferPointer(start: outBuffer.baseAddress, count: outBuffer.count - outLeft)
                            .bindMemory(to: UInt8.self)
                    )
                    if converted == -1 && errno != E2BIG, let start = inPointer {
                        // Not in windows-1256: `&#N;` for the scalar, then go on after its bytes.
                        let lead = UInt8(bitPattern: start.pointee)
                        let length = lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
                        let bytes = UnsafeRawBufferPointer(start: start, count: min(length, inLeft))
                        let scalar = String(decoding: bytes, as: UTF8.self).unicodeScalars.first?.value ?? 0xFFFD
                        result.append(contentsOf: Array("&#\(scalar);".utf8))
                        inPointer = start.advanced(by: min(length, inLeft))
                        inLeft -= min(length, inLeft)
                    }
                }
            }
        }
        return result
    }
}
