import Classifier
import DemoSite
import FetchFrontier
import Fetcher
import Foundation
import Hummingbird
import NashraHTTP
import NashraRuntime
import Parser
import Store
import Synchronization
import TestSupport
import Testing

/// The frontier as the executable runs it: its intake stage and its scheduler clock, until `stop()`.
struct RunningFrontier {
    let intake: RunningStage
    let clock: Task<Void, any Error>
    /// With WebSub: the subscriber's loop and the callback's HTTP server (the frontier's port in production).
    let subscriber: Task<Void, any Error>?
    let callbackServer: TestHTTPServer?
    let frontier: Frontier

    init(
        state: FrontierState,
        catalog: SourceCatalog,
        policy: FrontierPolicy,
        settings: StageRunner.Settings,
        websub: Bool = false
    ) async throws {
        let callbackBase = Mutex("")
        frontier = try Frontier(
            state: state,
            catalog: catalog,
            policy: policy,
            topology: settings.topology,
            url: settings.url,
            pollOverride: 3600,
            websub: websub
                ? WebSubSettings(callbackBase: { callbackBase.withLock { $0 } }, lease: 3600, minimumGap: 1) : nil,
            http: HTTPFetcher(userAgent: "nashra-test", addressPolicy: AddressPolicy(allowList: "127.0.0.1/32")),
            logger: TestEnvironment.logger
        )
        intake = RunningStage(frontier.intake, settings: settings)
        let scheduler = frontier.scheduler
        clock = Task { try await scheduler.run() }
        if let callback = frontier.callback, let websubSubscriber = frontier.subscriber {
            let router = Router()
            callback.addRoutes(to: router)
            let server = try await TestHTTPServer.start(router: router)
            callbackBase.withLock { $0 = server.base }
            callbackServer = server
            subscriber = Task { try await websubSubscriber.run() }
        } else {
            callbackServer = nil
            subscriber = nil
        }
    }

    func stop() async {
        clock.cancel()
        subscriber?.cancel()
        await callbackServer?.stop()
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

    /// - Parameter demo: the demo publisher (its hub, its late article's delay); `websub`: whether the frontier
    ///   subscribes to hubs.
    init(
        archive: any NewsArchive,
        prefix: String,
        directory: String,
        demo: DemoSite? = nil,
        websub: Bool = false
    ) async throws {
        let url = try #require(TestEnvironment.amqpURL)
        if let demo {
            site = try await TestHTTPServer.demoSite(demo)
        } else {
            site = try await TestHTTPServer.demoSite()
        }
        let yaml = try String(
            contentsOfFile: TestEnvironment.repositoryRoot + "/deploy/demo/sources.yml",
            encoding: .utf8
        ).replacingOccurrences(of: "http://127.0.0.1:8701", with: site.base)
        topology = Topology(prefix: TestEnvironment.uniquePrefix(prefix), retryDelayMilliseconds: 500)
        let settings = StageRunner.Settings(url: url, topology: topology, prefetch: 50)
        state = try FrontierState(directory: directory + "/state")
        let http = HTTPFetcher(userAgent: "nashra-test", addressPolicy: AddressPolicy(allowList: "127.0.0.1/32"))
        frontier = try await RunningFrontier(
            state: state,
            catalog: try SourceCatalog.parse(yaml),
            policy: FrontierPolicy(hostDelay: 0.05, retryBase: 0.5),
            settings: settings,
            websub: websub
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
