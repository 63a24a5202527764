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
            "Load a corpus (JSON lines in the ANT format, .jsonl or .jsonl.gz) into a database, as the store would.",
        usage: "nashra import [--db PATH] FILE...",
        discussion: "FILE: corpus files. The database is --db or NASHRA_DB."
    )

    /// The files and the settings both come through the settings' group (ArgumentParser allows one list of
    /// arguments): the files are what is not a setting.
    @OptionGroup var settings: SettingOptions

    func run() throws {
        let (configuration, files) = try settings.configurationAndArguments()
        guard !files.isEmpty else { throw ValidationError("name the corpus files to import") }
        let path = configuration[Setting.database]
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
