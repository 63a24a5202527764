import ArabicText
import Foundation
import NashraHTML
import NashraMessages

/// Why a page gave no article. Always permanent: the same bytes will not parse better later.
public struct ExtractionError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Turns a fetched page into an `Article` in one walk of the document: metadata from JSON-LD, `<meta>`,
/// `<title>`, `<h1>` and `<time>`; the body from the content scorer (`MainTextScorer`), else the paragraphs of
/// `<article>` or of the page outside navigation; images with their captions.
///
/// Dates: the structured ones first (JSON-LD, meta, `<time datetime>`), then Arabic text dates
/// (`ArabicTextDate`) in the page's date lines: elements whose class or id says date/time/publish/byline, the text
/// of `<time>`, and short texts that say «نشر» or «بتاريخ» — outside navigation, headers and footers, where other
/// articles' times sit. No date found means none.
public struct ArticleExtractor: Sendable {
    /// Paragraphs shorter than this (in characters) outside an `<article>` are treated as boilerplate.
    public var minimumParagraphLength = 25
    /// Whether «منذ ساعتين»-style dates count back from the page's fetch time (off for files whose fetch time is
    /// unknown).
    public var relativeDates = true

    public init() {}

    /// - Throws: `ExtractionError` when the page cannot be parsed or holds no title and no text.
    public func extract(_ page: FetchedPage) throws(ExtractionError) -> Article {
        var collector = Collector()
        collector.rules = page.sourceHints?.rules.map(Collector.Rules.init)
        do {
            try HTMLDocument.walk(
                page.body,
                encoding: PageCharset.resolve(
                    page.body,
                    header: Self.charset(of: page.contentType),
                    hint: page.sourceHints?.charset
                )
            ) {
                collector.handle($0)
            }
        } catch {
            throw ExtractionError("\(page.url): \(error)")
        }
        guard !collector.scorer.tooDeep else {
            throw ExtractionError(
                "\(page.url): elements nested deeper than \(MainTextScorer.maximumDepth) levels: not a page we read"
            )
        }
        let base = URL(string: page.finalURL)
        let structured = StructuredData(jsonLD: collector.jsonLD)
        // Names the site goes by, which a headline should not repeat.
        let siteNames = [
            page.sourceName, collector.meta["og:site_name"], structured.publisher, collector.meta["application-name"],
            Headline.hostName(page.finalURL),
        ].compactMap { $0 }
        let title: String
        if let chosen = collector.ruleTitle ?? structured.headline ?? collector.meta["og:title"] ?? collector.h1 {
            title = Headline.withoutSiteName(Self.clean(chosen), siteNames: siteNames, h1: collector.h1)
        } else if let documentTitle = collector.title.map(Self.clean) {
            // `<title>` nearly always ends with the site's name: without a known name, the last segment goes.
            let stripped = Headline.withoutSiteName(documentTitle, siteNames: siteNames, h1: nil)
            title = stripped == documentTitle ? Self.withoutSiteSuffix(documentTitle) : stripped
        } else {
            title = Self.clean(page.hints?.title ?? "")
        }
        // A source's body rule first; the generic extractor when the rule finds nothing (the site changed).
        var paragraphs = collector.ruleParagraphs
        if paragraphs.isEmpty { paragraphs = collector.scorer.paragraphs(title: title) }
        if paragraphs.isEmpty {  // no container stood out: the paragraphs of <article>, else of the page
            let inArticle = collector.articleParagraphs
            paragraphs =
                inArticle.isEmpty
                ? collector.pageParagraphs.filter { $0.count >= minimumParagraphLength } : inArticle
        }
        guard !title.isEmpty || !paragraphs.isEmpty else {
            throw ExtractionError("\(page.url): no title and no text found (\(page.body.count) bytes)")
        }
        guard !paragraphs.isEmpty else { throw ExtractionError("\(page.url): no article text found") }

        let metaDateKeys = [
            "article:published_time", "datepublished", "og:published_time", "pubdate", "publishdate", "date",
            "dc.date", "dc.date.issued", "sailthru.date", "parsely-pub-date",
        ]
        let metaDate = metaDateKeys.lazy.compactMap { collector.meta[$0] }.first
        let modified: String? = structured.dateModified ?? collector.meta["article:modified_time"]
        // The stated dates in order of trust; the first that reads as a date (a `<time datetime="11.11.2021 18:00">`
        // that does not must not hide the JSON-LD `dateModified` behind it).
        let statedDates = [
            structured.datePublished, metaDate, collector.timeDatetime, collector.abbrPublished, modified,
        ]
        // A date without an offset is read in the publisher's time zone (from the sources file).
        let zone = page.sourceHints?.timezone.flatMap(TimeZone.init(identifier:)) ?? TimeZone(identifier: "UTC")!
        let ruleDate = collector.ruleDateLine.flatMap { line in
            NewsDateParser.parse(line, timeZone: zone)
                ?? ArabicTextDate.find(in: line, now: page.fetchedAt, timeZone: zone, relative: relativeDates)
        }
        // An aggregator's page names the outlet it took the story from, and that outlet's day.
        let lines =
            collector.dateLines + paragraphs.prefix(40) + collector.articleParagraphs.prefix(40)
            + collector.pageParagraphs.prefix(40)
        let credit = lines.lazy.compactMap { line in
            line.utf8.count < 400 ? Publisher.credit(in: line, timeZone: zone) : nil
        }.first
        if credit != nil {
            paragraphs.removeAll { $0.utf8.count < 400 && Publisher.credit(in: $0, timeZone: zone) != nil }
        }
        // Each source of a date is read only when the ones before it gave none.
        let stated = statedDates.lazy.compactMap { text in
            text.flatMap { text in NewsDateParser.parse(text, timeZone: zone).map { (text: text, date: $0) } }
        }.first
        var published: Date? = ruleDate ?? stated?.date
        published =
            published
            ?? collector.dateLines.lazy.compactMap { line in
                ArabicTextDate.find(in: line, now: page.fetchedAt, timeZone: zone, relative: relativeDates)
                    ?? LatinTextDate.find(in: line, timeZone: zone, now: page.fetchedAt)
            }.first
        published = published ?? page.hints?.published ?? NewsDateParser.fromURL(page.finalURL, timeZone: zone)
        if published == nil {
            // A date printed alone by the headline: a short line that is little but the date.
            published =
                (collector.afterHeadline + collector.beforeHeadline.reversed()).lazy.compactMap {
                    Self.dateAlone(in: $0, timeZone: zone, now: page.fetchedAt, relative: relativeDates)
                }.first
        }
        // The last change (Open Graph's) stands for the publication only when nothing else dates the page.
        published = published ?? collector.meta["og:updated_time"].flatMap { NewsDateParser.parse($0, timeZone: zone) }
        if let day = credit?.day {
            // The credited outlet's day is the story's; the aggregator's own time only when it is that day.
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            if published.map({ !calendar.isDate($0, inSameDayAs: day) }) ?? true { published = day }
        }

        var images: [ArticleImage] = []
        var positions: [String: Int] = [:]
        // The store keeps 50 images an article; URL resolution is the costly part, so no more are resolved.
        for candidate
            in ([collector.meta["og:image"].map { ArticleImage(url: $0) }].compactMap({ $0 })
            + collector.images).prefix(60)
        {
            guard let absolute = Self.resolve(candidate.url, against: base) else { continue }
            let caption = candidate.caption.map(Self.clean)
            if let position = positions[absolute] {
                if images[position].caption == nil { images[position].caption = caption }
                continue
            }
            positions[absolute] = images.count
            images.append(ArticleImage(url: absolute, caption: caption))
        }

        if images.isEmpty, let hinted = page.hints?.image.flatMap({ Self.resolve($0, against: base) }) {
            images.append(ArticleImage(url: hinted))  // the feed's image when the page shows none
        }
        let text = title + " " + paragraphs.joined(separator: " ")
        let language = Self.isMostlyArabic(text) ? "ar" : (collector.language?.prefix(2)).map(String.init)
        var article = Article(
            url: page.url,
            sourceID: page.sourceID,
            sourceName: page.sourceName ?? collector.meta["og:site_name"] ?? structured.publisher
                ?? collector.meta["application-name"] ?? collector.logoAlt.flatMap(Publisher.fromLogo)
                ?? collector.copyrightLines.lazy.compactMap(Publisher.fromCopyright).first,
            title: title,
            published: published,
            authors: structured.authors.isEmpty
                ? (collector.meta["author"] ?? collector.meta["article:author"]).map { [Self.clean($0)] } ?? []
                : structured.authors,
            section: collector.meta["article:section"] ?? structured.section ?? structured.breadcrumbSection
                ?? page.hints?.section,
            language: language,
            description: collector.meta["description"] ?? collector.meta["og:description"],
            paragraphs: paragraphs,
            images: images,
            fetchedAt: page.fetchedAt
        )
        article.discoveredAt = page.discoveredAt
        article.timeZone =
            page.sourceHints?.timezone.flatMap { TimeZone(identifier: $0)?.identifier }
            ?? stated.flatMap { Self.statedZone($0.text) }
        article.credit = credit?.outlet
        return article
    }

