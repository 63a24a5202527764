import Classifier
import Foundation
import NashraMessages
import Parser
import Testing

@testable import FetchFrontier
@testable import Fetcher

/// The publisher's own section as evidence for the topic: where it is found (pages, feeds, addresses), how it
/// is learned per source, and that it never overrules a text that is sure.
@Suite("The publisher's section as evidence") struct SectionEvidenceTests {
    @Test("keys: the named section first, else the section words of the address; ids, dates and files are not")
    func keys() {
        #expect(SectionEvidence.key(section: " رياضة ", url: "https://a.example/economy/1") == "رياضة")
        #expect(
            SectionEvidence.key(section: nil, url: "http://www.alwatan.example/Economy/News_Detail.aspx?ArticleID=1")
                == "economy"
        )
        #expect(
            SectionEvidence.key(section: nil, url: "http://3alyoum.example/news/golobal/a/شاهد-مكنسة/") == "golobal"
        )
        // Percent-encoded Arabic segments are read as the words they are.
        #expect(
            SectionEvidence.key(section: nil, url: "https://masrawy.example/%D8%B1%D9%8A%D8%A7%D8%B6%D8%A9/12345")
                == "رياضة"
        )
        #expect(SectionEvidence.key(section: nil, url: "http://www.jazirah.example/2015/20150725/ec4.htm") == nil)
        #expect(SectionEvidence.key(section: nil, url: "http://arreyadi.example/Home/Details/NDI0Mg==") == nil)
        #expect(SectionEvidence.key(section: "", url: nil) == nil)
    }

    @Test("JSON-LD breadcrumbs give the section when the page names none otherwise")
    func breadcrumbs() throws {
        func article(_ script: String) throws -> Article {
            let html = """
                <!doctype html><html lang="ar"><head><meta charset="utf-8">
                <script type="application/ld+json">\(script)</script></head><body>
                <h1>الأهلي يفوز على الزمالك بهدفين</h1><article><p>\(String(repeating: "سجل اللاعب هدفين في المباراة. ", count: 10))</p></article>
                </body></html>
                """
            let page = FetchedPage(
                url: "https://www.example.net/1",
                finalURL: "https://www.example.net/1",
                sourceID: "test",
                status: 200,
                contentType: "text/html; charset=utf-8",
                body: Data(html.utf8)
            )
            return try ArticleExtractor().extract(page)
        }
        let three = """
            {"@context":"https://schema.org","@type":"BreadcrumbList","itemListElement":[
            {"@type":"ListItem","position":1,"name":"الرئيسية","item":"https://www.example.net/"},
            {"@type":"ListItem","position":2,"name":"رياضة &amp; ملاعب","item":"https://www.example.net/sport"},
            {"@type":"ListItem","position":3,"name":"الأهلي يفوز على الزمالك بهدفين"}]}
            """
        #expect(try article(three).section == "رياضة & ملاعب")
        // Out of order positions, and an item given as an object.
        let objects = """
            [{"@type":"NewsArticle","headline":"الأهلي يفوز على الزمالك بهدفين"},
             {"@type":"BreadcrumbList","itemListElement":[
              {"position":"2","item":{"@id":"https://www.example.net/economy","name":"اقتصاد"}},
              {"position":"1","item":{"@id":"https://www.example.net/","name":"الرئيسية"}}]}]
            """
        #expect(try article(objects).section == "اقتصاد")
        // articleSection wins over the crumbs; a list that is only the home page says nothing.
        let both = """
            [{"@type":"NewsArticle","articleSection":"رياضة"},
             {"@type":"BreadcrumbList","itemListElement":[{"position":1,"name":"الرئيسية","item":"/"},
              {"position":2,"name":"منوعات","item":"/misc"}]}]
            """
        #expect(try article(both).section == "رياضة")
        let home = #"{"@type":"BreadcrumbList","itemListElement":[{"position":1,"name":"الرئيسية","item":"/"}]}"#
        #expect(try article(home).section == nil)
    }

    @Test("a feed's category reaches the article, and tips an ambiguous text toward its section")
    func feedCategory() throws {
        let rss = """
            <?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>
            <item><title>اجتماع في القاهرة</title><link>https://example.com/n/1</link>
            <category><![CDATA[رياضة]]></category></item></channel></rss>
            """
        let items = try FeedParser.parse(Data(rss.utf8), feedURL: "https://example.com/rss").items
        #expect(items.first?.hints.section == "رياضة")
        let classifier = try TopicClassifier.load()
        let sport = try #require(classifier.labels.firstIndex(of: "sport"))
        let plain = classifier.classify(title: "اجتماع في القاهرة", text: "عقد الاجتماع اليوم")
        let filed = classifier.classify(
            title: "اجتماع في القاهرة",
            text: "عقد الاجتماع اليوم",
            section: PublisherSection(name: items.first?.hints.section)
        )
        #expect(filed.probabilities[sport] > plain.probabilities[sport])
    }

    @Test("the catalog's section of a feed reaches its items that name none; an item's own category wins")
    func catalogSection() throws {
        let catalog = try SourceCatalog.parse(
            """
            sources:
              - id: youm7
                name: اليوم السابع
                feeds:
                  - https://www.youm7.example/rss/sport
                  - https://www.youm7.example/rss/all
                sections:
                  https://www.youm7.example/rss/sport: رياضة
                poll_interval: 300
            """
        )
        let source = catalog.source(id: "youm7")
        #expect(source?.sections?["https://www.youm7.example/rss/sport"] == "رياضة")
        let items = [
            FeedResult.Item(url: "https://www.youm7.example/1", hints: ItemHints(title: "الأهلي يفوز")),
            FeedResult.Item(url: "https://www.youm7.example/2", hints: ItemHints(section: "كرة عالمية")),
        ]
        let sport = FeedResult(
            sourceID: "youm7",
            feedURL: "https://www.youm7.example/rss/sport",
            status: 200,
            items: items
        )
        let jobs = FrontierIntake.jobs(for: sport, source: source)
        #expect(jobs.map(\.hints?.section) == ["رياضة", "كرة عالمية"])
        #expect(jobs.allSatisfy { $0.sourceName == "اليوم السابع" })
        let all = FeedResult(sourceID: "youm7", feedURL: "https://www.youm7.example/rss/all", status: 200, items: items)
        #expect(FrontierIntake.jobs(for: all, source: source).map(\.hints?.section) == [nil, "كرة عالمية"])
    }

    @Test("learned per source: a section name nobody knows is learned from the text's sure decisions")
    func learned() throws {
        let classifier = try TopicClassifier.load()
        let evidence = SectionEvidence(labels: classifier.labels)
        let sport = try #require(classifier.labels.firstIndex(of: "sport"))
        let url = "https://saudi.example/golobal/a/"
        let ambiguous = (title: "تصريحات بعد اللقاء", text: "قال إن الأمور تسير كما ينبغي وإن الجميع مستعد")
        let before = classifier.classify(
            title: ambiguous.title,
            text: ambiguous.text,
            section: PublisherSection(url: url + "x", source: "saudi"),
            evidence: evidence
        )
        // Twenty clear sport stories filed under the same unknown word.
        for index in 0..<20 {
            _ = classifier.classify(
                title: "المنتخب يفوز بهدفين في تصفيات كأس العالم \(index)",
                text: "سجل اللاعب هدفين في الشوط الثاني من المباراة على الملعب أمام الفريق المنافس في الدوري.",
                section: PublisherSection(url: url + "\(index)", source: "saudi"),
                evidence: evidence
            )
        }
        #expect(evidence.count == 1)
        let after = classifier.classify(
            title: ambiguous.title,
            text: ambiguous.text,
            section: PublisherSection(url: url + "y", source: "saudi"),
            evidence: evidence
        )
        #expect(after.probabilities[sport] > before.probabilities[sport] + 0.2, "\(before) → \(after)")
        // Another source's same word learned nothing.
        let elsewhere = classifier.classify(
            title: ambiguous.title,
            text: ambiguous.text,
            section: PublisherSection(url: url + "z", source: "other"),
            evidence: evidence
        )
        #expect(abs(elsewhere.probabilities[sport] - before.probabilities[sport]) < 1e-9)
        // Never blindly: an economy story its outlet filed there stays economy.
        let economy = classifier.classify(
            title: "البنك المركزي يرفع أسعار الفائدة لكبح التضخم",
            text: "قرر البنك المركزي رفع سعر الفائدة، وتراجعت الأسهم في البورصة وارتفع الدولار أمام الجنيه.",
            section: PublisherSection(url: url + "w", source: "saudi"),
            evidence: evidence
        )
        #expect(economy.topic == "economy", "\(economy)")
    }

    @Test("the classifier stage files an uncertain story under «منوعات» and keeps its confidence")
    func uncertainIsGeneral() throws {
        let stage = try ClassifierStage()
        let unsure = stage.classify(
            Article(url: "https://example.com/1", sourceID: "s", title: "تصريحات", paragraphs: ["قال إنه سيعود."])
        )
        #expect(unsure.uncertain && unsure.topic == ClassifierStage.uncertainTopic, "\(unsure.topic)")
        #expect(unsure.confidence > 0 && unsure.confidence < 0.5)
        let sure = stage.classify(
            Article(
                url: "https://example.com/sport/2",
                sourceID: "s",
                title: "المنتخب يفوز على تونس بهدفين في تصفيات كأس العالم",
                paragraphs: ["سجل اللاعب هدفي المنتخب في الشوط الثاني من المباراة على استاد القاهرة."]
            )
        )
        #expect(!sure.uncertain && sure.topic == "sport")
    }
}
