import Fetcher
import Foundation
import FuzzSupport

/// Fuzz target: URL canonicalisation, on arbitrary text taken as a link in a page or a feed (absolute, and
/// relative to an article's address). A canonical URL, once made, must be its own canonical form: two spellings
/// of one article may not become two articles, nor one a different one on a second pass. Built by
/// `deploy/fuzz.sh urls`; built as usual it replays the files it is given.
enum FuzzURLs {
    static let base = "https://www.example.com/news/2025/11/23/%D8%AE%D8%A8%D8%B1?id=7"

    static func run(_ bytes: UnsafeRawBufferPointer) {
        let text = String(decoding: bytes, as: UTF8.self)
        for canonical in [URLCanonicalizer.canonical(text), URLCanonicalizer.canonical(text, relativeTo: base)] {
            guard let canonical else { continue }
            let again = URLCanonicalizer.canonical(canonical)
            precondition(again == canonical, "not stable: \(canonical) became \(again ?? "nil")")
        }
    }
}

#if FUZZING
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
        FuzzURLs.run(UnsafeRawBufferPointer(start: start, count: count))
        return 0
    }

    @_cdecl("FuzzURLs_main")
    public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
        FuzzDriver.main(argc, argv, fuzzOneInput)
    }
#else
    @main
    struct Replay {
        static func main() throws { try FuzzDriver.replay(FuzzURLs.run) }
    }
#endif
