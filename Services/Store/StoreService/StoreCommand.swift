import ArgumentParser
import Foundation
import Hummingbird
import NashraOperations
import NashraRuntime
import ReaderWeb
import Store

@main
struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nashra-store",
        abstract: "Stores classified articles and feed reports in NASHRA_DB (a SQLite path or postgres://…), and "
            + "serves the reader site from it.",
        discussion: ServiceMain.settingsHelp,
        subcommands: [WriterRole.self, WebRole.self],
        defaultSubcommand: WriterRole.self
    )

    struct WriterRole: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "writer",
            abstract: "Stores classified articles and feed reports (nashra.classified, nashra.health).",
            discussion: ServiceMain.settingsHelp
        )
        @OptionGroup var settings: SettingOptions

        func run() async throws {
            try await ServiceMain.start(
                settings,
                label: "nashra.store.writer",
                histogramBuckets: [StoreStage.freshnessMetric: StoreStage.freshnessBuckets]
            ) { configuration, logger in
                let store = try await openNewsArchive(configuration[Setting.database], logger: logger)
                let settings = try StageRunner.Settings(configuration)
                let inspector = try QueueInspector(configuration)
                let runner = StageRunner(
                    processor: StoreStage(store: store, logger: logger),
                    settings: settings,
                    logger: logger
                )
                // The frontier's feed reports (`nashra.health`), for the reader site's sources directory.
                let health = StageRunner(
                    processor: HealthStage(store: store, logger: logger),
                    settings: settings,
                    logger: logger
                )
                let retention = RetentionService(
                    store: store,
                    days: try configuration.integer(Setting.retentionDays, in: 0...36_500),
                    logger: logger
                )
                try await runner.serve(
                    name: "store",
                    configuration: configuration,
                    defaultPort: 9104,
                    logger: logger,
                    alongside: [retention, StageService(runner: health)],
                    // The queues and scaling advice for operators, on this (non-public) port.
                    routes: { router in
                        OperationsStatusPage.addRoute(to: router, inspection: CachedQueueInspection(inspector))
                    }
                )
            }
        }
    }

    struct WebRole: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "web",
            abstract: "Serves the reader site and its JSON API from NASHRA_DB (default port 8080).",
            discussion: ServiceMain.settingsHelp
        )
        @OptionGroup var settings: SettingOptions

        func run() async throws {
            try await ServiceMain.start(settings, label: "nashra.store.web") { configuration, logger in
                let store = try await openNewsArchive(configuration[Setting.database], logger: logger)
                let router = Router(context: ReaderContext.self)
                ServiceMain.addOperationsRoutes(to: router, service: "web") { true }
                ReaderSite(
                    store: store,
                    reportThreshold: try configuration.integer(Setting.imageReportThreshold, in: 1...1000),
                    publicURL: configuration[Setting.publicURL],
                    ranking: StoryRanking(
                        breakingOutlets: try configuration.integer(Setting.breakingOutlets, in: 2...100),
                        breakingWindow: Double(try configuration.integer(Setting.breakingMinutes, in: 1...1440)) * 60
                    ),
                    clients: ClientAddresses(trustedProxies: configuration[Setting.trustedProxies]),
                    searchesPerMinute: try configuration.integer(Setting.searchesPerMinute, in: 1...100_000)
                ).addRoutes(to: router)
                let port = try configuration.httpPort(default: 8080)
                logger.info("reader site on http://\(configuration[Setting.httpHost]):\(port)/")
                try await ServiceMain.run(
                    services: [],
                    router: router,
                    host: configuration[Setting.httpHost],
                    port: port,
                    idleTimeout: 30,
                    headDeadline: 20,
                    logger: logger
                )
            }
        }
    }
}
