import FetchFrontier
import Foundation
import TestSupport
import Testing

/// OPML in and out of the sources file, as feed readers write it: nested folders, `text` without `title`, Arabic
/// names, feeds already followed, and a name that would break YAML or XML.
@Suite("OPML import and export") struct OPMLTests {
    let opml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <opml version="2.0"><head><title>قائمتي</title></head><body>
          <outline text="مصر">
            <outline type="rss" text="اليوم السابع" title="اليوم السابع - عاجل" xmlUrl="https://www.youm7.com/rss/SectionRss?SectionID=65" htmlUrl="https://www.youm7.com/"/>
            <outline type="rss" text="اليوم السابع رياضة" xmlUrl="https://www.youm7.com/rss/SectionRss?SectionID=298" htmlUrl="https://www.youm7.com/"/>
            <outline type="rss" text="مصراوي" xmlUrl="https://www.masrawy.com/rss/feed/25/news"/>
          </outline>
          <outline type="rss" text="عنوان &quot;غريب&quot;: #1 &amp; [x]" xmlUrl="https://news.example.org/feed.xml" htmlUrl="https://news.example.org/"/>
          <outline type="rss" text="مكرر" xmlUrl="https://www.ahram.org.eg/rss/1"/>
          <outline type="link" text="ليس خلاصة" url="https://example.com/"/>
          <outline type="rss" text="عنوان غير صالح" xmlUrl="javascript:alert(1)"/>
        </body></opml>
        """

    let existing = try! SourceCatalog.parse(
        """
        sources:
          - id: ahram
            name: الأهرام
            feeds:
              - https://www.ahram.org.eg/rss/1
            poll_interval: 300
          - id: youm7
            name: اليوم السابع (قديم)
            feeds:
              - https://www.youm7.com/rss/old
            poll_interval: 300
        """
    )

    @Test("feeds at any depth; one source per site; known feeds skipped; a taken id numbered")
    func importing() throws {
        let feeds = try OPML.feeds(in: Data(opml.utf8))
        #expect(feeds.count == 5, "the link outline and the javascript: address are no feeds")
        let (sources, known) = OPML.sources(for: feeds, adding: existing, pollInterval: 600, timezone: "Africa/Cairo")
        #expect(known == 1)
        #expect(sources.map(\.id) == ["youm7-2", "masrawy", "example"])
        #expect(sources[0].name == "اليوم السابع - عاجل" && sources[0].feeds.count == 2)
        #expect(sources[0].home == "https://www.youm7.com/" && sources[1].home == nil)
        #expect(sources.allSatisfy { $0.pollInterval == 600 && $0.timezone == "Africa/Cairo" })

        // Appended to the file's text, the YAML reads back as a valid catalog with the same values.
        let yaml = "sources:\n" + OPML.yaml(sources)
        let reread = try SourceCatalog.parse(yaml)
        #expect(reread.sources == sources)
        #expect(reread.sources[2].name == "عنوان \"غريب\": #1 & [x]")
    }

    @Test("export writes every feed with its source's name, escaped; importing it back adds nothing new")
    func exporting() throws {
        var catalog = existing
        catalog.sources[0].name = "الأهرام <script>\"&"
        catalog.sources[0].home = "https://www.ahram.org.eg/"
        let document = OPML.document(catalog)
        #expect(document.contains("text=\"الأهرام &lt;script&gt;&quot;&amp;\""))
        #expect(document.contains("htmlUrl=\"https://www.ahram.org.eg/\""))
        let feeds = try OPML.feeds(in: Data(document.utf8))
        #expect(feeds.map(\.feedURL) == catalog.sources.flatMap(\.feeds))
        #expect(feeds[0].title == "الأهرام <script>\"&")
        #expect(OPML.sources(for: feeds, adding: catalog, pollInterval: 300, timezone: nil).sources.isEmpty)
    }

    @Test("a file that is not OPML is refused with a reason")
    func notOPML() {
        #expect(throws: OPML.OPMLError.self) { try OPML.feeds(in: Data("<rss><channel/></rss>".utf8)) }
        #expect(throws: OPML.OPMLError.self) { try OPML.feeds(in: Data("not xml".utf8)) }
    }
}

/// `nashra sources import` and `export` through the executable, on a sources file of their own.
@Suite(
    "nashra sources import/export",
    .enabled(if: TestEnvironment.hasExecutables, "NASHRA_BIN_DIR is not set (deploy/test.sh sets it)")
) struct OPMLCommandTests {
    @Test func importThenExport() async throws {
        let nashra = try #require(TestEnvironment.executable("nashra"))
        let folder = try TestEnvironment.temporaryDirectory()
        let sources = folder + "/sources.yml"
        let original =
            "# my outlets\nsources:\n  - id: ahram\n    name: الأهرام\n    feeds:\n      - https://www.ahram.org.eg/rss/1\n    poll_interval: 300\n"
        try original.write(toFile: sources, atomically: true, encoding: .utf8)
        try OPMLTests().opml.write(toFile: folder + "/list.opml", atomically: true, encoding: .utf8)
        let dry = try await ChildProcess.output(
            nashra,
            ["sources", "import", folder + "/list.opml", "--sources", sources, "--dry-run"]
        )
        #expect(dry.status == 0)
        #expect(try String(contentsOfFile: sources, encoding: .utf8) == original, "a dry run writes nothing")
        let run = try await ChildProcess.output(
            nashra,
            ["sources", "import", folder + "/list.opml", "--sources", sources]
        )
        #expect(run.status == 0)
        #expect(String(decoding: run.stdout, as: UTF8.self).contains("1 already followed, 4 added as 3 new sources"))
        let text = try String(contentsOfFile: sources, encoding: .utf8)
        #expect(text.hasPrefix(original), "the operator's file is kept as written, comments included")
        #expect(try SourceCatalog.load(path: sources).sources.map(\.id) == ["ahram", "youm7", "masrawy", "example"])
        let export = try await ChildProcess.output(nashra, ["sources", "export", "--sources", sources])
        #expect(export.status == 0)
        #expect(try OPML.feeds(in: export.stdout).count == 5)
        let again = try await ChildProcess.output(
            nashra,
            ["sources", "import", folder + "/list.opml", "--sources", sources]
        )
        #expect(String(decoding: again.stdout, as: UTF8.self).contains("5 already followed, 0 added"))
    }
}
