import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Text to windows-1256 bytes through the C library's iconv (Foundation on Linux has no windows-1256 encoder).
/// A character windows-1256 cannot hold is transliterated or becomes `?`, as a legacy CMS would store it.
enum WindowsArabic {
    static func encode(_ text: String) -> Data {
        let converter = iconv_open("WINDOWS-1256//TRANSLIT", "UTF-8")
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
                    if converted == -1 && errno != E2BIG {
                        // Not convertible even by transliteration: write `?` and skip the character's bytes.
                        result.append(UInt8(ascii: "?"))
                        inPointer = inPointer?.advanced(by: 1)
                        inLeft -= 1
                        while inLeft > 0, let byte = inPointer?.pointee, UInt8(bitPattern: byte) & 0xC0 == 0x80 {
                            inPointer = inPointer?.advanced(by: 1)
                            inLeft -= 1
                        }
                    }
                }
            }
        }
        return result
    }
}
