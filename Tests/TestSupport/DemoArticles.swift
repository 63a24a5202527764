import Classifier
import NashraMessages
import Parser

/// The offline demo site's articles (`deploy/demo/site`), two outlets with one wire story told by both, through
/// the real extractor and classifier: what the store and the reader site are tested on.
public enum DemoArticles {
    public static let pages = [
        "cairo/economy-inflation.html", "cairo/sport-league.html", "cairo/wire-summit.html",
        "madina/culture-festival.html", "madina/health-vaccine.html", "madina/wire-summit.html",
    ]

    public static func classified() throws -> [ClassifiedArticle] {
        let classifier = try ClassifierStage()
        return try pages.map { path in
            let url = "https://demo.example/" + path
            let article = try ArticleExtractor().extract(try Fixture.page("deploy/demo/site/" + path, url: url))
            return classifier.classify(article)
        }
    }
}
