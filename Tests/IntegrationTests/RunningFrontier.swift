import Fetcher
import NashraAMQP
import NashraRuntime
import TestSupport

/// The frontier as the executable runs it: its intake stage and its scheduler clock, until `stop()`.
struct RunningFrontier {
    let intake: RunningStage
    let clock: Task<Void, any Error>

    init(state: FrontierState, catalog: SourceCatalog, policy: FrontierPolicy, settings: StageRunner.Settings) throws {
        let logger = TestEnvironment.logger
        intake = RunningStage(
            FrontierIntake(topology: settings.topology, state: state, catalog: catalog, policy: policy, logger: logger),
            settings: settings
        )
        let scheduler = try FetchScheduler(
            state: state,
            catalog: catalog,
            topology: settings.topology,
            publisher: AMQPPublisher(url: settings.url, topology: settings.topology, logger: logger),
            policy: policy,
            pollOverride: 3600,
            logger: logger
        )
        clock = Task { try await scheduler.run() }
    }

    func stop() async {
        clock.cancel()
        await intake.stop()
    }
}
