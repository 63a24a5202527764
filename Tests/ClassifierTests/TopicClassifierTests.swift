import ArabicText
import Classifier
import ClassifierTraining
import Foundation
import NashraMessages
import Parser
import StoryGrouping
import TestSupport
import Testing

/// A small labelled corpus the test writes itself: Arabic sentences built from each topic's vocabulary (with
/// diacritics, hamza forms and tatweel mixed in) plus shared news words, so that only the topic words tell.
enum FixtureCorpus {
    static let vocabulary: [String: [String]] = [
        "sport": [
            "المباراة", "المنتخب", "الدوري", "هدفين", "اللاعب", "المدرب", "البطولة", "الملعب", "الفريق", "كأس",
            "ركلة", "الحارس", "الأهلي", "الزمالك", "التأهل",
        ],
        "money": [
            "البورصة", "الأسهم", "التضخم", "الفائدة", "البنك", "الجنيه", "الدولار", "الاستثمار", "الصادرات",
            "الموازنة", "السندات", "النفط", "الأسعار", "المصرف", "الضرائب",
        ],
        "arts": [
            "الفيلم", "المهرجان", "الرواية", "المسرح", "الفنان", "الأغنية", "السينما", "المعرض", "الشاعر",
            "الموسيقى", "الممثلة", "المخرج", "الكتاب", "اللوحة", "الجائزة",
        ],
        "politics": [
            "البرلمان", "الوزير", "الانتخابات", "الحكومة", "الرئيس", "المعارضة", "الدستور", "السفير", "القمة",
            "المفاوضات", "الحزب", "النواب", "الوزراء", "الاتفاق", "الدبلوماسية",
        ],
        "medicine": [
            "المستشفى", "الأطباء", "المرضى", "العلاج", "الدواء", "اللقاح", "الفيروس", "السرطان", "الصحة",
            "الوباء", "التطعيم", "العيادة", "الطبيب", "الأمراض", "الممرضين",
        ],
        "devices": [
            "الهاتف", "التطبيق", "الإنترنت", "الذكاء", "الاصطناعي", "البرمجيات", "الحاسوب", "الشبكة", "الروبوت",
            "الرقمية", "الأجهزة", "المستخدمين", "التقنية", "البيانات", "الشريحة",
        ],
    ]
    static let filler = ["قال", "مصدر", "اليوم", "في", "بيان", "إن", "خلال", "الأسبوع", "المقبل", "وأضاف", "أمس"]

    /// `count` articles of `label`, deterministic for a given `seed`.
    static func articles(_ label: String, count: Int, outlet: String, seed: UInt64, filedAs: String? = nil)
        -> [LabeledArticle]
    {
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let words = vocabulary[label]!
        return (0..<count).map { index in
            func sentence() -> String {
                (0..<8).map { _ in next(3) == 0 ? words[next(words.count)] : filler[next(filler.count)] }
                    .joined(separator: " ")
            }
            let decorated = [sentence(), "وَقَالَ المـــصدر " + sentence(), "أكّد " + sentence()]
            return LabeledArticle(
                id: "\(outlet)-\(label)-\(index)",
                outlet: outlet,
                title: words[next(words.count)] + " " + sentence(),
                text: decorated.joined(separator: "\n"),
                label: filedAs ?? label
            )
        }
    }

    /// Two outlets labelled in the product's sections: A's sport and economy, B's middleEast.
    static func productSections() -> [LabeledArticle] {
        articles("sport", count: 80, outlet: "A", seed: 1, filedAs: "sport")
            + articles("money", count: 80, outlet: "A", seed: 2, filedAs: "economy")
            + articles("politics", count: 80, outlet: "B", seed: 3, filedAs: "middleEast")
    }

    static func provenance(_ count: Int) -> TopicModel.Provenance {
        TopicModel.Provenance(corpus: "fixture", documents: count, trainedAt: "test", command: "test")
    }
}

