import ArgumentParser
import Foundation
import Logging
import NashraRuntime
import Store

/// `nashra stories`: the stories told by more than one outlet, latest copy first, with the address of each one's
/// page on the reader site («التغطية الكاملة»).
struct StoriesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stories",
        abstract: "List the stories told by more than one outlet, with their pages on the reader site."
    )

    @Option(help: "How many.") var limit = 20
    @Option(help: "The reader site's address, for the pages' links.") var site = "http://127.0.0.1:8080"
    @OptionGroup var settings: SettingOptions

    func run() async throws {
        let location = try settings.configuration()[Setting.database]
        guard PostgresArchive.handles(location) || FileManager.default.fileExists(atPath: location) else {
            throw ValidationError("no database at \(location) (set --db or NASHRA_DB)")
        }
        let store = try await openNewsArchive(location, logger: Logger(label: "nashra.stories"))
        let stories = try await store.multiOutletStories(limit: max(1, limit), before: nil)
        let headlines = try await store.headlines(ids: stories.map(\.story))
        await store.close()
        let titles = Dictionary(headlines.map { ($0.id, $0.title) }, uniquingKeysWith: { first, _ in first })
        print("stories told by more than one outlet: \(stories.count), latest first")
        for story in stories {
            print("\(story.outlets) outlets  \(titles[story.story] ?? story.story)  \(site)/story/\(story.story)")
        }
    }
}
