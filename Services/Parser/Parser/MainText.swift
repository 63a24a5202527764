import Foundation
import NashraHashing

/// The generic main-text extractor: which text blocks of a page are the article.
///
/// How (after Readability's content scoring, which trafilatura also falls back on, adapted to a single
/// streaming walk of the document):
/// - While the page is walked, every element becomes a node (its parent, a weight from its tag, class and id);
///   text goes to the innermost block element (`p`, headings, `li`, `blockquote`, `pre`, `td`, or a `div`
///   with text of its own; `<br><br>` starts a new block) and text inside links is counted as link text.
/// - A block of at least 25 characters that is not mostly links scores 1, plus one per comma, plus one per 100
///   characters (at most 3); the score goes to its container in full, half to the container's parent, a third
///   further up. Containers are weighed by their class and id: "article", "content", "story", "خبر" up;
///   "comment", "related", "share", "sidebar", "ticker", "اقرأ أيضا" down; `<article>`, `<main>` and
///   `itemprop="articleBody"` up. A class word counts in full only over 500 characters of prose (a
///   "headline-text" teaser is not an article).
/// - The best container wins, with its siblings that score at least a fifth of it; nothing inside readers'
///   comments is a candidate (unless the page has nothing else: a forum thread). Its blocks are kept in
///   order, except those under a penalised element (share bars, related lists, tickers inside the article),
///   those that are mostly links, and navigation-sized scraps. Penalties by class word are lifted when they
///   would remove most of the article (they are names then: "article-widgets", "Section--Ads"); those of
///   comments, hidden elements and figures never are.
/// - Also kept: the lead between the headline and the body's container. Left out: captions, credit, date and
///   category lines, related-links notices, and a heading with nothing kept under it.
struct MainTextScorer {
    struct Node {
        var parent: Int
        var tag: String
        var weight: Double
        var score = 0.0
        var textLength = 0
        var linkLength = 0
        /// Characters of prose-like blocks (long enough, few links) under this node.
        var proseLength = 0
        var penalised: Bool
        /// Penalised whatever its share of the article: readers' comments, hidden elements, figures.
        var strongly = false
        /// Named as readers' comments.
        var reader = false
        /// A block or container element: text directly inside it is its own.
        var ownsText = false
        /// A hash of the class attribute (0 for none): containers of one class play one part.
        var classKey: UInt64 = 0
    }

    struct Block {
        var node: Int
        var tag: String
        var text = ""
        var linkLength = 0
    }

    private(set) var nodes: [Node] = [Node(parent: -1, tag: "#root", weight: 0, penalised: false)]
    private(set) var blocks: [Block] = []
    private var stack: [Int] = [0]
    /// The open block of each open node that owns one.
    /// The open text block of each node (an index into `blocks`), kept beside the nodes: a dictionary here was
    /// hashed for every text node.
    private var openBlocks: [Int?] = [nil]
    private var linkDepth = 0
    /// Whether the element just started has a class or id that names a date line.
    private(set) var startNamesDate = false
    private var skipDepth = 0
    /// Elements nested deeper than `maximumDepth` get no node of their own, so that a hostile page of 100,000
    /// nested elements costs no more memory than a real one; such a page is refused (`tooDeep`), since its
    /// structure, which the scores read, is gone. Real pages nest a few dozen levels.
    private var flattened = 0
    private(set) var tooDeep = false
    static let maximumDepth = 512

    enum TagKind { case block, container, skipped, other }

    /// Tag names are short (stored inline in the string), so a switch compares them faster than a set hashes
    /// them, and this runs for every element twice.
    static func kind(of tag: String) -> TagKind {
        switch tag {
        case "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "dd", "dt", "figcaption":
            return .block
        case "div", "section", "article", "main", "body", "center", "form": return .container
        case "nav", "footer", "aside", "button", "select", "option", "label", "script", "style", "noscript",
            "template", "svg", "iframe", "head", "title", "menu", "dialog", "rt", "rp":
            return .skipped
        default: return .other
        }
    }
    static let positive = [
        "article", "body", "content", "entry", "main", "post", "text", "story", "news-details", "details",
        "blog", "hentry", "prose", "خبر", "مقال", "تفاصيل",
    ]
    static let negative = [
        "meta", "footer", "footnote", "related", "share", "social", "sidebar", "sponsor", "advert",
        "promo", "nav", "menu", "breadcrumb", "tags", "widget", "newsletter", "subscribe", "popular",
        "most-read", "mostread", "ticker", "marquee", "banner", "cookie", "consent", "login", "signup", "author-box",
        "readmore", "recommend", "outbrain", "taboola", "trending", "caption", "credit", "more", "report", "notice",
        "alert", "disclaimer",
        "print", "rating", "toolbar", "masthead", "header", "copyright", "اقرأ", "اقرا", "شارك", "تابع", "الأكثر",
    ]