@Suite("Classifier") struct ClassifierTests {
    @Test("a model trained on a small corpus with its own labels classifies unseen articles, and survives a file")
    func trainOnAFixtureCorpus() throws {
        let labels = ["sport", "money", "arts", "politics"]
        let training = labels.enumerated().flatMap {
            FixtureCorpus.articles($1, count: 80, outlet: "A", seed: UInt64($0))
        }
        let testing = labels.enumerated().flatMap {
            FixtureCorpus.articles($1, count: 20, outlet: "B", seed: UInt64($0) + 100)
        }
        let (model, report) = try TopicTrainer().train(
            training,
            labelMap: LabelMap(),
            provenance: FixtureCorpus.provenance(training.count)
        )
        #expect(model.labels == labels.sorted())
        #expect(report.heldOut == 32)
        #expect(report.seeded.isEmpty)
        let classifier = TopicClassifier(model: model)
        let predicted = testing.map { classifier.classify(title: $0.title, text: $0.text).topic }
        let evaluation = TopicEvaluation(truth: testing.map(\.label), predicted: predicted)
        #expect(evaluation.accuracy > 0.9, "\(evaluation.report)")
        #expect(evaluation.macroF1 > 0.9)
        #expect(evaluation.report.contains("confusion"))

        // Written (int8 weights, gzip) and read back, it decides the same.
        let path = try TestEnvironment.temporaryDirectory() + "/fixture.nmodel"
        try model.write(to: path)
        let loaded = TopicClassifier(model: try TopicModel.load(from: path))
        #expect(loaded.model.provenance == model.provenance)
        let reloaded = testing.map { loaded.classify(title: $0.title, text: $0.text).topic }
        #expect(zip(predicted, reloaded).filter { $0 != $1 }.count <= 1)

        // A file that is not a model is refused with a clear error.
        try Data("not a model".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: ModelFileError.self) { try TopicModel.load(from: path) }
    }

    @Test("calibration: sure on clear articles, unsure and marked uncertain without evidence")
    func calibration() throws {
        let labels = ["sport", "money", "arts"]
        let training = labels.enumerated().flatMap {
            FixtureCorpus.articles($1, count: 80, outlet: "A", seed: UInt64($0))
        }
        let (model, report) = try TopicTrainer().train(
            training,
            labelMap: LabelMap(),
            provenance: FixtureCorpus.provenance(training.count)
        )
        #expect(report.temperature > 0)
        let classifier = TopicClassifier(model: model, threshold: 0.6)
        let clear = classifier.classify(title: "المنتخب يفوز في المباراة", text: "سجل اللاعب هدفين في الدوري والبطولة")
        #expect(clear.topic == "sport")
        #expect(clear.confidence > 0.8 && !clear.uncertain)
        #expect(abs(clear.probabilities.reduce(0, +) - 1) < 1e-9)
        let nothing = classifier.classify(title: "", text: "")
        #expect(nothing.confidence < 0.6 && nothing.uncertain, "no evidence, no confidence: \(nothing)")
        // Mean confidence tracks accuracy on held-out articles.
        let testing = labels.enumerated().flatMap {
            FixtureCorpus.articles($1, count: 30, outlet: "B", seed: UInt64($0) + 7)
        }
        let decisions = testing.map { classifier.classify(title: $0.title, text: $0.text) }
        let accuracy = Double(zip(decisions, testing).filter { $0.topic == $1.label }.count) / Double(testing.count)
        let meanConfidence = decisions.map(\.confidence).reduce(0, +) / Double(decisions.count)
        #expect(abs(accuracy - meanConfidence) < 0.15, "accuracy \(accuracy), mean confidence \(meanConfidence)")
    }

