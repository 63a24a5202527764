import ArgumentParser
import Classifier
import Foundation
import NashraRuntime
import Store
import StoreTools

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract:
            "Load a corpus (JSON lines in the ANT format, .jsonl or .jsonl.gz) into a database, as the store would."
    )

    @Option(help: "SQLite database (default: NASHRA_DB).") var db: String?
    @Argument(help: "Corpus files.") var files: [String]

    func run() throws {
        let path = try db ?? Configuration.fromEnvironment()[Setting.database]
        let store = try ArticleStore(path: path)
        let classifier = try ClassifierStage()
        let importer = CorpusImporter(store: store) { classifier.classify($0) }
        for file in files {
            let start = Date()
            let summary = try importer.importFile(file) { progress in
                FileHandle.standardError.write(Data("\r\(progress.imported) articles…".utf8))
            }
            let seconds = Date().timeIntervalSince(start)
            print(
                "\n\(file): \(summary.imported) articles imported from \(summary.read) lines in "
                    + String(
                        format: "%.1f s (%.0f articles/s)",
                        seconds,
                        Double(summary.imported) / max(seconds, 0.001)
                    )
            )
            if !summary.rejected.isEmpty {
                print("\(summary.rejected.count) line(s) rejected; the first ones:")
                for rejected in summary.rejected.prefix(5) { print("  line \(rejected.line): \(rejected.reason)") }
            }
        }
        print("\(try store.count()) articles in \(path)")
    }
}