    struct Hints {
        var positive = false
        var negative = false
        var body = false
        /// Readers' comments ("comment-body", "wc-comment-text"): negative whatever else the attribute says.
        var reader = false
        /// The element is a date line ("post-date", "publishTime", "byline"): for the extractor's text dates.
        var date = false
    }

    /// What a class/id attribute says of its element: its words (split at anything that is not a letter or
    /// digit) are matched by prefix, so "comments" and "share-bar" count but "thread" does not. Compared as
    /// UTF-8 bytes, ASCII case folded on the fly, with no copy of the attribute; the word lists are indexed by
    /// first byte.
    static func hints(_ attribute: String, into hints: inout Hints) {
        func wordClass(_ byte: UInt8) -> Int {
            if byte >= 0x80 { return 2 }
            let lower = byte | 0x20
            return (lower >= 0x61 && lower <= 0x7A) || (byte >= 0x30 && byte <= 0x39) ? 1 : 0
        }
        var attribute = attribute
        attribute.withUTF8 { bytes in
            func lower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
            var start = 0
            while start < bytes.count {
                let kind = wordClass(bytes[start])
                guard kind != 0 else {
                    start += 1
                    continue
                }
                var end = start
                while end < bytes.count, wordClass(bytes[end]) == kind { end += 1 }
                let word = UnsafeBufferPointer(rebasing: bytes[start..<end])
                start = end
                func has(_ prefix: [UInt8]) -> Bool {
                    guard prefix.count <= word.count else { return false }
                    for index in 1..<prefix.count where lower(word[index]) != prefix[index] { return false }
                    return true
                }
                // Date lines: a date word anywhere in the word ("postDate", "newsdate", "publishTime").
                if !hints.date, kind == 1, word.count >= 4 {
                    hints.date = dateWords.contains { dateWord in
                        word.count >= dateWord.count
                            && (0...(word.count - dateWord.count)).contains { offset in
                                (0..<dateWord.count).allSatisfy { lower(word[offset + $0]) == dateWord[$0] }
                            }
                    }
                }
                for entry in wordIndex[Int(lower(word[0]))] where has(entry.word) {
                    switch entry.meaning {
                    case .negative: hints.negative = true
                    case .reader:
                        // "commentary" and "commentaire" name an opinion piece, not readers' comments.
                        if !has(Array("commentar".utf8)) {
                            hints.negative = true
                            hints.reader = true
                        }
                    case .positive: hints.positive = true
                    case .body: hints.body = true
                    case .advert:
                        if word.count == 2 || (word.count == 3 && lower(word[2]) == 0x73) { hints.negative = true }
                    }
                }
            }
        }
    }

    enum Meaning { case positive, negative, body, advert, reader }

    static let dateWords = ["date", "time", "publish", "byline", "posted"].map { Array($0.utf8) }

    /// The class/id words by their first byte.
    static let wordIndex: [[(word: [UInt8], meaning: Meaning)]] = {
        var index = [[(word: [UInt8], meaning: Meaning)]](repeating: [], count: 256)
        func add(_ words: [String], _ meaning: Meaning) {
            for word in words {
                let bytes = Array(word.utf8)
                index[Int(bytes[0])].append((bytes, meaning))
            }
        }
        add(negative, .negative)
        add(positive, .positive)
        // Words that name the text container itself ("article-body", "entry-content"): they win over a
        // boilerplate word in the same attribute.
        add(["body", "content", "articlebody", "text", "story"], .body)
        add(["ad"], .advert)  // "ad" and "ads" as whole words only
        // Readers' comments: never the article, even where the comment's own text is "comment-text".
        add(["comment", "reply", "disqus"], .reader)
        return index
    }()

