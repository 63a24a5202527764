import ArabicText
import Foundation
import NashraMessages
import Parser
import TestSupport
import Testing

@Suite("Article extraction") struct ExtractionTests {
    let extractor = ArticleExtractor()

    @Test func utf8ArabicArticleWithMetadata() throws {
        let article = try extractor.extract(try Fixture.page("deploy/demo/site/cairo/sport-league.html"))
        #expect(article.title == "الأهلي يتصدر الدوري بعد فوز صعب على الإسماعيلي")
        #expect(article.paragraphs.count == 4)
        #expect(article.paragraphs[0].hasPrefix("حقق فريق الأهلي فوزاً صعباً"))
        #expect(article.published == Date(timeIntervalSince1970: 1_795_292_100))  // 2026-11-21T22:15:00+02:00
        #expect(article.language == "ar")
        #expect(article.section == "رياضة")
        #expect(article.images.first?.caption?.hasPrefix("صورة توضيحية") == true)
        #expect(!article.paragraphs.contains { $0.contains("اقرأ أيضا") || $0.contains("جميع الحقوق") })
    }

    @Test("windows-1256 declared by the HTTP header")
    func windows1256FromHeader() throws {
        let article = try extractor.extract(
            try Fixture.page(
                "deploy/demo/site/cairo/tech-ai.cp1256.html",
                contentType: "text/html; charset=windows-1256"
            )
        )
        #expect(article.title == "إطلاق منصة رقمية عربية للذكاء الاصطناعي في التعليم")
        #expect(article.paragraphs[2].contains("دُرّبت على نصوص عربية فصحى"))
    }

    @Test("windows-1256 declared only in the page; no date means none, not a guess; scripts never leak")
    func windows1256FromMetaWithoutDate() throws {
        let article = try extractor.extract(
            try Fixture.page("Tests/Fixtures/page-windows-1256-no-date.html", contentType: "text/html")
        )
        #expect(article.title == "ارتفاع أسعار الذهب في السوق المحلية")
        #expect(article.published == nil)
        #expect(article.paragraphs.count == 2)
        #expect(article.paragraphs[1].contains("عيار 21 سجل مستوى قياسيا"))
        #expect(!article.paragraphs.joined().contains("لا يجب أن يظهر"))
        #expect(!article.paragraphs.joined().contains("الرئيسية"), "navigation is not body text")
    }