    @Test("an outlet without a section files its stories elsewhere: partial labels learn it, plain labels learn noise")
    func partialLabels() throws {
        // Outlet A has a politics section; outlet B has none and files politics under "money".
        var training = ["sport", "money", "politics"].enumerated().flatMap {
            FixtureCorpus.articles($1, count: 60, outlet: "A", seed: UInt64($0))
        }
        training += FixtureCorpus.articles("sport", count: 60, outlet: "B", seed: 11)
        training += FixtureCorpus.articles("money", count: 60, outlet: "B", seed: 12)
        training += FixtureCorpus.articles("politics", count: 120, outlet: "B", seed: 13, filedAs: "money")
        let map = LabelMap(outlets: ["B": ["money": ["money", "politics"]]])
        #expect(map.candidates(outlet: "B", label: "money") == ["money", "politics"])
        #expect(map.outletLabel(for: "politics", outlet: "B", outletLabels: ["sport", "money"]) == "money")
        #expect(map.outletLabel(for: "politics", outlet: "A", outletLabels: ["sport", "money"]) == nil)

        let politics = FixtureCorpus.articles("politics", count: 40, outlet: "C", seed: 99)
        func recall(_ map: LabelMap) throws -> Double {
            let (model, _) = try TopicTrainer().train(training, labelMap: map, provenance: FixtureCorpus.provenance(0))
            let classifier = TopicClassifier(model: model)
            return Double(
                politics.filter { classifier.classify(title: $0.title, text: $0.text).topic == "politics" }.count
            )
                / Double(politics.count)
        }
        let withMap = try recall(map)
        let without = try recall(LabelMap())
        #expect(withMap > 0.9, "politics recall with partial labels: \(withMap)")
        #expect(withMap > without, "with \(withMap), without \(without)")
    }

    @Test("partial labels are learned: an outlet that files politics under money is found by the other outlets")
    func learnedPartialLabels() throws {
        // A and B have a politics section; C has none and files politics under "money", as in the test above,
        // but no map says so.
        var training: [LabeledArticle] = []
        for (offset, outlet) in ["A", "B"].enumerated() {
            training += ["sport", "money", "politics"].enumerated().flatMap {
                FixtureCorpus.articles($1, count: 60, outlet: outlet, seed: UInt64(10 * offset + $0))
            }
        }
        training += FixtureCorpus.articles("sport", count: 60, outlet: "C", seed: 31)
        training += FixtureCorpus.articles("money", count: 60, outlet: "C", seed: 32)
        training += FixtureCorpus.articles("politics", count: 60, outlet: "C", seed: 33, filedAs: "money")
        let politics = FixtureCorpus.articles("politics", count: 40, outlet: "D", seed: 99)
        func recall(_ model: TopicModel) -> Double {
            let classifier = TopicClassifier(model: model)
            let right = politics.filter { classifier.classify(title: $0.title, text: $0.text).topic == "politics" }
            return Double(right.count) / Double(politics.count)
        }
        let (model, report) = try TopicTrainer().train(
            training,
            labelMap: LabelMap(),
            provenance: FixtureCorpus.provenance(0)
        )
        // Only C's money is found to stand for politics too; the model file says so.
        #expect(report.learned.mapValues { $0.mapValues { Set($0.keys) } } == ["C": ["money": ["politics"]]])
        #expect(model.provenance.labelMap.candidates(outlet: "C", label: "money") == ["money", "politics"])
        var plain = TopicTrainer()
        plain.learnedLabels = nil
        let (unlearned, none) = try plain.train(training, labelMap: LabelMap(), provenance: FixtureCorpus.provenance(0))
        #expect(none.learned.isEmpty)
        #expect(recall(model) >= recall(unlearned), "learned \(recall(model)), as given \(recall(unlearned))")
        // With two outlets, a model of one would mistake its own habits for the sections: nothing is learned.
        let twoOutlets = training.filter { $0.outlet != "B" }
        let (_, two) = try TopicTrainer().train(
            twoOutlets,
            labelMap: LabelMap(),
            provenance: FixtureCorpus.provenance(0)
        )
        #expect(two.learned.isEmpty)
    }

