import NashraOperations
import NashraRuntime
import Store
import Testing

@Suite("Scaling advice and freshness figures") struct ScalingAdvisorTests {
    let topology = Topology()

    func queue(_ stage: Topology.Stage, ready: Int, consumers: Int, in inRate: Double, out outRate: Double)
        -> QueueStatus
    {
        QueueStatus(
            name: topology.queue(stage),
            ready: ready,
            unacknowledged: 0,
            consumers: consumers,
            inRate: inRate,
            outRate: outRate,
            deadLetters: 0,
            retrying: 0
        )
    }

    @Test("a growing backlog: instances = (in + backlog / target) / rate per instance, rounded up")
    func growingBacklog() {
        // 2 parsers acknowledge 40/s (20 each); 60/s arrive; 6,000 wait. Draining within 10 min needs
        // (60 + 6000/600) / 20 = 3.5 → 4 parsers.
        let advice = ScalingAdvisor.advise(
            [queue(.pages, ready: 6_000, consumers: 2, in: 60, out: 40)],
            topology: topology
        )
        #expect(advice.count == 1)
        #expect(advice[0].action == .scaleOut)
        #expect(advice[0].instances == 4)
        #expect(advice[0].ratePerInstance == 20)
        #expect(advice[0].service == "nashra-parser")
        #expect(advice[0].summary.contains("scale nashra-parser to 4"))
    }

    @Test("a backlog that drains within the target is left alone; one that drains too slowly is not")
    func drainingBacklog() {
        let fast = ScalingAdvisor.advise(
            [queue(.articles, ready: 600, consumers: 1, in: 10, out: 20)],
            topology: topology
        )
        #expect(fast[0].action == .ok)
        #expect(fast[0].drainSeconds == 60)
        // Draining at 1/s net with 6,000 waiting takes 100 min: beyond 10 min.
        let slow = ScalingAdvisor.advise(
            [queue(.articles, ready: 6_000, consumers: 1, in: 9, out: 10)],
            topology: topology
        )
        #expect(slow[0].action == .scaleOut)
        #expect(slow[0].instances == 2)  // (9 + 10) / 10 = 1.9 → 2
    }

    @Test("no consumer, a stalled consumer, single-instance stages, no backlog")
    func otherCases() {
        let advice = ScalingAdvisor.advise(
            [
                queue(.fetch, ready: 50, consumers: 0, in: 5, out: 0),
                queue(.pages, ready: 50, consumers: 3, in: 5, out: 0),
                queue(.classified, ready: 9_000, consumers: 1, in: 300, out: 200),
                queue(.articles, ready: 0, consumers: 1, in: 30, out: 30),
            ],
            topology: topology
        )
        #expect(advice.map(\.action) == [.start, .stalled, .ok, .singleInstance])
        #expect(advice[3].summary.contains("one instance"))
        #expect(advice[2].summary == "no backlog")
    }

    @Test("the most instances advised is capped")
    func capped() {
        let advice = ScalingAdvisor.advise(
            [queue(.pages, ready: 1_000_000, consumers: 1, in: 100, out: 1)],
            topology: topology,
            maxInstances: 16
        )
        #expect(advice[0].instances == 16)
    }

    @Test("freshness quantiles are nearest-rank")
    func quantiles() {
        let figures = Freshness.Quantiles((1...100).map(Double.init).reversed())
        #expect(figures.count == 100)
        #expect(figures.p50 == 50)
        #expect(figures.p95 == 95)
        #expect(Freshness.Quantiles([]).p50 == nil)
        #expect(Freshness.Quantiles([7]).p95 == 7)
    }
}