    @Test("the source's hints: charset when the page declares none, time zone for dates without an offset, image")
    func sourceHints() throws {
        var bytes = try Fixture.data("Tests/Fixtures/page-windows-1256-no-date.html")
        let meta = Data(#"<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">"#.utf8)
        let range = try #require(bytes.firstRange(of: meta))
        bytes.replaceSubrange(range, with: Data(#"<meta name="date" content="2025-11-23 10:15">"#.utf8))
        var page = FetchedPage(
            url: "https://example.com/gold",
            finalURL: "https://example.com/gold",
            sourceID: "t",
            status: 200,
            contentType: "text/html",
            hints: ItemHints(image: "/img/gold.jpg"),
            body: bytes
        )
        #expect(try extractor.extract(page).title == "ارتفاع أسعار الذهب في السوق المحلية", "undeclared: sniffed")
        page.sourceHints = SourceHints(timezone: "Africa/Cairo", charset: "windows-1256")
        let article = try extractor.extract(page)
        #expect(article.title == "ارتفاع أسعار الذهب في السوق المحلية")
        #expect(article.published == Date(timeIntervalSince1970: 1_763_885_700), "10:15 in Cairo is 08:15 UTC")
        #expect(article.images == [ArticleImage(url: "https://example.com/img/gold.jpg")])
    }

    @Test("empty, binary and script-only inputs end in a clear error")
    func badInput() {
        let bad: [Data] = [
            Data(), Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }),
            Data("<script>alert(1)</script>".utf8), Data("<!-- never closed <p>نص".utf8),
        ]
        for body in bad {
            let page = FetchedPage(
                url: "https://example.com/x",
                finalURL: "https://example.com/x",
                sourceID: "t",
                status: 200,
                contentType: "text/html",
                body: body
            )
            #expect(throws: ExtractionError.self) { try extractor.extract(page) }
        }
    }

    @Test("deeply nested markup does not overflow the stack")
    func deepNesting() throws {
        let depth = 100_000
        let html =
            String(repeating: "<div>", count: depth) + "<p>نص عربي طويل بما يكفي ليكون فقرة من فقرات المقال.</p>"
            + String(repeating: "</div>", count: depth)
        let page = FetchedPage(
            url: "https://example.com/d",
            finalURL: "https://example.com/d",
            sourceID: "t",
            status: 200,
            contentType: "text/html; charset=utf-8",
            body: Data(html.utf8)
        )
        _ = try? extractor.extract(page)  // libxml2 caps the depth; what matters is that it returns
    }

    @Test("charsets when declarations are missing or lie: windows-1256, ISO-8859-6 and Latin sniffed; UTF-8 bytes win")
    func charsetSniffing() throws {
        func title(_ body: Data, contentType: String? = "text/html") throws -> String {
            try extractor.extract(Fixture.page(body: body, contentType: contentType)).title
        }
        let gold = "ارتفاع أسعار الذهب في السوق المحلية"
        let cp1256 = try Fixture.data("Tests/Fixtures/page-windows-1256-no-date.html")
        #expect(try title(cp1256, contentType: "text/html; charset=utf-8") == gold, "a header that says UTF-8")
        var lyingMeta = cp1256
        let meta = try #require(lyingMeta.firstRange(of: Data("charset=windows-1256".utf8)))
        lyingMeta.replaceSubrange(meta, with: Data("charset=utf-8".utf8))
        #expect(try title(lyingMeta) == gold, "a page that says UTF-8")
        let utf8 = Data(
            """
            <html><head><meta charset="windows-1256"><title>تراجع أسعار النفط</title></head><body><article>
            <p>تراجعت أسعار النفط في الأسواق العالمية اليوم مع تزايد المخاوف من ضعف الطلب خلال الأشهر المقبلة.</p>
            </article></body></html>
            """.utf8
        )
        #expect(try title(utf8, contentType: "text/html; charset=windows-1256") == "تراجع أسعار النفط", "UTF-8 bytes")
        #expect(try title(Data([0xEF, 0xBB, 0xBF]) + utf8) == "تراجع أسعار النفط", "a byte-order mark")
        var stray = utf8
        stray.insert(0xFF, at: try #require(stray.firstRange(of: Data("<article>".utf8))).lowerBound)
        #expect(try title(stray) == "تراجع أسعار النفط", "a UTF-8 page with a stray byte stays UTF-8")
        #expect(
            try title(try Fixture.data("Tests/Fixtures/page-iso-8859-6-undeclared.html"))
                == "انخفاض أسعار النفط في الأسواق العالمية"
        )
        #expect(
            try title(try Fixture.data("Tests/Fixtures/page-latin-undeclared.html"))
                == "Les prix du pétrole reculent sur les marchés mondiaux"
        )
    }

