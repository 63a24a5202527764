import ArgumentParser
import CorpusFiles
import Foundation
import NashraMessages
import Parser

/// `nashra extract [--url URL | --url-list FILE] FILE...`: the parser's extraction on saved pages, one JSON object a line (the
/// contract benchmarks use): path, title, published (ISO 8601 or null), authors, text (paragraphs joined by
/// newlines), language, image, source (the outlet credited, else the site) and site (when the page credits another
/// outlet); or path and error. `published` keeps the offset the page gave. Many files in one process.
struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Extract articles from saved pages (.html or .html.gz) as JSON lines."
    )

    @Option(help: "The page's address (resolves relative links; default: file://PATH).") var url: String?
    @Option(help: "A file of tab-separated lines: a page's path and its address (for many pages at once).")
    var urlList: String?
    @Option(help: "Largest page read, in bytes (decompressed).") var maxBytes = 64 << 20
    @Argument(help: "Pages, raw bytes as served (.html), or gzip-compressed (.gz).") var files: [String]

    struct Output: Encodable {
        var path: String
        var url: String?
        var title: String?
        var published: String?
        var authors: [String]?
        var text: String?
        var language: String?
        var image: String?
        var source: String?
        var site: String?
        var error: String?

        enum CodingKeys: String, CodingKey {
            case path, url, title, published, authors, text, language, image, source, site, error
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(path, forKey: .path)
            if let error {
                try container.encode(error, forKey: .error)
                return
            }
            try container.encode(url, forKey: .url)
            try container.encode(title, forKey: .title)
            try container.encode(published, forKey: .published)  // null when the page gives no date
            try container.encode(authors ?? [], forKey: .authors)
            try container.encode(text, forKey: .text)
            try container.encode(language, forKey: .language)
            try container.encode(image, forKey: .image)
            try container.encode(source, forKey: .source)
            try container.encodeIfPresent(site, forKey: .site)
        }
    }

    /// ISO 8601 with the offset of the article's own zone (`2020-06-03T03:01:00+04:00`), UTC when it has none;
    /// one formatter per zone (making one costs more than extracting a small page).
    static func iso(_ date: Date, zone: String?, formatters: inout [String: ISO8601DateFormatter]) -> String {
        let key = zone ?? "UTC"
        if let formatter = formatters[key] { return formatter.string(from: date) }
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: key) ?? TimeZone(identifier: "UTC")!
        formatters[key] = formatter
        return formatter.string(from: date)
    }

    func run() throws {
        var addresses: [String: String] = [:]
        if let urlList {
            for line in try String(contentsOfFile: urlList, encoding: .utf8).split(separator: "\n") {
                let fields = line.split(separator: "\t", maxSplits: 1)
                if fields.count == 2 { addresses[String(fields[0])] = String(fields[1]) }
            }
        }
        var extractor = ArticleExtractor()
        extractor.relativeDates = false  // a file's fetch time is unknown: «منذ ساعتين» cannot be placed
        let affixes = TitleAffixes()  // learned per site, from the files given before
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        var failures = 0
        var formatters: [String: ISO8601DateFormatter] = [:]
        for path in files {
            var output: Output
            do {
                let body = try Self.read(path, limit: maxBytes)
                let address = addresses[path] ?? url ?? URL(fileURLWithPath: path).absoluteString
                let page = FetchedPage(
                    url: address,
                    finalURL: address,
                    sourceID: "file",
                    status: 200,
                    contentType: nil,
                    body: body
                )
                var article = try extractor.extract(page)
                article.title = affixes.strip(article.title, outlet: URL(string: address)?.host ?? "")
                output = Output(
                    path: path,
                    url: address,
                    title: article.title,
                    published: article.published.map { Self.iso($0, zone: article.timeZone, formatters: &formatters) },
                    authors: article.authors,
                    text: article.paragraphs.joined(separator: "\n"),
                    language: article.language,
                    image: article.images.first?.url,
                    source: article.credit ?? article.sourceName,
                    site: article.credit == nil ? nil : article.sourceName
                )
            } catch {
                failures += 1
                output = Output(path: path, error: "\(error)")
            }
            FileHandle.standardOutput.write(try encoder.encode(output) + Data("\n".utf8))
        }
        if failures > 0 {
            FileHandle.standardError.write(Data("\(failures) of \(files.count) page(s) gave no article\n".utf8))
        }
    }

    /// The bytes of a page file, decompressed when it is gzip, refused beyond `limit`.
    static func read(_ path: String, limit: Int) throws -> Data {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        let magic = try handle.read(upToCount: 2) ?? Data()
        if magic == Data([0x1f, 0x8b]) { return try GzipFile.read(path, limit: limit) }
        try handle.seek(toOffset: 0)
        guard let data = try handle.read(upToCount: limit + 1) else { return Data() }
        guard data.count <= limit else { throw ValidationError("\(path) is larger than \(limit) bytes") }
        return data
    }
}