    /// The date of a line that is little but a date (40 characters at most, a label or a place with it), in Arabic
    /// or Latin script; nil for longer lines, where a date is more often an event's than the article's.
    static func dateAlone(in line: String, timeZone: TimeZone, now: Date, relative: Bool) -> Date? {
        let text = clean(line)
        guard text.count >= 6, text.count <= 40, text.contains(where: \.isNumber) else { return nil }
        return ArabicTextDate.find(in: text, now: now, timeZone: timeZone, relative: relative)
            ?? LatinTextDate.find(in: text, timeZone: timeZone, now: now)
    }

    /// The zone of the offset a date ends with (`…T03:01:00+04:00` → `GMT+0400`); nil for none or UTC (`Z`,
    /// `+00:00`, which servers write for any zone).
    static func statedZone(_ date: String) -> String? {
        // `±hh:mm` or `±hhmm` at the very end.
        var tail = Array(date.utf8.suffix(6))
        if tail.count == 6, tail[3] == UInt8(ascii: ":") { tail.remove(at: 3) } else { tail = Array(tail.suffix(5)) }
        guard tail.count == 5, tail[0] == UInt8(ascii: "+") || tail[0] == UInt8(ascii: "-"),
            tail[1...].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return nil }
        let digits = tail[1...].map { Int($0 - UInt8(ascii: "0")) }
        let hours = digits[0] * 10 + digits[1]
        let minutes = digits[2] * 10 + digits[3]
        guard hours <= 14, minutes < 60 else { return nil }
        let seconds = (tail[0] == UInt8(ascii: "-") ? -1 : 1) * (hours * 3600 + minutes * 60)
        guard seconds != 0 else { return nil }
        return TimeZone(secondsFromGMT: seconds)?.identifier
    }

    /// The `charset` parameter of a Content-Type header.
    public static func charset(of contentType: String?) -> String? {
        guard let contentType else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "charset" {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: " \"'"))
            }
        }
        return nil
    }

    /// Whether a scalar is white space (ASCII on a fast path).
    @inline(__always)
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 { return value == 0x20 || (value >= 0x09 && value <= 0x0D) }
        return scalar.properties.isWhitespace
    }

    /// Whitespace runs (including no-break spaces and newlines) become one space; ends trimmed.
    /// Soft hyphens, zero-width spaces and word joiners: line-breaking hints with no place in stored text,
    /// where they would split words for search ("Mag\u{AD}da\u{AD}le\u{AD}ner"). The zero-width non-joiner
    /// (U+200C) stays: Persian and Urdu spell with it.
    @inline(__always)
    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0xAD, 0x200B, 0x2060, 0xFEFF: return true
        default: return false
        }
    }

    /// `text` in Unicode NFC, as search and comparison expect: pages mix composed and decomposed forms (Bengali
    /// «ড়» as U+09DC or as U+09A1 U+09BC, an Arabic hamza as a combining mark). Only text with a combining mark
    /// or a character NFC replaces is converted; the rest is returned as is.
    static func composed(_ text: String) -> String {
        let needed = text.unicodeScalars.contains { scalar in
            switch scalar.value {
            case 0..<0x300: return false
            // Arabic: only madda and hamza above and below compose (with alef, waw, yeh). The harakat never do;
            // NFC would only put a stack of them in canonical order, which neither display nor search (which
            // drops them) sees, so the common Arabic paragraph skips the conversion.
            case 0x0600...0x06FF: return (0x0653...0x0655).contains(scalar.value)
            default:
                return scalar.properties.canonicalCombiningClass != .notReordered
                    || scalar.properties.isFullCompositionExclusion
            }
        }
        return needed ? text.precomposedStringWithCanonicalMapping : text
    }

    static func clean(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if isSpace(scalar) {
                pendingSpace = !output.isEmpty
            } else if isInvisible(scalar) {
                continue
            } else {
                if pendingSpace { output.append(0x20) }
                pendingSpace = false
                UTF8Bytes.append(scalar, to: &output)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// "عنوان الخبر - اليوم السابع" → "عنوان الخبر".
    static func withoutSiteSuffix(_ title: String) -> String {
        for separator in [" | ", " - ", " – ", " — "] {
            if let range = title.range(of: separator, options: .backwards) {
                let head = title[..<range.lowerBound]
                if head.count >= 10 { return String(head) }
            }
        }
        return title
    }

    static func resolve(_ reference: String, against base: URL?) -> String? {
        let trimmed =
            reference.utf8.first.map { $0 > 0x20 } == true && reference.utf8.last.map { $0 > 0x20 } == true
            ? reference : reference.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, !trimmed.hasPrefix("data:"), let url = URL(string: trimmed, relativeTo: base),
            let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https"
        else { return nil }
        return url.absoluteString
    }

    /// Whether most letters of the text's first 4,000 scalars are Arabic.
    static func isMostlyArabic(_ text: String) -> Bool {
        var arabic = 0
        var letters = 0
        for scalar in text.unicodeScalars.prefix(4000) {
            let value = scalar.value
            if value < 0x80 {
                if (value | 0x20) &- 0x61 < 26 { letters += 1 }
            } else if ArabicNormalizer.isArabicLetter(scalar) {
                letters += 1
                arabic += 1
            } else if scalar.properties.isAlphabetic {
                letters += 1
            }
        }
        return letters > 0 && arabic * 2 > letters
    }
}

/// Gathers what the extractor needs during one walk of the document.
private struct Collector {
    var meta: [String: String] = [:]
    var title: String?
    var h1: String?
    var timeDatetime: String?
    /// The `title` of an `<abbr class="published">` (hAtom).
    var abbrPublished: String?
    var language: String?
    var articleParagraphs: [String] = []
    var pageParagraphs: [String] = []
    var images: [ArticleImage] = []
    var scorer = MainTextScorer()
    var jsonLD: [String] = []
    /// Texts that may state the publication date, in page order (see `ArticleExtractor`).
    var dateLines: [String] = []
    /// Short texts just before the page's first `<h1>` (the last six) and just after it (the first twelve), outside
    /// navigation, headers and footers: where a news page prints its date, often alone («10.11.2021», «Datum:
    /// 03.11.2021», «Bonn, 11.10.2021», «Pressemitteilung vom 25. Januar 2022»).
    var beforeHeadline: [String] = []
    var afterHeadline: [String] = []
    /// The `alt` of the first image that is a logo, and short texts with a copyright notice (footers included).
    var logoAlt: String?
    var copyrightLines: [String] = []

    /// A source's extraction rules, compiled.
    struct Rules {
        var body, title, date: Selector?
        var remove: [Selector]
        init(_ rules: ExtractionRules) {
            body = rules.body.map(Selector.init)
            title = rules.title.map(Selector.init)
            date = rules.date.map(Selector.init)
            remove = (rules.remove ?? []).map(Selector.init)
        }
    }
    var rules: Rules?
    var ruleParagraphs: [String] = []
    var ruleTitle: String?
    var ruleDateLine: String?
    private var ruleBodyDepth: Int?
    private var ruleRemoveDepth: Int?
    private var ruleTitleDepth: Int?
    private var ruleDateDepth: Int?
    private var ruleBuffer = ""

    private var dateDepth: Int?
    private var dateBuffer = ""
    /// A date phrase or label that held no date: the next text is read with it.
    private var dateLabel: String?

    private var stack: [String] = []
    private var inJSONLD = false
    private var articleDepth = 0
    private var boilerplateDepth = 0
    /// The `<header>` elements open, each marked when it is an article's (opened inside `<article>`): that one holds
    /// the headline, the byline and the date (`<article><header><h1>…</h1><p class="meta">03.02.2022</p>`), not
    /// the site's menu. It is not boilerplate for the date lines and the texts by the headline; its images and
    /// paragraphs stay out as before. (A `<header>` outside an article, where a forum keeps "the time now" beside
    /// its name in an `<h1>`, stays boilerplate.)
    private var openHeaders: [Bool] = []
    private var articleHeaders = 0
    private var outsideBoilerplateForDates: Bool { boilerplateDepth - articleHeaders == 0 }
    private var buffer = ""
    private var capturing: String?

    mutating func applyRules(_ rules: Rules, _ name: String, _ attributes: [String: String]) {
        if ruleBodyDepth == nil, rules.body?.matches(name, attributes) == true {
            ruleBodyDepth = stack.count
        } else if (ruleBodyDepth ?? 0) > 0, ruleRemoveDepth == nil,
            rules.remove.contains(where: { $0.matches(name, attributes) })
        {
            ruleRemoveDepth = stack.count
        }
        if ruleTitle == nil, ruleTitleDepth == nil, ruleDateDepth == nil, rules.title?.matches(name, attributes) == true
        {
            ruleTitleDepth = stack.count
            ruleBuffer = ""
        } else if ruleDateLine == nil, ruleDateDepth == nil, ruleTitleDepth == nil,
            rules.date?.matches(name, attributes) == true
        {
            ruleDateDepth = stack.count
            ruleBuffer = ""
        }
    }

    /// Called before an element's end pops it: closes the rule captures it opened.
    mutating func endRules() {
        let depth = stack.count
        if ruleRemoveDepth == depth { ruleRemoveDepth = nil }
        if ruleBodyDepth == depth { ruleBodyDepth = 0 }  // closed: only the first match is the body
        if ruleTitleDepth == depth {
            let text = ArticleExtractor.clean(ruleBuffer)
            if !text.isEmpty { ruleTitle = text }
            ruleTitleDepth = nil
        }
        if ruleDateDepth == depth {
            let text = ArticleExtractor.clean(ruleBuffer)
            if !text.isEmpty { ruleDateLine = text }
            ruleDateDepth = nil
        }
    }

    /// The elements whose text is kept whole: title, headings and paragraphs.
    static func isCaptured(_ tag: String) -> Bool {
        switch tag {
        case "title", "h1", "p", "h2", "h3", "blockquote": return true
        default: return false
        }
    }

    static func isBoilerplate(_ tag: String) -> Bool {
        switch tag {
        case "nav", "header", "footer", "aside", "form", "button", "select": return true
        default: return false
        }
    }
    static let copyrightMarks = PhraseSet(["©", "حقوق", "Copyright", "copyright"])
    /// Words that open a date line in a text node: Arabic, and the international outlets' languages.
    static let datePhrases = PhraseSet([
        "نشر", "نُشر", "بتاريخ", "آخر تحديث", "اخر تحديث", "Veröffentlicht", "veröffentlicht", "Stand:",
        "Published", "published on", "Posted on", "posted on", "Publié le", "publié le", "Aktualisiert", "Updated",
    ])

    mutating func handle(_ event: HTMLEvent) {
        switch event {
        case .start(let name, let attributes):
            scorer.start(name, attributes)
            // Microdata on any element: «<span itemprop="datePublished" content="2020-03-18T13:15:00+01:00">».
            if name != "meta", meta["datepublished"] == nil, let property = attributes["itemprop"],
                property.lowercased() == "datepublished", let value = attributes["content"] ?? attributes["datetime"]
            {
                meta["datepublished"] = value
            }
            if name == "script" {
                inJSONLD = true
                jsonLD.append("")
            }
            stack.append(name)
            if let rules { applyRules(rules, name, attributes) }
            if name == "header" {
                openHeaders.append(articleDepth > 0)
                if articleDepth > 0 { articleHeaders += 1 }
            }
            if dateDepth == nil, outsideBoilerplateForDates, dateLines.count < 8,
                name == "time" || scorer.startNamesDate
            {
                dateDepth = stack.count
                dateBuffer = ""
            }
            if name == "article" { articleDepth += 1 }
            if Self.isBoilerplate(name) { boilerplateDepth += 1 }
            switch name {
            case "html": language = attributes["lang"]
            case "meta":
                let key = (attributes["property"] ?? attributes["name"] ?? attributes["itemprop"])?.lowercased()
                if let key, let content = attributes["content"], meta[key] == nil {
                    meta[key] = HTMLEntities.decodeOnce(content)
                }
            case "time": if timeDatetime == nil { timeDatetime = attributes["datetime"] }
            case "abbr":
                // hAtom's «<abbr class="published" title="2017-07-23T17:06:45+0000">», WordPress themes' date line.
                if abbrPublished == nil, let title = attributes["title"],
                    attributes["class"]?.split(separator: " ").contains("published") == true
                {
                    abbrPublished = title
                }
            case "img":
                if logoAlt == nil, let alt = attributes["alt"], !alt.isEmpty,
                    [attributes["class"], attributes["id"], attributes["src"]].contains(where: {
                        $0?.lowercased().contains("logo") == true
                    })
                {
                    logoAlt = HTMLEntities.decodeOnce(alt)
                }
                if boilerplateDepth == 0, let src = attributes["src"] ?? attributes["data-src"] {
                    images.append(
                        ArticleImage(
                            url: src,
                            caption: attributes["alt"].flatMap { $0.isEmpty ? nil : HTMLEntities.decodeOnce($0) }
                        )
                    )
                }
            default: break
            }
            if capturing == nil, Self.isCaptured(name) {
                capturing = name
                buffer = ""
            }
        case .text(let text):
            if inJSONLD {
                if jsonLD[jsonLD.count - 1].utf8.count < 1 << 20 { jsonLD[jsonLD.count - 1] += text }
                return
            }
            scorer.text(text)
            if capturing != nil { buffer += text }
            if copyrightLines.count < 3, text.utf8.count < 300,
                Self.copyrightMarks.occurs(in: text)
            {
                copyrightLines.append(text)
            }
            if outsideBoilerplateForDates, text.utf8.count <= 120, afterHeadline.count < 12 {
                if h1 == nil {
                    beforeHeadline.append(text)
                    if beforeHeadline.count > 6 { beforeHeadline.removeFirst() }
                } else {
                    afterHeadline.append(text)
                }
            }
            if (ruleTitleDepth != nil || ruleDateDepth != nil) && ruleBuffer.utf8.count < 1000 { ruleBuffer += text }
            if dateDepth != nil {
                if dateBuffer.utf8.count < 300 { dateBuffer += text }
            } else if let label = dateLabel, text.contains(where: { !$0.isWhitespace }) {
                // A label in one element and its date in the next: «<b>Aktualisiert am </b>17.01.2021»,
                // «<span>تاريخ النشر:</span> <span>٢٣ نوفمبر ٢٠٢٥</span>».
                dateLabel = nil
                if text.utf8.count < 300 { dateLines.append(label + " " + text) }
            } else if outsideBoilerplateForDates, dateLines.count < 8, text.utf8.count < 300,
                Self.datePhrases.occurs(in: text) || ArticleExtractor.isDateLabel(text)
            {
                if text.contains(where: \.isNumber) { dateLines.append(text) } else { dateLabel = text }
            }
        case .end(let name):
            scorer.end(name)
            if rules != nil { endRules() }
            if let depth = dateDepth, stack.count <= depth {
                if !dateBuffer.isEmpty { dateLines.append(dateBuffer) }
                dateDepth = nil
            }
            if name == "script" { inJSONLD = false }
            if name == capturing {
                let text = ArticleExtractor.clean(buffer)
                capturing = nil
                if !text.isEmpty {
                    switch name {
                    case "title": if title == nil { title = text }
                    case "h1": if h1 == nil { h1 = text }
                    default:
                        if (ruleBodyDepth ?? 0) > 0 && ruleRemoveDepth == nil { ruleParagraphs.append(text) }
                        if articleDepth > 0 && boilerplateDepth == 0 {
                            articleParagraphs.append(text)
                        } else if boilerplateDepth == 0 {
                            pageParagraphs.append(text)
                        }
                    }
                }
            }
            if name == "article" { articleDepth = max(0, articleDepth - 1) }
            if Self.isBoilerplate(name) { boilerplateDepth = max(0, boilerplateDepth - 1) }
            if name == "header", let inArticle = openHeaders.popLast(), inArticle {
                articleHeaders = max(0, articleHeaders - 1)
            }
            if !stack.isEmpty { stack.removeLast() }
        }
    }
}

extension ArticleExtractor {
    /// Labels that are all their element holds, the date following in the next one («Datum», «التاريخ:»).
    static let dateLabels: Set<String> = [
        "Datum", "Datum:", "Date", "Date:", "التاريخ", "التاريخ:", "تاريخ النشر", "تاريخ النشر:", "تاريخ", "تاريخ:",
    ]

    /// Whether a text node is a date label alone, spaces around it aside. Asked of nearly every short text node (most
    /// of them the white space between tags), so it trims by hand: Foundation's trimming cost a tenth of a page's
    /// extraction.
    static func isDateLabel(_ text: String) -> Bool {
        guard text.utf8.count <= 40 else { return false }
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return false }
        return dateLabels.contains(String(scalars[first...last]))
    }
}
