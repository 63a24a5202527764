import Fetcher
import Foundation
import FuzzSupport

/// Fuzz target: what the fetcher reads from a publisher besides its articles, on arbitrary bytes: the feed parser
/// (RSS 2.0 and 1.0, Atom, JSON Feed, sitemaps and sitemap indexes, Google News sitemaps), feed discovery in an
/// HTML page, and an HTTP `Link` header's WebSub links. A document or a `FeedError`, never a crash. Built by
/// `deploy/fuzz.sh feeds`; built as usual it replays the files it is given.
enum FuzzFeeds {
    static let feedURL = "https://www.example.com/rss/section.xml"

    /// libxml2's and Foundation's one-time set-up, outside any input.
    static func warmUp() {
        Array("<rss><channel><item><link>/a</link><pubDate>Sun, 23 Nov 2025</pubDate></item></channel></rss>".utf8)
            .withUnsafeBytes { run($0) }
    }

    static func run(_ bytes: UnsafeRawBufferPointer) {
        let data = Data(bytes)
        _ = try? FeedParser.parse(data, feedURL: feedURL)
        _ = FeedDiscovery.feeds(inPage: data, pageURL: feedURL)
        _ = WebSubLinks(header: String(decoding: bytes, as: UTF8.self), base: feedURL)
    }
}

#if FUZZING
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
        FuzzFeeds.run(UnsafeRawBufferPointer(start: start, count: count))
        return 0
    }

    @_cdecl("FuzzFeeds_main")
    public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
        FuzzDriver.main(argc, argv, fuzzOneInput, warmUp: FuzzFeeds.warmUp)
    }
#else
    @main
    struct Replay {
        static func main() throws { try FuzzDriver.replay(FuzzFeeds.run) }
    }
#endif
