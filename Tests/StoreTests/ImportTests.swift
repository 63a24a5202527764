import ArabicText
import Classifier
import Foundation
import NashraMessages
import Store
import StoreTools
import TestSupport
import Testing

@Suite("Corpus import") struct ImportTests {
    @Test("a gzip JSON-lines corpus goes in through the store's path; bad lines are counted, not dropped silently")
    func importsCorpus() throws {
        let store = try ArticleStore(path: try TestEnvironment.temporaryDirectory() + "/archive.sqlite")
        let classifier = try ClassifierStage()
        let importer = CorpusImporter(store: store) { classifier.classify($0) }
        let summary = try importer.importFile(Fixture.root.path + "/Tests/Fixtures/corpus-sample.jsonl.gz")
        #expect(summary.read == 5)
        #expect(summary.imported == 3)
        #expect(summary.rejected.map(\.line) == [3, 5])
        #expect(try store.count() == 3)
        // The same path as the store: classified, searchable, clustered, dated.
        let hits = try store.search("المنتخب")
        #expect(hits.count == 2)
        let first = try #require(hits.first { $0.article.url == "https://demo.example/1" })
        #expect(first.article.topic == "sport")
        #expect(first.article.published == NewsDateParser.parse("2018-07-15T17:56:56Z"))
        #expect(try store.sameStory(as: first.article.id).map(\.url) == ["https://other.example/3"])
        // Importing again changes nothing.
        _ = try importer.importFile(Fixture.root.path + "/Tests/Fixtures/corpus-sample.jsonl.gz")
        #expect(try store.count() == 3)
    }
}
