import Foundation
import FuzzSupport
import NashraMessages
import Parser

/// Fuzz target: the article extractor on raw page bytes, as the parser stage receives them from the fetcher. The
/// input's first byte picks what the page is said to be in (`charsets`, by its value modulo their count: the
/// digits 0–4 in the seed files): no charset at all, a `Content-Type` charset (UTF-8, windows-1256, Latin-1, one
/// nobody knows) or the source's hint; the rest is the body. An `Article` or an `ExtractionError`, never a crash.
/// Built by `deploy/fuzz.sh extractor`; built as usual it replays the files it is given.
enum FuzzExtractor {
    static let charsets: [(header: String?, hint: String?)] = [
        (nil, nil), ("text/html; charset=utf-8", nil), ("text/html; charset=windows-1256", nil),
        ("text/html; charset=iso-8859-1", "windows-1256"), ("text/html; charset=x-no-such-charset", nil),
    ]
    static let fetchedAt = Date(timeIntervalSince1970: 1_790_000_000)

    /// The one-time set-up of libxml2, Foundation and the extractor's patterns (each compiled on first use, and
    /// the Swift regular expressions keep their parse where LeakSanitizer does not see it), done on a page that
    /// takes every path, outside any input.
    static func warmUp() {
        let paragraph = "<p>" + String(repeating: "ارتفعت أسعار الذهب في مصر خلال تعاملات اليوم. ", count: 4) + "</p>"
        let page = """
            1<html><head><title>عنوان - مثال نيوز</title><meta property="og:site_name" content="مثال نيوز">
            <script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2025-11-23"}</script></head>
            <body><h1>عنوان الخبر</h1><div class="date">الأحد ٢٣ نوفمبر ٢٠٢٥</div><article>\(paragraph)
            <p>نشر في اليوم السابع يوم 23 - 11 - 2025</p><p>منذ ساعتين</p>\(paragraph)<img src="/a.jpg"></article>
            <footer>© 2025 مثال نيوز</footer></body></html>
            """
        Array(page.utf8).withUnsafeBytes { run($0) }
    }

    static func run(_ bytes: UnsafeRawBufferPointer) {
        guard let first = bytes.first else { return }
        let charset = charsets[Int(first &- UInt8(ascii: "0")) % charsets.count]
        var page = FetchedPage(
            url: "https://www.example.com/news/2025/11/23/story",
            finalURL: "https://www.example.com/news/2025/11/23/story",
            sourceID: "example",
            sourceName: "مثال نيوز",
            status: 200,
            contentType: charset.header,
            fetchedAt: fetchedAt,
            body: Data(bytes.dropFirst())
        )
        if let hint = charset.hint { page.sourceHints = SourceHints(timezone: "Africa/Cairo", charset: hint) }
        _ = try? ArticleExtractor().extract(page)
    }
}

#if FUZZING
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
        FuzzExtractor.run(UnsafeRawBufferPointer(start: start, count: count))
        return 0
    }

    @_cdecl("FuzzExtractor_main")
    public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
        FuzzDriver.main(argc, argv, fuzzOneInput, warmUp: FuzzExtractor.warmUp)
    }
#else
    @main
    struct Replay {
        static func main() throws { try FuzzDriver.replay(FuzzExtractor.run) }
    }
#endif