    mutating func start(_ name: String, _ attributes: [String: String]) {
        let kind = Self.kind(of: name)
        startNamesDate = false
        if kind == .skipped || skipDepth > 0 {
            skipDepth += 1
            return
        }
        if stack.count >= Self.maximumDepth || flattened > 0 {
            flattened += 1
            tooDeep = true
            return
        }
        let parent = stack.last ?? 0
        var weight = 0.0
        var penalised = false
        var hint = Hints()
        if let value = attributes["class"], !value.isEmpty { Self.hints(value, into: &hint) }
        if let value = attributes["id"], !value.isEmpty { Self.hints(value, into: &hint) }
        startNamesDate = hint.date
        var strongly = hint.reader
        if hint.negative && (!hint.body || hint.reader) {
            weight -= 25
            penalised = true  // "article-meta", "article-related": the boilerplate word wins
        } else if hint.positive {
            weight += 25
        }
        if attributes["itemprop"]?.lowercased() == "articlebody" {
            weight += 50
            penalised = false
        }
        if name == "article" || name == "main" { weight += 10 }
        // A form is usually a search box or a comment form, but ASP.NET pages wrap the whole page in one.
        if name == "form" { penalised = true }
        // A figure's caption and credit describe an image (the extractor keeps images apart), not the story.
        if attributes["hidden"] != nil || name == "figure" || name == "figcaption" { strongly = true }
        if let style = attributes["style"], Self.contains(style, "none"),
            Self.contains(String(style.unicodeScalars.filter { $0 != " " }), "display:none")
        {
            strongly = true
        }
        if strongly { penalised = true }
        if name == "a" { linkDepth += 1 }
        if name == "br" {
            // <br> ends the current text block of its container (a new paragraph for div-written articles).
            if let owner = stack.last, let block = openBlocks[owner],
                blocks[block].text.last != " "
            {
                openBlocks[owner] = nil
            }
            return
        }
        nodes.append(
            Node(
                parent: parent,
                tag: name,
                weight: weight,
                penalised: penalised,
                strongly: strongly,
                reader: hint.reader,
                ownsText: kind != .other,
                classKey: kind == .container ? attributes["class"].map { FNV1a.hash(utf8: $0) } ?? 0 : 0
            )
        )
        openBlocks.append(nil)
        stack.append(nodes.count - 1)
    }

    mutating func end(_ name: String) {
        if skipDepth > 0 {
            skipDepth -= 1
            return
        }
        if flattened > 0 {
            flattened -= 1
            return
        }
        if name == "br" { return }
        if name == "a" { linkDepth = max(0, linkDepth - 1) }
        guard stack.count > 1 else { return }
        let node = stack.removeLast()
        openBlocks[node] = nil
        // Text after a closed block belongs to a new block of the enclosing container.
        if let container = stack.last, nodes[node].ownsText {
            openBlocks[container] = nil
        }
    }

    mutating func text(_ text: String) {
        guard skipDepth == 0 else { return }
        // The innermost block element, else the innermost container: the text's owner.
        var owner = 0
        for index in stack.reversed() {
            if nodes[index].ownsText {
                owner = index
                break
            }
        }
        if text.unicodeScalars.allSatisfy(ArticleExtractor.isSpace) {
            if let block = openBlocks[owner], !blocks[block].text.isEmpty, blocks[block].text.last != " " {
                blocks[block].text += " "
            }
            return
        }
        let block: Int
        if let open = openBlocks[owner] {
            block = open
        } else {
            blocks.append(Block(node: owner, tag: nodes[owner].tag))
            block = blocks.count - 1
            openBlocks[owner] = block
        }
        blocks[block].text += text
        // Link text is measured as the cleaned text will be (runs of white space as one), so that link density
        // stays within 0...1 for menus whose links are mostly indentation.
        if linkDepth > 0 {
            var length = 0
            var afterSpace = true
            for scalar in text.unicodeScalars {
                let space = ArticleExtractor.isSpace(scalar)
                if !space || !afterSpace { length += 1 }
                afterSpace = space
            }
            blocks[block].linkLength += length
        }
    }

    /// The article's paragraphs, in order.
    /// A page whose only prose is readers' posts (a forum thread) has those posts as its text.
    func paragraphs(title: String?) -> [String] {
        let article = paragraphs(title: title, readersCount: false)
        guard article.isEmpty, nodes.contains(where: \.reader) else { return article }
        let posts = paragraphs(title: title, readersCount: true)
        return posts.isEmpty ? article : posts
    }

