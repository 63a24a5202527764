import Classifier
import Foundation
import NashraModel
import Parser
import Testing

@Suite("Classifier") struct ClassifierTests {
    let classifier = TopicClassifier()

    @Test func arabicArticlesGetTheirTopic() {
        #expect(
            classifier.classify(title: "المنتخب يفوز على تونس في مباراة ودية", text: "سجل لاعب الفريق هدفين").topic
                == "sport"
        )
        #expect(
            classifier.classify(title: "البنك المركزي يثبت أسعار الفائدة", text: "تراجع التضخم والدولار").topic
                == "economy"
        )
        #expect(classifier.classify(title: "مهرجان للسينما", text: "فيلم ورواية ومسرح").topic == "culture")
    }

    @Test("with no evidence it says so instead of guessing")
    func uncertain() {
        let decision = classifier.classify(title: "يوم مشمس", text: "خرج الناس إلى الحدائق")
        #expect(decision.topic == "general")
        #expect(decision.uncertain)
        #expect(decision.confidence == 0)
        let mixed = classifier.classify(title: "وزير الصحة يزور المستشفى", text: "")
        #expect(mixed.confidence < 0.9)
    }

    @Test("a rewritten wire story is near its original; an unrelated story is not")
    func signatures() throws {
        let extractor = ArticleExtractor()
        func text(_ path: String) throws -> String {
            let article = try extractor.extract(try Fixture.page(path))
            return article.title + "\n" + article.paragraphs.joined(separator: "\n")
        }
        let signatures = StorySignature()
        let cairo = signatures.signature(of: try text("deploy/demo/site/cairo/wire-summit.html"))
        let madina = signatures.signature(of: try text("deploy/demo/site/madina/wire-summit.html"))
        let other = signatures.signature(of: try text("deploy/demo/site/madina/health-vaccine.html"))
        #expect(StorySignature.similarity(cairo, madina) > 0.5)
        #expect(StorySignature.similarity(cairo, other) < 0.1)
        #expect(signatures.signature(of: "نص") == signatures.signature(of: "نَصّ"), "diacritics do not matter")
    }
}
