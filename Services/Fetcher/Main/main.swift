import Fetcher
import Foundation
import Hummingbird
import NashraAMQP
import NashraHTTP
import NashraRuntime

let usage = """
    nashra-fetcher frontier: owns the sources, feed schedule and seen URLs (one instance)
    nashra-fetcher worker:   executes fetch jobs (any number of instances)
    """
let configuration = ServiceMain.configuration(usage: usage)
let role = configuration.positional.first ?? "worker"
let logger = ServiceMain.bootstrap(configuration, label: "nashra.fetcher.\(role)")
do {
    let settings = try StageRunner.Settings(configuration)
    let router = Router()
    switch role {
    case "frontier":
        let catalog = try SourceCatalog.load(path: configuration[Setting.sources])
        let state = try FrontierState(directory: configuration[Setting.stateDir])
        let intake = FrontierIntake(topology: settings.topology, state: state, catalog: catalog, logger: logger)
        let runner = StageRunner(processor: intake, settings: settings, logger: logger)
        let scheduler = try FeedScheduler(
            state: state,
            catalog: catalog,
            topology: settings.topology,
            publisher: AMQPPublisher(url: settings.url, topology: settings.topology, logger: logger),
            pollOverride: Int(configuration[Setting.pollInterval]),
            logger: logger
        )
        ServiceMain.addOperationsRoutes(to: router, service: "frontier") { runner.isConnected }
        try await ServiceMain.run(
            services: [StageService(runner: runner), scheduler],
            router: router,
            host: configuration[Setting.httpHost],
            port: try configuration.httpPort(default: 9100),
            logger: logger
        )
    case "worker":
        let http = HTTPFetcher(
            userAgent: configuration[Setting.userAgent],
            maxBodyBytes: try configuration.integer(Setting.maxBodyBytes, in: 1024...1_073_741_824),
            addressPolicy: AddressPolicy(allowList: configuration[Setting.allowPrivate])
        )
        let runner = StageRunner(
            processor: FetchWorker(topology: settings.topology, http: http),
            settings: settings,
            logger: logger
        )
        ServiceMain.addOperationsRoutes(to: router, service: "fetcher") { runner.isConnected }
        try await ServiceMain.run(
            services: [StageService(runner: runner)],
            router: router,
            host: configuration[Setting.httpHost],
            port: try configuration.httpPort(default: 9101),
            logger: logger
        )
    default:
        logger.critical("unknown role \(role): use frontier or worker")
        exit(64)
    }
} catch {
    logger.critical("fetcher failed: \(error)")
    exit(1)
}
