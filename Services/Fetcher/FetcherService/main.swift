import FetchFrontier
import Fetcher
import Foundation
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
    switch role {
    case "frontier":
        let catalog = try SourceCatalog.load(path: configuration[Setting.sources])
        let state = try FrontierState(directory: configuration[Setting.stateDir])
        let policy = FrontierPolicy(
            hostDelay: Double(try configuration.integer(Setting.hostDelay, in: 0...600_000)) / 1000,
            maxAttempts: settings.maxAttempts,
            retryBase: Double(settings.topology.retryDelayMilliseconds) / 1000
        )
        let callbackBase = configuration[Setting.websubCallback]
        let frontier = try Frontier(
            state: state,
            catalog: catalog,
            policy: policy,
            topology: settings.topology,
            url: settings.url,
            pollOverride: Int(configuration[Setting.pollInterval]),
            websub: callbackBase.isEmpty
                ? nil
                : WebSubSettings(
                    callbackBase: callbackBase,
                    lease: try configuration.integer(Setting.websubLease, in: 60...31_536_000)
                ),
            http: HTTPFetcher(
                userAgent: configuration[Setting.userAgent],
                addressPolicy: AddressPolicy(allowList: configuration[Setting.allowPrivate])
            ),
            logger: logger
        )
        let runner = StageRunner(processor: frontier.intake, settings: settings, logger: logger)
        try await runner.serve(
            name: "frontier",
            configuration: configuration,
            defaultPort: 9100,
            logger: logger,
            alongside: [frontier.scheduler] + (frontier.subscriber.map { [$0] } ?? []),
            routes: { router in frontier.callback?.addRoutes(to: router) }
        )
    case "worker":
        let http = HTTPFetcher(
            userAgent: configuration[Setting.userAgent],
            maxBodyBytes: try configuration.integer(Setting.maxBodyBytes, in: 1024...1_073_741_824),
            addressPolicy: AddressPolicy(allowList: configuration[Setting.allowPrivate])
        )
        var worker = FetchWorker(http: http)
        worker.maxPageBytes = try configuration.integer(Setting.maxPageBytes, in: 1024...1_073_741_824)
        let runner = StageRunner(processor: worker, settings: settings, logger: logger)
        try await runner.serve(name: "fetcher", configuration: configuration, defaultPort: 9101, logger: logger)
    default:
        logger.critical("unknown role \(role): use frontier or worker")
        exit(64)
    }
} catch {
    logger.critical("fetcher failed: \(error)")
    exit(1)
}