    private func paragraphs(title: String?, readersCount: Bool) -> [String] {
        var nodes = self.nodes
        if readersCount {
            for index in nodes.indices where nodes[index].reader {
                nodes[index].weight = 0
                nodes[index].penalised = false
                nodes[index].strongly = false
            }
        }
        var cleaned: [(block: Block, text: String)] = []
        for block in blocks {
            let text = ArticleExtractor.clean(block.text)
            guard !text.isEmpty else { continue }
            cleaned.append((block, text))
            // Text and link lengths of each ancestor, for link density.
            var index = block.node
            let length = text.unicodeScalars.count
            while index >= 0 {
                nodes[index].textLength += length
                nodes[index].linkLength += block.linkLength
                index = nodes[index].parent
            }
        }
        for (block, text) in cleaned {
            let length = text.unicodeScalars.count
            let density = Double(block.linkLength) / Double(max(1, length))
            guard length >= 25, density < 0.35 else { continue }
            // Prose in comments, hidden elements and forms is theirs, not their ancestors': a container is not
            // bigger for holding a comment thread or a text-only copy of the article in a form.
            var ancestor = block.node
            while ancestor >= 0 {
                nodes[ancestor].proseLength += length
                if nodes[ancestor].strongly || nodes[ancestor].tag == "form" { break }
                ancestor = nodes[ancestor].parent
            }
            let commas = text.unicodeScalars.filter { $0 == "," || $0 == "،" }.count
            var score = 1 + Double(commas) + min(Double(length / 100), 3)
            // A heading or a list item is weaker evidence of prose than a paragraph.
            if block.tag.hasPrefix("h") || block.tag == "li" || block.tag == "td" { score *= 0.5 }
            let container = Self.kind(of: block.tag) == .block ? nodes[block.node].parent : block.node
            var index = container
            var level = 1.0
            while index > 0, level <= 3 {
                nodes[index].score += score / (level == 1 ? 1 : level == 2 ? 2 : 3)
                index = nodes[index].parent
                level += 1
            }
        }
        // Nothing in a comment thread is a candidate (parents come before their children in `nodes`, so one
        // pass marks every descendant). A hidden element can be: paywalled articles are sent hidden.
        var excluded = [Bool](repeating: false, count: nodes.count)
        for index in nodes.indices.dropFirst() {
            excluded[index] = (nodes[index].reader && nodes[index].strongly) || excluded[nodes[index].parent]
        }
        var best = -1
        var bestScore = 0.0
        for (index, node) in nodes.enumerated() where node.score > 0 && !excluded[index] {
            let density = Double(node.linkLength) / Double(max(1, node.textLength))
            // A class or id says what a container is, but a short block under it is not an article: the hint
            // counts in full only from 500 characters of prose ("headline-text" on a 26-character teaser).
            let weight = node.weight > 0 ? node.weight * min(1, Double(node.proseLength) / 500) : node.weight
            let final = (node.score + weight) * (1 - min(1, density))
            nodes[index].score = final
            if final > bestScore {
                bestScore = final
                best = index
            }
        }
        guard best > 0 else { return [] }
        // Climb while an ancestor holds clearly more prose with few links (an article whose paragraphs sit in
        // several wrappers, as page builders write them), through single-child wrappers, at most eight levels,
        // never into a penalised element or the whole body.
        var ancestor = nodes[best].parent
        var level = 0
        while ancestor > 0, level < 8, !nodes[ancestor].penalised, nodes[ancestor].tag != "body" {
            let density = Double(nodes[ancestor].linkLength) / Double(max(1, nodes[ancestor].textLength))
            guard density < 0.3 else { break }
            if Double(nodes[ancestor].proseLength) > 1.5 * Double(nodes[best].proseLength) {
                best = ancestor
                bestScore = max(bestScore, nodes[ancestor].score)
            }
            ancestor = nodes[ancestor].parent
            level += 1
        }
        // The winner and its siblings that are nearly as good (an article split in several containers).
        var chosen: Set<Int> = [best]
        let parent = nodes[best].parent
        for (index, node) in nodes.enumerated()
        where index != best && node.parent == parent && node.score >= max(10, bestScore * 0.2) && !node.penalised {
            chosen.insert(index)
        }
        // And the containers of its class elsewhere: an article cut by advertisements into blocks that each sit
        // in a wrapper of their own (`<div class="article__content">` three times, with ads between the wrappers).
        if nodes[best].classKey != 0 {
            for (index, node) in nodes.enumerated()
            where index != best && node.classKey == nodes[best].classKey && node.tag == nodes[best].tag
                && node.score >= max(10, bestScore * 0.2) && !node.penalised && !excluded[index]
            {
                chosen.insert(index)
            }
        }

        // Which blocks are inside a chosen container, and what penalties lie on the way up to it. When the
        // class-word penalties would remove most of the article, they are names, not boilerplate
        // ("article-widgets" around the paragraphs, "TestReport__Section--Ads" on every section): only the
        // strong ones (comments, hidden elements, figures) apply then.
        var placement: [(inside: Bool, weakly: Bool, strongly: Bool)] = []
        placement.reserveCapacity(cleaned.count)
        var insideLength = 0
        var weakLength = 0
        for (block, text) in cleaned {
            var index = block.node
            var place = (inside: false, weakly: false, strongly: false)
            while index >= 0 {
                if chosen.contains(index) {
                    place.inside = true
                    break
                }
                if nodes[index].strongly {
                    place.strongly = true
                } else if nodes[index].penalised {
                    place.weakly = true
                }
                index = nodes[index].parent
            }
            placement.append(place)
            if place.inside && !place.strongly {
                let length = text.unicodeScalars.count
                insideLength += length
                if place.weakly { weakLength += length }
            }
        }
        let weakPenaltiesApply = weakLength * 2 <= insideLength

        var result: [String] = []
        var lastWasHeading = false
        var seen = Set<UInt64>()  // FNV-1a of the UTF-8: hashing a String normalises it first
        let normalisedTitle = title.map(ArticleExtractor.clean)
        // The lead: what is written between the headline (the last `<h1>` before the body) and the body, outside
        // the body's container: a standfirst ("article__abstract", a `<h2>` under the `<h1>`), often inside an
        // "article-header" that a class word penalises, or an opening paragraph set apart from the rest.
        // Prose-like blocks there are kept (80 characters or more, few links, not a list or table cell), unless
        // in a comment, a hidden element or a figure.
        var lead = Set<Int>()
        if let first = placement.firstIndex(where: {
            $0.inside && !$0.strongly && !($0.weakly && weakPenaltiesApply)
        }),
            let headline = cleaned[0..<first].lastIndex(where: { $0.block.tag == "h1" }),
            Self.namesArticle(cleaned[headline].text, title: normalisedTitle)
        {
            for index in (headline + 1)..<first {
                let (block, text) = cleaned[index]
                let length = text.unicodeScalars.count
                guard length >= 80, block.linkLength * 5 < length, block.tag != "li", block.tag != "td",
                    !placement[index].strongly
                else { continue }
                lead.insert(index)
            }
        }

        for (position, ((block, text), place)) in zip(cleaned, placement).enumerated() {
            guard
                lead.contains(position)
                    || (place.inside && !place.strongly && !(place.weakly && weakPenaltiesApply))
            else { continue }
            let length = text.unicodeScalars.count
            let density = Double(block.linkLength) / Double(max(1, length))
            let heading = block.tag.hasPrefix("h") && block.tag.count == 2
            if density > 0.5 { continue }
            if length < (heading ? 4 : 15) { continue }
            if heading && text == normalisedTitle { continue }
            if length < 200, Self.boilerplatePhrases.occurs(in: text) { continue }
            if Self.isSiteNotice(text, length: length) { continue }
            if length < 100, Self.metadataPrefixes.contains(where: { text.hasPrefix($0) }) { continue }
            if length < 100, Self.isArabicDateLine(text) { continue }
            let hash = FNV1a.hash(utf8: text)
            if !seen.insert(hash).inserted { continue }
            // A heading with no paragraph after it before the next heading or the end introduces something
            // that was not kept: a list of related links, a comment form ("Related coverage", «اقرأ أيضا»).
            // A heading of a paragraph's length is prose set in large type, not a section title.
            if heading, lastWasHeading { result.removeLast() }
            result.append(ArticleExtractor.composed(text))
            lastWasHeading = heading && length < 100
        }
        if lastWasHeading { result.removeLast() }
        return result
    }
}