    @Test(
        "a source's rules: body, title and date selectors win, removed parts stay out, the generic extractor is the fallback"
    )
    func sourceRules() throws {
        let teaser =
            "تقرير مطول عن أبرز الأحداث الاقتصادية والسياسية التي شهدتها المنطقة خلال الأسبوع الماضي، مع تحليل "
        let html = """
            <html><head><meta charset="utf-8"><title>موقع الأخبار</title></head><body>
            <div class="page"><h2 class="headline">الحكومة تعلن خطة جديدة للنقل العام</h2>
            <span class="news-date">الأحد، 23 نوفمبر 2025 - 10:15 م</span>
            <div class="news-text"><p>أعلنت الحكومة خطة جديدة لتطوير النقل العام في العاصمة.</p>
            <div class="share"><p>شارك هذا الخبر على مواقع التواصل الاجتماعي الآن</p></div>
            <p>وتشمل الخطة خطوطا جديدة للحافلات الكهربائية.</p></div></div>
            <div class="content-list">\((1...6).map { "<p>\(teaser)رقم \($0)، وتوقعات الخبراء للفترة المقبلة.</p>" }.joined())</div>
            </body></html>
            """
        var page = Fixture.page(body: Data(html.utf8))
        let generic = try extractor.extract(page)
        #expect(generic.paragraphs.first?.hasPrefix("تقرير مطول") == true, "the generic extractor is fooled here")
        page.sourceHints = SourceHints(
            timezone: "Africa/Cairo",
            rules: ExtractionRules(body: "div.news-text", title: "h2.headline", date: ".news-date", remove: [".share"])
        )
        let ruled = try extractor.extract(page)
        #expect(ruled.title == "الحكومة تعلن خطة جديدة للنقل العام")
        #expect(
            ruled.paragraphs == [
                "أعلنت الحكومة خطة جديدة لتطوير النقل العام في العاصمة.",
                "وتشمل الخطة خطوطا جديدة للحافلات الكهربائية.",
            ]
        )
        #expect(ruled.published == Date(timeIntervalSince1970: 1_763_928_900))
        page.sourceHints = SourceHints(rules: ExtractionRules(body: "article.gone, div > p", title: "#missing"))
        let fallback = try extractor.extract(page)
        #expect(
            fallback.paragraphs == generic.paragraphs,
            "a rule that finds nothing falls back to the generic extractor"
        )
        #expect(fallback.title == generic.title)
    }

    @Test("Arabic text dates from the page's date lines; none from tickers in the header or from the body")
    func textDatesInPages() throws {
        let fetched = Date(timeIntervalSince1970: 1_764_000_000)  // 2025-11-24T16:00:00Z
        let body = """
            <p>قررت لجنة السياسة النقدية بالبنك المركزي المصري الإبقاء على أسعار الفائدة دون تغيير في اجتماعها الذي \
            عقد في 12 مارس 2020 بحسب ما أعلنه البنك في بيان رسمي اليوم.</p>
            <p>وقال البنك إن القرار يأتي في ضوء التطورات الاقتصادية المحلية والعالمية وتوقعات معدلات التضخم.</p>
            """
        func published(_ dateLine: String, zone: String = "Africa/Cairo") throws -> Date? {
            let html = """
                <html><head><meta charset="utf-8"><title>البنك المركزي يثبت الفائدة</title></head><body>
                <header><ul class="ticker"><li>الأهلي يفوز <span class="time">منذ 5 دقائق</span></li></ul></header>
                <article><h1>البنك المركزي يثبت الفائدة</h1>\(dateLine)\(body)</article></body></html>
                """
            var page = Fixture.page(body: Data(html.utf8), fetchedAt: fetched)
            page.sourceHints = SourceHints(timezone: zone)
            return try extractor.extract(page).published
        }
        #expect(
            try published(#"<div class="post-date">الأحد، ٢٣ نوفمبر ٢٠٢٥ - ١٠:١٥ م</div>"#)
                == Date(timeIntervalSince1970: 1_763_928_900)
        )
        #expect(
            try published("<p>نشر في اليوم السابع يوم 23 - 11 - 2025</p>") == Date(timeIntervalSince1970: 1_763_848_800)
        )
        #expect(try published(#"<span class="meta-time">منذ ساعتين</span>"#) == fetched.addingTimeInterval(-7200))
        #expect(
            try published("<time>23 تشرين الثاني 2025</time>", zone: "Asia/Beirut")
                == Date(timeIntervalSince1970: 1_763_848_800)
        )
        #expect(try published("") == nil, "the ticker's «منذ 5 دقائق» and the body's 12 March 2020 are not its date")
        var files = ArticleExtractor()
        files.relativeDates = false
        #expect(try files.extract(try Fixture.page("Tests/Fixtures/aggregator-article.html")).published != nil)
    }

    @Test(
        "dates the page states in other ways: hAtom abbr, microdata on a span, a German date line, the URL's path, og:updated_time last"
    )
    func moreDateForms() throws {
        func published(_ head: String, _ body: String, url: String = "https://example.com/a") throws -> Date? {
            let html = """
                <html><head><meta charset="utf-8"><title>Titel</title>\(head)</head><body><article><h1>Titel</h1>
                \(body)<p>Die Stadt hat heute einen neuen Plan für den Verkehr vorgestellt, der ab dem Sommer gilt.</p>
                <p>Der Bürgermeister sagte, man habe lange mit den Anwohnern gesprochen und viele Ideen gesammelt.</p>
                </article></body></html>
                """
            var page = Fixture.page(body: Data(html.utf8))
            page.url = url
            page.finalURL = url
            return try extractor.extract(page).published
        }
        let day = NewsDateParser.parse("2017-07-23T12:00:00Z")
        #expect(
            try published("", "<abbr class=\"published\" title=\"2017-07-23T17:06:45+0000\">23. Juli</abbr>")
                == NewsDateParser.parse("2017-07-23T17:06:45Z")
        )
        #expect(
            try published("", "<span itemprop=\"datePublished\" content=\"2017-07-23T14:00:00+02:00\">23.07.</span>")
                == NewsDateParser.parse("2017-07-23T12:00:00Z")
        )
        #expect(
            try published("", "<p class=\"post-date\">23.07.2017 um 10:56 Uhr</p>")
                == NewsDateParser.parse("2017-07-23T10:56:00Z")
        )
        #expect(try published("", "<p class=\"post-date\">Veröffentlicht am 23. Juli 2017</p>") == day)
        #expect(try published("", "", url: "https://example.com/2017/07/23/verkehr/") == day)
        let updated = "<meta property=\"og:updated_time\" content=\"2018-01-05T10:00:00Z\">"
        #expect(try published(updated, "") == NewsDateParser.parse("2018-01-05T10:00:00Z"), "when nothing else")
        let stated = try published(updated, "<p class=\"post-date\">23.07.2017</p>")
        #expect(stated.map { $0.ISO8601Format().prefix(10) } == "2017-07-23", "a stated date comes first")
        #expect(try published("", "") == nil, "no date stated, none invented")
        // The first stated date that reads as one: a <time> in a local format does not hide JSON-LD's.
        let modified =
            "<script type=\"application/ld+json\">{\"@type\": \"NewsArticle\", \"dateModified\": \"2021-11-11\"}</script>"
        let local = "<p>Am <time datetime=\"11.11 abends\">Donnerstag</time> in Berlin.</p>"
        #expect(try published(modified, local)?.ISO8601Format().prefix(10) == "2021-11-11")
    }

    @Test("the date in an article's own <header>, a date after its label; a forum's clock in the site's header is none")
    func articleHeaderDates() throws {
        let text = """
            <p>Die Stadt hat heute einen neuen Plan für den Verkehr vorgestellt, der ab dem Sommer gilt.</p>
            <p>Der Bürgermeister sagte, man habe lange mit den Anwohnern gesprochen und viele Ideen gesammelt.</p>
            """
        func published(_ body: String) throws -> Date? {
            let html = "<html><head><title>Erste Maßnahmen</title></head><body>\(body)</body></html>"
            return try extractor.extract(Fixture.page(body: Data(html.utf8))).published
        }
        #expect(
            try published(
                "<article><header><h1>Erste Maßnahmen</h1><p class=\"meta-info\">03.02.2022 15:34</p></header>\(text)"
                    + "</article>"
            ) == NewsDateParser.parse("2022-02-03T15:34:00Z")
        )
        // A label in one element, its date in the next.
        #expect(
            try published("<article><h1>Erste Maßnahmen</h1><p><b>Aktualisiert am </b>17.01.2021.</p>\(text)</article>")
                == NewsDateParser.parse("2021-01-17T00:00:00Z")
        )
        #expect(
            try published(
                "<article><h1>Erste Maßnahmen</h1><div><span>تاريخ النشر:</span> <span>٢٣ نوفمبر ٢٠٢٥</span></div>"
                    + "\(text)</article>"
            ) == NewsDateParser.parse("2025-11-23T00:00:00Z")
        )
        #expect(
            try published(
                "<header><h1>Forum</h1><p class=\"time\">Aktuelle Zeit: 14.10.2020, 12:18</p></header>"
                    + "<article>\(text)</article>"
            ) == nil
        )
    }

    @Test("an article cut by advertisements into wrappers of one class is read whole, the ads and the sidebar left out")
    func articleInSeveralWrappers() throws {
        let parts = [
            [
                "قال وزير المالية إن الموازنة الجديدة تزيد الإنفاق على التعليم والصحة بنسبة كبيرة هذا العام المالي.",
                "وأضاف أن الحكومة ستخفض العجز تدريجياً خلال ثلاث سنوات مع الحفاظ على برامج الحماية الاجتماعية.",
            ],
            [
                "وأوضح الوزير أن الإيرادات الضريبية ارتفعت بفضل توسيع القاعدة الضريبية وميكنة منظومة التحصيل.",
                "ولفت إلى أن الدين العام سيبدأ في التراجع كنسبة من الناتج المحلي اعتباراً من العام المقبل.",
            ],
            [
                "واختتم بأن مجلس النواب سيناقش مشروع الموازنة خلال الأسبوعين القادمين قبل إقراره نهائياً.",
                "ومن المنتظر أن يصوت المجلس على المشروع في جلسة عامة يحضرها رئيس الوزراء.",
            ],
        ]
        let wrappers = parts.map { paragraphs in
            "<div class=\"grid__container\"><div class=\"grid__content article__content\">"
                + paragraphs.map { "<p>\($0)</p>" }.joined() + "</div></div>"
                + "<aside class=\"grid__sidebar\"><p>اشترك في النشرة البريدية لتصلك أهم الأخبار كل صباح مجاناً</p></aside>"
                + "<div class=\"ad full-bleed\"><span>إعلان</span></div>"
        }
        let html = """
            <html lang="ar"><head><meta charset="utf-8"><title>موازنة العام الجديد</title></head><body>
            <h1>موازنة العام الجديد</h1><div class="sidebar-grid">\(wrappers.joined())</div></body></html>
            """
        let article = try extractor.extract(Fixture.page(body: Data(html.utf8)))
        #expect(article.paragraphs == parts.flatMap { $0 })
    }

    @Test("a site's comment-policy notice at the end of the body stays out; a story about privacy stays in")
    func siteNotices() throws {
        let story = [
            "أقر مجلس النواب اليوم مشروع قانون جديد لحماية البيانات الشخصية بعد مناقشات استمرت ثلاثة أسابيع.",
            "ويلزم القانون الشركات بنشر سياسة الخصوصية الخاصة بها بلغة واضحة، ويفرض غرامات على من يخالف أحكامه.",
            "وقال رئيس اللجنة التشريعية إن القانون يضع مصر في مصاف الدول التي تحمي حقوق مستخدمي الإنترنت.",
        ]
        let notice =
            "ترحب شبكة الأخبار بالنقاش الحيوي والمفيد، وكي لا نضطر في موقعنا إلى مراجعة التعليقات قبل نشرها. "
            + "ننصحك بمراجعة إرشادات الاستخدام للتعرف إليها جيداً. وللعلم فان جميع مشاركاتك يمكن استخدامها، "
            + "مع اسمك وصورتك، استنادا إلى سياسة الخصوصية بما يتوافق مع شروط استخدام الموقع."
        let html = """
            <html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>النواب يقر قانون حماية البيانات</title></head>
            <body><article><h1>النواب يقر قانون حماية البيانات</h1>
            \(story.map { "<p>\($0)</p>" }.joined())<p>\(notice)</p></article></body></html>
            """
        let article = try extractor.extract(Fixture.page(body: Data(html.utf8)))
        #expect(article.paragraphs == story, "\(article.paragraphs)")
    }

    @Test("CNN Arabic's comment-policy paragraph stays out of a real page's body (shared data)")
    func cnnArabicNotice() throws {
        guard let path = TestEnvironment.sharedData("extraction/newspaper4k/html/arabic_article.html") else { return }
        let page = FetchedPage(
            url: "https://arabic.cnn.com/2013/middle_east/11/9/syria.rebels/index.html",
            finalURL: "https://arabic.cnn.com/2013/middle_east/11/9/syria.rebels/index.html",
            sourceID: "cnn",
            status: 200,
            contentType: "text/html",
            body: try Data(contentsOf: URL(fileURLWithPath: path))
        )
        let article = try extractor.extract(page)
        let body = article.paragraphs.joined(separator: "\n")
        #expect(body.hasPrefix("دمشق، سوريا (CNN)"))
        #expect(body.contains("وشدد الائتلاف على"), "the story's last paragraph stays")
        #expect(!body.contains("ترحب شبكة CNN") && !body.contains("مراجعة التعليقات"))
    }

    @Test("an aggregator page: the ticker, share bar, related list, source link and report notice stay out")
    func aggregatorPage() throws {
        let article = try extractor.extract(try Fixture.page("Tests/Fixtures/aggregator-article.html"))
        #expect(article.title == "البنك المركزي يثبت أسعار الفائدة للمرة الثالثة")
        #expect(article.paragraphs.count == 4, "\(article.paragraphs)")
        #expect(article.paragraphs.first?.hasPrefix("قررت لجنة السياسة النقدية") == true)
        #expect(article.paragraphs.contains("توقعات المحللين"), "sub-headings are kept, in order")
        let body = article.paragraphs.joined(separator: "\n")
        for leak in [
            "الأهلي يفوز", "شارك الخبر", "اقرأ أيضا", "الذهب يتراجع", "انقر هنا لقراءة الخبر", "شكرا على الإبلاغ",
            "الشريط الجانبي", "جميع الحقوق",
        ] {
            #expect(!body.contains(leak), "\(leak) leaked into the body")
        }
        // JSON-LD: date with its offset, authors, publisher.
        #expect(article.published == Date(timeIntervalSince1970: 1_763_885_700))
        #expect(article.authors == ["سارة محمود"])
        #expect(article.sourceName == "مصرس", "the page's own site name comes first")
    }

    @Test(
        "boilerplate that looks like content: comments named as text, captions, a heading over dropped links, soft hyphens; a misnamed wrapper"
    )
    func contentLookalikes() throws {
        let paragraph =
            "أعلنت وزارة الثقافة، اليوم، افتتاح الدورة الجديدة من معرض الكتاب بمشاركة واسعة من دور النشر العربية والأجنبية."
        let html = """
            <html><head><title>افتتاح معرض الكتاب</title></head><body>
            <div class="headline-text"><span>عنوان قصير في الشريط</span></div>
            <div class="article_content"><div class="article-widgets">
              <p>\(paragraph)</p>
              <figure><img src="/a.jpg" alt="صورة"><figcaption>تصوير: وكالة الأنباء، أرشيف الصور الرسمية للمعرض</figcaption></figure>
              <p>وقال الوزير إن المعرض يضم هذا العام أكثر من ألف دار نشر، وإن الزوار سيجدون برنامجا ثقافيا حافلا.</p>
              <p>وأضاف أن الدو\u{AD}رة تحمل اسم الكاتب الراحل، تكريما لمسيرته الطويلة في الأدب والصحافة والترجمة.</p>
              <h3>مواضيع ذات صلة</h3>
              <ul><li><a href="/1">خبر آخر عن المعرض وعن الكتاب</a></li><li><a href="/2">خبر ثالث عن الثقافة</a></li></ul>
            </div></div>
            <div class="comments-area"><div class="wc-comment-text"><p>تعليق قارئ طويل بما يكفي ليبدو فقرة، يقول فيه رأيه في المعرض وفي تنظيمه وفي أسعار الكتب.</p>
            <p>وتعليق آخر أطول من الأول، فيه فواصل كثيرة، ونقاط، وآراء، وحجج، وردود على القراء الآخرين، وعلى الكاتب.</p></div></div>
            </body></html>
            """
        let article = try extractor.extract(Fixture.page(body: Data(html.utf8)))
        #expect(article.paragraphs.first == paragraph, "the misnamed wrapper holds the article: \(article.paragraphs)")
        #expect(article.paragraphs.count == 3, "\(article.paragraphs)")
        let body = article.paragraphs.joined(separator: "\n")
        #expect(body.contains("الدورة تحمل"), "soft hyphens are removed")
        for leak in ["تصوير", "مواضيع ذات صلة", "تعليق", "عنوان قصير"] {
            #expect(!body.contains(leak), "\(leak) leaked into the body")
        }
    }

    @Test("the lead above the body, a body sent as a template script, a forum thread's posts, NFC text, no date lines")
    func leadTemplateForumAndForms() throws {
        let lead =
            "قررت الحكومة، في اجتماعها الأسبوعي اليوم، رفع الدعم تدريجيا عن الوقود خلال العامين المقبلين وفق خطة معلنة."
        let body =
            "وقال المتحدث باسم الحكومة إن الخطة تراعي الفئات الأكثر احتياجا، وإن الدعم النقدي سيزيد بالتوازي مع رفع الأسعار."
        let page = """
            <html><body><article><header class="article-header"><h1>الحكومة ترفع دعم الوقود</h1>
            <div class="article-meta">نشر في اليوم السابع يوم ٢٣ - ١١ - ٢٠٢٥</div><p>\(lead)</p></header>
            <div class="article-body"><p>\(body)</p>
            <p>نشر في اليوم السابع يوم ٢٣ - ١١ - ٢٠٢٥</p>
            <p>وأضاف أن الحكومة ستراجع الأسعار كل ثلاثة أشهر، بحسب تطورات السوق العالمية وسعر الصرف، وبالتشاور مع البرلمان.</p>
            </div></article></body></html>
            """
        let article = try extractor.extract(Fixture.page(body: Data(page.utf8)))
        #expect(article.paragraphs.first == lead, "the lead comes first: \(article.paragraphs)")
        #expect(article.paragraphs.count == 3, "the date line is metadata, not text: \(article.paragraphs)")
        let dated = page.replacingOccurrences(
            of: "<p>نشر في اليوم السابع يوم ٢٣ - ١١ - ٢٠٢٥</p>",
            with: "<p>الأربعاء، 28 آب/أغسطس 2013، آخر تحديث 14:00 (GMT+0400)</p>"
        )
        let datedArticle = try extractor.extract(Fixture.page(body: Data(dated.utf8)))
        #expect(datedArticle.paragraphs.count == 3, "a day-name date line is metadata too: \(datedArticle.paragraphs)")

        // A site whose logo is its `<h1>`: the teaser of another story under it is not a lead.
        let teaser =
            "تقرير خاص عن أسعار الذهب في الأسواق العربية هذا الأسبوع، مع توقعات الخبراء للأيام المقبلة وتحليل مفصل للأسباب."
        let logoPage = """
            <html><head><meta property="og:title" content="الحكومة ترفع دعم الوقود"></head><body><h1>بوابة الأخبار</h1>
            <div class="box"><p>\(teaser)</p></div>
            <article><h2>الحكومة ترفع دعم الوقود</h2><div class="article-body"><p>\(body)</p><p>\(lead)</p></div></article>
            </body></html>
            """
        let logoArticle = try extractor.extract(Fixture.page(body: Data(logoPage.utf8)))
        #expect(!logoArticle.paragraphs.contains(teaser), "\(logoArticle.paragraphs)")

        // Blogger sends the article as HTML inside a template script.
        let blogger = """
            <html><body><div class="post-body" itemprop="articleBody"><script type="text/template">
            <p>\(body)</p><p>\(lead)</p></script></div></body></html>
            """
        let templated = try extractor.extract(Fixture.page(body: Data(blogger.utf8)))
        #expect(templated.paragraphs == [body, lead])

        // A forum thread is only posts: they are its text.
        let forum = """
            <html><body><main><div class="comment-list"><div class="comment-text"><p>\(body)</p></div>
            <div class="comment-text"><p>\(lead)</p></div></div></main></body></html>
            """
        #expect(try extractor.extract(Fixture.page(body: Data(forum.utf8))).paragraphs == [body, lead])

        // Decomposed characters come out composed (NFC): أ written as ا + hamza above.
        let decomposed = "\u{0627}\u{0654}علنت الوزارة، صباح اليوم، نتائج المسابقة السنوية للمدارس في جميع المحافظات."
        let composedPage = "<html><body><article><p>\(decomposed)</p><p>\(body)</p></article></body></html>"
        let composed = try extractor.extract(Fixture.page(body: Data(composedPage.utf8)))
        #expect(composed.paragraphs.first?.unicodeScalars.first == "\u{0623}")
    }

    @Test("unclosed comments and scripts, and a 50 MB page, end quickly with a result or a clear error")
    func hostileMarkup() throws {
        let paragraph = "<p>فقرة عربية طويلة بما يكفي لتكون من نص الخبر، وفيها فواصل، وكلمات كثيرة.</p>"
        for html in [
            "<html><body>" + paragraph + "<!-- never closed " + String(repeating: "x", count: 100_000),
            "<html><body>" + paragraph + "<script>var a = '" + String(repeating: "<p>", count: 10_000),
        ] {
            let page = FetchedPage(
                url: "https://example.com/h",
                finalURL: "https://example.com/h",
                sourceID: "t",
                status: 200,
                contentType: "text/html; charset=utf-8",
                body: Data(html.utf8)
            )
            let article = try extractor.extract(page)
            #expect(article.paragraphs.allSatisfy { !$0.contains("never closed") && !$0.contains("var a") })
        }
        // 50 MB: a real article, 8 MB of markup soup, then 42 MB inside a comment that never closes.
        var big = Data(("<html><body><article><h1>عنوان</h1>" + paragraph + "</article><div>").utf8)
        let chunk = Data(String(repeating: "<span>ضجيج</span> ", count: 2_000).utf8)
        while big.count < 8 << 20 { big.append(chunk) }
        big.append(Data("<!-- ".utf8))
        let filler = Data(repeating: 0x61, count: 1 << 20)
        while big.count < 50 << 20 { big.append(filler) }
        let page = FetchedPage(
            url: "https://example.com/big",
            finalURL: "https://example.com/big",
            sourceID: "t",
            status: 200,
            contentType: "text/html; charset=utf-8",
            body: big
        )
        let started = Date()
        _ = try? extractor.extract(page)
        #expect(Date().timeIntervalSince(started) < 300, "bounded time")
    }
}
