import FetchFrontier
import Fetcher
import NashraRuntime
import TestSupport

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
