import Foundation
import Hummingbird
import NashraOperations
import NashraRuntime
import ReaderWeb
import Store

let usage = """
    nashra-store: stores classified articles and feed reports (nashra.classified, nashra.health → NASHRA_DB: a
        SQLite path or postgres://…)
    nashra-store web: serves the reader site and JSON API from NASHRA_DB (default port 8080)
    """
let configuration = ServiceMain.configuration(usage: usage)
let role = configuration.positional.first ?? "writer"
let logger = ServiceMain.bootstrap(
    configuration,
    label: "nashra.store.\(role)",
    histogramBuckets: [StoreStage.freshnessMetric: StoreStage.freshnessBuckets]
)
do {
    let store = try await openNewsArchive(configuration[Setting.database], logger: logger)
    switch role {
    case "writer":
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
    case "web":
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
            logger: logger
        )
    default:
        logger.critical("unknown role \(role): use writer (default) or web")
        exit(64)
    }
} catch {
    logger.critical("store failed: \(error)")
    exit(1)
}