    @Test("the shipped model: ANT's labels, provenance, and real Arabic headlines in their sections")
    func shippedModel() throws {
        let classifier = try TopicClassifier.load()
        #expect(
            classifier.labels == [
                "culture", "economy", "health", "internationalNews", "middleEast", "sport", "technology",
            ]
        )
        #expect(classifier.model.provenance.corpus == "ant-v2.1-dev.jsonl.gz")
        #expect(classifier.model.provenance.documents > 20_000)
        let sport = classifier.classify(
            title: "منتخب مصر يفوز على تونس بهدفين في تصفيات كأس العالم",
            text: "سجّل محمد صلاح هدفي المنتخب في الشوط الثاني من المباراة التي أقيمت على استاد القاهرة الدولي."
        )
        #expect(sport.topic == "sport" && sport.confidence > 0.8)
        let economy = classifier.classify(
            title: "البنك المركزي يرفع أسعار الفائدة ٢٠٠ نقطة أساس لكبح التضخم",
            text: "قرر البنك المركزي المصري رفع سعر عائد الإيداع، وتراجع الجنيه أمام الدولار في البورصة."
        )
        #expect(economy.topic == "economy")
        let technology = classifier.classify(
            title: "آبل تطلق هاتف آيفون جديدا بتقنيات الذكاء الاصطناعي",
            text: "كشفت الشركة عن الهاتف الذكي ونظام التشغيل الجديد وتطبيقات تعمل بالذكاء الاصطناعي."
        )
        #expect(technology.topic == "technology")
        // Health: seeded from its words (ANT has no health section; Sky News files it under technology).
        let health = classifier.classify(
            title: "وزارة الصحة تطلق حملة تطعيم ضد شلل الأطفال",
            text: "أكد الأطباء أن اللقاح آمن، وأن المستشفيات استعدت لاستقبال الأطفال في العيادات."
        )
        #expect(health.topic == "health", "\(health)")
        let cancer = classifier.classify(
            title: "دراسة: علاج جديد يبطئ نمو أورام السرطان",
            text: "قال باحثون إن الدواء التجريبي خفف أعراض المرضى في المرحلة الثانية من التجارب السريرية."
        )
        #expect(cancer.topic == "health", "\(cancer)")
        // Headlines alone, as feeds and short items give them (training shows the model headlines alone too).
        for headline in ["الاتحاد يتعاقد مع لاعب غاني لمدة موسمين", "حديث لاعبي النصر قبل مواجهة الهلال"] {
            #expect(classifier.classify(title: headline, text: "").topic == "sport", "\(headline)")
        }
        #expect(classifier.classify(title: "ارتفاع أسعار النفط مع تراجع المخزونات", text: "").topic == "economy")
        #expect(classifier.model.provenance.labelMap.candidates(outlet: "SkyNews", label: "technology").count > 1)
        // The publisher's section is a prior: it tips an ambiguous text, it does not invent evidence.
        let sportIndex = try #require(classifier.labels.firstIndex(of: "sport"))
        let ambiguous = classifier.classify(title: "اجتماع في القاهرة", text: "عقد الاجتماع اليوم")
        let hinted = classifier.classify(
            title: "اجتماع في القاهرة",
            text: "عقد الاجتماع اليوم",
            section: PublisherSection(name: "رياضة")
        )
        #expect(hinted.probabilities[sportIndex] > ambiguous.probabilities[sportIndex])
        let healthHint = classifier.classify(
            title: "اجتماع في القاهرة",
            text: "عقد الاجتماع اليوم",
            section: PublisherSection(name: "صحة")
        )
        let healthIndex = try #require(classifier.labels.firstIndex(of: "health"))
        #expect(healthHint.probabilities[healthIndex] > ambiguous.probabilities[healthIndex])
    }

    @Test(
        "on real outlets (ANT): trained on two outlets, it classifies the third",
        .enabled(if: TestEnvironment.hasSharedData("ant/ant-v2.1-dev.jsonl.gz"), "ANT is absent (set NASHRA_DATA)")
    )
    func unseenOutlet() throws {
        let corpus = try #require(TestEnvironment.sharedData("ant/ant-v2.1-dev.jsonl.gz"))
        let articles = try LabeledCorpus.read(corpus).articles
        var generator = Seeded()
        let training = Array(articles.filter { $0.outlet != "CNN" }.shuffled(using: &generator).prefix(4000))
        let testing = Array(articles.filter { $0.outlet == "CNN" }.prefix(800))
        let (model, _) = try TopicTrainer().train(
            training,
            labelMap: LabelMap(outlets: ["Alarabia": ["internationalNews": ["internationalNews", "middleEast"]]]),
            provenance: FixtureCorpus.provenance(training.count)
        )
        let classifier = TopicClassifier(model: model)
        let evaluation = TopicEvaluation(
            truth: testing.map(\.label),
            predicted: testing.map { classifier.classify(title: $0.title, text: $0.text).topic }
        )
        #expect(evaluation.macroF1 > 0.7, "\(evaluation.report)")
    }

    @Test("a section no training outlet has is learned from its seed words; another taxonomy is left alone")
    func seededSection() throws {
        // Two outlets in the product's sections, neither with a culture section: culture stories are filed
        // under middleEast and sport.
        var training = FixtureCorpus.productSections()
        training += FixtureCorpus.articles("arts", count: 30, outlet: "A", seed: 4, filedAs: "middleEast")
        training += FixtureCorpus.articles("arts", count: 30, outlet: "B", seed: 5, filedAs: "sport")
        let (model, report) = try TopicTrainer().train(
            training,
            labelMap: LabelMap(),
            provenance: FixtureCorpus.provenance(training.count)
        )
        #expect(model.labels == ["culture", "economy", "middleEast", "sport"])
        #expect((report.seeded["culture"]?.count ?? 0) >= 40, "\(report.seeded)")
        let classifier = TopicClassifier(model: model)
        let culture = classifier.classify(
            title: "مهرجان القاهرة السينمائي يكرّم الفنانة في حفل الافتتاح",
            text: "عُرض الفيلم في المسرح الكبير بحضور المخرج والموسيقى التصويرية للعمل."
        )
        #expect(culture.topic == "culture", "\(culture)")
        let sport = classifier.classify(title: "المنتخب يفوز في المباراة", text: "سجل اللاعب هدفين في الدوري")
        #expect(sport.topic == "sport")

        // Seeds are words of the section only: a government being formed («تشكيل») or a party's account of
        // events («رواية») is not culture.
        let seeds = TopicSeeds()
        #expect(seeds.score(title: "مهرجان السينما", text: "فيلم الفنانة", label: "culture", limit: 400) > 0.5)
        let politics = seeds.score(
            title: "الرئيس يكلف رئيس الوزراء بتشكيل الحكومة الجديدة",
            text: "ونفت المعارضة رواية الحكومة عن المفاوضات، وقال ممثل الحزب إن الاتفاق الفني لم يكتمل.",
            label: "culture",
            limit: 400
        )
        #expect(politics == 0)
        // A corpus with its own taxonomy (sport, money, arts) is not given the product's culture section.
        #expect(seeds.missing(from: ["sport", "money", "arts"]).isEmpty)
        #expect(seeds.missing(from: ["sport", "economy"]) == ["culture", "health"])
        #expect(seeds.missing(from: ["sport", "culture", "health"]).isEmpty)
    }

    @Test("health filed under technology (a partial label) is seeded from its words and predicted as health")
    func healthFromAPartialLabel() throws {
        // Outlet S has no health section and files health under technology, as Sky News Arabia does; outlet A's
        // technology is technology only (as Al Arabiya's and CNN's are).
        var training = FixtureCorpus.productSections()
        training += FixtureCorpus.articles("devices", count: 60, outlet: "A", seed: 6, filedAs: "technology")
        training += FixtureCorpus.articles("devices", count: 80, outlet: "S", seed: 4, filedAs: "technology")
        training += FixtureCorpus.articles("medicine", count: 60, outlet: "S", seed: 5, filedAs: "technology")
        let map = LabelMap(outlets: ["S": ["technology": ["technology", "health"]]])
        // The map names health, yet no article is health for certain: it is seeded all the same.
        let (model, report) = try TopicTrainer().train(training, labelMap: map, provenance: FixtureCorpus.provenance(0))
        #expect(model.labels == ["economy", "health", "middleEast", "sport", "technology"])
        #expect((report.seeded["health"]?.count ?? 0) >= 40, "\(report.seeded.mapValues(\.count))")
        #expect(report.seeded["health"]?.allSatisfy { training[$0].id.contains("medicine") } == true)
        let classifier = TopicClassifier(model: model)
        let vaccine = classifier.classify(
            title: "وزارة الصحة تطلق حملة تطعيم ضد شلل الأطفال في المدارس",
            text: "قال الطبيب المسؤول إن اللقاح آمن، وإن المستشفيات والعيادات استعدت لاستقبال المرضى."
        )
        #expect(vaccine.topic == "health", "\(vaccine) \(report.learned)")
        let phone = classifier.classify(
            title: "شركة تطلق هاتفا جديدا بتقنيات الذكاء الاصطناعي",
            text: "يعمل التطبيق على الأجهزة الرقمية ويحمي بيانات المستخدمين على الشبكة."
        )
        #expect(phone.topic == "technology", "\(phone)")
    }

    @Test("the word memo changes nothing: the same buckets with and without it, across models and articles")
    func wordMemo() {
        let articles = [
            ("الأهلي يفوز على الزمالك", "سجّل اللاعب هدفين في المباراة، وقال المدرب إن الفريق لعب جيداً."),
            ("البورصة المصرية تربح ١٠ مليارات", "ارتفعت الأسهم وتراجع الدولار أمام الجنيه في البورصة."),
            ("الأهلي يفوز على الزمالك", "الأهلي الأهلي الأهلي ماليزيا وإريتريا"),
        ]
        var memo = FeatureScratch()
        for features in [TopicFeatures(), TopicFeatures(bits: 12, wordBigrams: true), TopicFeatures()] {
            for (title, text) in articles + articles {
                var plain = FeatureScratch(memo: false)
                let headline = features.extract(title: title, text: text, into: &plain)
                #expect(features.extract(title: title, text: text, into: &memo) == headline)
                #expect(memo.indices == plain.indices)
            }
        }
    }

    @Test("places of one region share a feature: Malaysia and Eritrea are the world, Syria is not")
    func placeLexicon() throws {
        func buckets(_ word: String, _ features: TopicFeatures = TopicFeatures()) -> Set<UInt32> {
            var scratch = FeatureScratch()
            features.extract(title: "", text: word, into: &scratch)
            return Set(scratch.indices)
        }
        #expect(!buckets("ماليزيا").isDisjoint(with: buckets("وإريتريا")))
        #expect(!buckets("السوري").isDisjoint(with: buckets("اليمن")))
        #expect(buckets("ماليزيا").isDisjoint(with: buckets("سوريا")))
        #expect(buckets("ماليزيا", TopicFeatures(lexiconFeatures: false)).count == 1)
        // A model file written before these features existed decodes with them off.
        let old = #"{"bits":18,"wordBigrams":true,"charGrams":[],"maximumTokens":400}"#
        let decoded = try JSONDecoder().decode(TopicFeatures.self, from: Data(old.utf8))
        #expect(decoded == TopicFeatures(bits: 18, wordBigrams: true, lexiconFeatures: false))
    }

    @Test("a rewritten wire story is near its original; an unrelated story is not")
    func signatures() throws {
        let extractor = ArticleExtractor()
        func text(_ path: String) throws -> String {
            let article: Article = try extractor.extract(try Fixture.page(path))
            return article.title + "\n" + article.paragraphs.joined(separator: "\n")
        }
        let signatures = StorySignature()
        let cairo = signatures.signature(of: try text("deploy/demo/site/cairo/wire-summit.html"))
        let madina = signatures.signature(of: try text("deploy/demo/site/madina/wire-summit.html"))
        let other = signatures.signature(of: try text("deploy/demo/site/madina/health-vaccine.html"))
        #expect(StorySignature.similarity(cairo, madina) > 0.5)
        #expect(StorySignature.similarity(cairo, other) < 0.1)
        let sentence = "اختتمت القمة العربية أعمالها مساء الأحد بإصدار بيان ختامي يدعو إلى وقف فوري وشامل لإطلاق النار"
        let voweled =
            "اختتمتِ القمّةُ العربيّة أعمالَها مساءَ الأحد بإصدار بيانٍ ختاميّ يدعو إلى وقفٍ فوريّ وشاملٍ لإطلاق النـــار"
        #expect(signatures.signature(of: sentence) == signatures.signature(of: voweled), "diacritics do not matter")
        #expect(signatures.signature(of: sentence).count == 64)
        #expect(signatures.signature(of: "كاريكاتير اليوم").isEmpty, "a caption is not a story to group")
    }

    @Test("a wire story republished with paragraphs added is the same story by containment; another story is not")
    func containedStory() throws {
        let extractor = ArticleExtractor()
        func paragraphs(_ path: String) throws -> [String] {
            let article: Article = try extractor.extract(try Fixture.page(path))
            return [article.title] + article.paragraphs
        }
        let wire = try paragraphs("deploy/demo/site/cairo/wire-summit.html")
        let other = try paragraphs("deploy/demo/site/madina/health-vaccine.html")
        // The wire story inside a long piece: the outlet's own reporting runs three times its length.
        var own: [String] = []
        var random = Seeded()
        let words = other.joined(separator: " ").split(separator: " ")
        for _ in 0..<(3 * wire.joined().count / 60) {
            own.append(
                (0..<12).map { _ in String(words[Int(random.next() % UInt64(words.count))]) }.joined(separator: " ")
            )
        }
        let signer = StorySignature()
        let (shortText, longText) = (wire.joined(separator: "\n"), (wire + own).joined(separator: "\n"))
        let unrelatedText = other.joined(separator: "\n")
        let (short, long) = (signer.signature(of: shortText), signer.signature(of: longText))
        let similarity = StorySimilarity.estimate(short, long)
        #expect(similarity < 0.5, "Jaccard alone misses it: \(similarity)")
        #expect(StorySimilarity.worthVerifying(short, long), "but the signatures are close enough to read the texts")
        let contained = StorySimilarity.sameStory(WordShingles.set(of: shortText), WordShingles.set(of: longText))
        #expect(contained == 1, "every shingle of the wire copy is in the long piece")
        #expect(!StorySimilarity.worthVerifying(short, signer.signature(of: unrelatedText)))
        #expect(StorySimilarity.sameStory(WordShingles.set(of: shortText), WordShingles.set(of: unrelatedText)) == nil)
    }

    @Test("word shingles: the same normalised words give the same set, in order and without repeats")
    func wordShingles() {
        let plain = "اختتمت القمة العربية أعمالها مساء الأحد"
        let voweled = "اختتمتِ القمّةُ العربيّة أعمالَها مساءَ الأحد"
        let set = WordShingles.set(of: plain)
        #expect(set.count == 4, "six words, four 3-shingles")
        #expect(set == WordShingles.set(of: voweled), "diacritics do not matter")
        #expect(set == set.sorted() && Set(set).count == set.count)
        #expect(WordShingles.set(of: plain + " " + plain).count == 6, "a repeat adds only the two shingles across it")
        #expect(WordShingles.set(of: "خبر عاجل").isEmpty)
        #expect(StorySimilarity.containment(set, WordShingles.set(of: plain + " وانتهت الجلسة")) == 1)
        #expect(StorySimilarity.containment(set, []) == 0)
    }
}

/// A fixed-seed generator for reproducible shuffles in tests.
struct Seeded: RandomNumberGenerator {
    var state: UInt64 = 42
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state
    }
}
