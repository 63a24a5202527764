import ArgumentParser
import FetchFrontier
import Fetcher
import Foundation
import NashraHTTP
import NashraRuntime

@main
struct FetcherCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nashra-fetcher",
        abstract: "Fetches feeds and pages: one frontier, any number of workers.",
        discussion: ServiceMain.settingsHelp,
        subcommands: [FrontierRole.self, WorkerRole.self],
        defaultSubcommand: WorkerRole.self
    )

    struct FrontierRole: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "frontier",
            abstract: "Owns the sources, the feed schedule and the seen URLs (one instance).",
            discussion: ServiceMain.settingsHelp
        )
        @OptionGroup var settings: SettingOptions

        func run() async throws {
            try await ServiceMain.start(settings, label: "nashra.fetcher.frontier") { configuration, logger in
                let settings = try StageRunner.Settings(configuration)
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
            }
        }
    }

    struct WorkerRole: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "worker",
            abstract: "Executes fetch jobs (any number of instances).",
            discussion: ServiceMain.settingsHelp
        )
        @OptionGroup var settings: SettingOptions

        func run() async throws {
            try await ServiceMain.start(settings, label: "nashra.fetcher.worker") { configuration, logger in
                let settings = try StageRunner.Settings(configuration)
                let http = HTTPFetcher(
                    userAgent: configuration[Setting.userAgent],
                    maxBodyBytes: try configuration.integer(Setting.maxBodyBytes, in: 1024...1_073_741_824),
                    addressPolicy: AddressPolicy(allowList: configuration[Setting.allowPrivate])
                )
                var worker = FetchWorker(http: http)
                worker.maxPageBytes = try configuration.integer(Setting.maxPageBytes, in: 1024...1_073_741_824)
                let runner = StageRunner(processor: worker, settings: settings, logger: logger)
                try await runner.serve(name: "fetcher", configuration: configuration, defaultPort: 9101, logger: logger)
            }
        }
    }
}
