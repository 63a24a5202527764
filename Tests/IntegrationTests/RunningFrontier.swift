import Classifier
import FetchFrontier
import Fetcher
import Foundation
import NashraHTTP
import NashraRuntime
import Parser
import Store
import TestSupport
import Testing

/// The frontier as the executable runs it: its intake stage and its scheduler clock, until `stop()`.
struct RunningFrontier {
    let intake: RunningStage
    let clock: Task<Void, any Error>

    init(state: FrontierState, catalog: SourceCatalog, policy: FrontierPolicy, settings: StageRunner.Settings) throws {
        let frontier = try Frontier(
            state: state,
            catalog: catalog,
            policy: policy,
            topology: settings.topology,
            url: settings.url,
            pollOverride: 3600,
            logger: TestEnvironment.logger
        )
        intake = RunningStage(frontier.intake, settings: settings)
        let scheduler = frontier.scheduler
        clock = Task { try await scheduler.run() }
    }

    func stop() async {
        clock.cancel()
        await intake.stop()
    }
}

/// The offline demo publisher followed by the four stages over the real broker (frontier, fetch worker, parser,
/// classifier, store writer into `archive` with its feed reports), each in process, until `stop()`.
struct DemoPipeline {
    let site: TestHTTPServer
    let state: FrontierState
    let topology: Topology
    let frontier: RunningFrontier
    let stages: [RunningStage]

    init(archive: any NewsArchive, prefix: String, directory: String) async throws {
        let url = try #require(TestEnvironment.amqpURL)
        site = try await TestHTTPServer.demoSite()
        let yaml = try String(
            contentsOfFile: TestEnvironment.repositoryRoot + "/deploy/demo/sources.yml",
            encoding: .utf8
        ).replacingOccurrences(of: "http://127.0.0.1:8701", with: site.base)
        topology = Topology(prefix: TestEnvironment.uniquePrefix(prefix), retryDelayMilliseconds: 500)
        let settings = StageRunner.Settings(url: url, topology: topology, prefetch: 50)
        state = try FrontierState(directory: directory + "/state")
        let http = HTTPFetcher(userAgent: "nashra-test", addressPolicy: AddressPolicy(allowList: "127.0.0.1/32"))
        frontier = try RunningFrontier(
            state: state,
            catalog: try SourceCatalog.parse(yaml),
            policy: FrontierPolicy(hostDelay: 0.05, retryBase: 0.5),
            settings: settings
        )
        stages = [
            RunningStage(FetchWorker(http: http), settings: settings),
            RunningStage(ParserStage(), settings: settings),
            RunningStage(try ClassifierStage(), settings: settings),
            RunningStage(StoreStage(store: archive, logger: TestEnvironment.logger), settings: settings),
            RunningStage(HealthStage(store: archive, logger: TestEnvironment.logger), settings: settings),
        ]
    }

    func stop() async {
        await frontier.stop()
        for stage in stages { await stage.stop() }
        await site.stop()
    }
}
