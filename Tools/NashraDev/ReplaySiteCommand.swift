import ArgumentParser
import Foundation
import Logging
import NashraRuntime
import ReplaySite

struct ReplaySiteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay-site",
        abstract: "Serve many simulated Arabic outlets built from real article texts, for load and chaos runs.",
        discussion: """
            Outlet k listens on 127.0.0.1:(port + k). --manifest gets one JSON line per page (url, outlet, \
            published, behaviour, fate); --sources gets a sources file for the frontier. The corpus defaults to \
            $NASHRA_DATA/ant/ant-v2.1-dev.jsonl.gz (NASHRA_DATA or --data; ../shared/data by default), else the project's \
            own deploy/replay/corpus.jsonl.
            """
    )

    @Option(help: "Corpus of article texts (ANT JSON lines, gzip or plain).") var corpus: String?
    @Option(help: "Good articles to publish (hostile pages come on top).") var articles = 1000
    @Option(help: "Simulated outlets, one port each.") var hosts = 20
    @Option(help: "Port of the first outlet.") var port = 8800
    @Option(help: "Articles published per second over all outlets; 0 publishes all at the start.") var rate = 0.0
    @Option(help: "Pages of each hostile kind (gone, gzip bomb, endless, deep nesting, invalid bytes).")
    var hostile = 1
    @Option(help: "One article in this many fails once with 503, one with 429; 0 for none.") var flakyEvery = 25
    @Option(help: "Delay of the slow outlets (one in seven), in milliseconds.") var slowMs = 150
    @Option(help: "Write the manifest (JSON lines) here.") var manifest: String?
    @Option(help: "Write a sources file for the frontier here.") var sources: String?
    @Option(help: "Poll interval written into the sources file, in seconds.") var pollInterval = 60
    @Option(help: "How many of its newest published pages each feed lists; 0 for every page published so far.")
    var feedItems = 0
    @OptionGroup var settings: SettingOptions

    func run() async throws {
        let data = try settings.configuration()[Setting.data]
        let stories = try ReplayCorpus.load(
            path: corpus,
            fallbacks: [data + "/ant/ant-v2.1-dev.jsonl.gz", "deploy/replay/corpus.jsonl"]
        )
        var settings = ReplayPlan.Settings()
        settings.articles = articles
        settings.hosts = hosts
        settings.firstPort = port
        settings.rate = rate
        settings.hostile = hostile
        settings.flakyEvery = flakyEvery
        settings.slowMilliseconds = slowMs
        settings.feedItems = feedItems
        let site = try ReplaySite(corpus: stories, settings: settings)
        if let manifest { try site.manifestLines().write(toFile: manifest, atomically: true, encoding: .utf8) }
        if let sources {
            try site.plan.sourcesYAML(pollInterval: pollInterval).write(
                toFile: sources,
                atomically: true,
                encoding: .utf8
            )
        }
        print(
            "replay publisher: \(hosts) outlets on 127.0.0.1:\(port)–\(port + hosts - 1), "
                + "\(site.plan.manifest.count) pages from \(stories.stories.count) stories of \(stories.origin)"
        )
        var logger = Logger(label: "nashra.replay-site")
        logger.logLevel = .warning
        try await site.run(logger: logger)
    }
}
