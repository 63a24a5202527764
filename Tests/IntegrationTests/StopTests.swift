import Foundation
import NashraAMQP
import NashraMessages
import NashraRuntime
import TestSupport
import Testing

/// Records what it processed, slowly enough that a stop finds deliveries prefetched and not yet handed out.
final class RecordingStage: StageProcessor, @unchecked Sendable {
    let name = "recording"
    let input = Topology.Stage.articles
    var maxBatch: Int? { 10 }
    private let lock = NSLock()
    private var seen: [String: Int] = [:]

    func process(_ batch: [Article]) async -> [StageOutcome] {
        try? await Task.sleep(for: .milliseconds(30))
        lock.withLock { for article in batch { seen[article.messageID, default: 0] += 1 } }
        return batch.map { _ in .done([]) }
    }

    var counts: [String: Int] { lock.withLock { seen } }
}

/// Holds its first batch until told to go on, then sends each article to the classified queue.
final class HoldingStage: StageProcessor, @unchecked Sendable {
    let name = "holding"
    let input = Topology.Stage.articles
    private let lock = NSLock()
    private var started = false

    func process(_ batch: [Article]) async -> [StageOutcome] {
        lock.withLock { started = true }
        try? await Task.sleep(for: .seconds(1))
        return batch.map { .done([.send($0, to: .classified)]) }
    }

    var hasStarted: Bool { lock.withLock { started } }
}

extension BrokerTests {
    @Suite("Stopping a stage") struct StopTests {
        func articles(_ range: Range<Int>) -> [Article] {
            range.map { n in
                Article(
                    url: "https://example.com/akhbar/\(n)",
                    sourceID: "test",
                    sourceName: "مصدر تجريبي",
                    title: "الحكومة تعلن خطة جديدة رقم \(n)",
                    paragraphs: ["أعلنت الحكومة اليوم خطة جديدة للنقل العام."]
                )
            }
        }

        func publish(_ articles: [Article], url: AMQPURL, topology: Topology) async throws {
            let publisher = AMQPPublisher(url: url, topology: topology, logger: TestEnvironment.logger)
            try await publisher.publish(
                try articles.map {
                    OutgoingMessage(
                        routingKey: topology.queue(.articles),
                        body: try MessageCodec.encode($0),
                        messageID: $0.messageID
                    )
                }
            )
            await publisher.close()
        }

        @Test("a graceful stop finishes what was delivered: nothing is returned, nothing charged an attempt")
        func gracefulStopCostsNoAttempt() async throws {
            let url = try #require(TestEnvironment.amqpURL)
            // A long retry delay: a message charged an attempt would sit in the retry queue for the whole test.
            let topology = Topology(prefix: TestEnvironment.uniquePrefix("stop"), retryDelayMilliseconds: 600_000)
            let all = articles(0..<400)
            try await publish(all, url: url, topology: topology)
            let probe = QueueProbe(url: url)

            let first = RecordingStage()
            let running = RunningStage(first, settings: .init(url: url, topology: topology, prefetch: 100))
            #expect(await TestEnvironment.waitUntil(timeout: 20) { first.counts.count >= 50 })
            await running.stop()  // what SIGTERM does, through the service lifecycle
            let before = first.counts
            #expect(before.count < all.count, "stopped mid-way, with deliveries prefetched")
            #expect(try probe.depth(topology.retryQueue(.articles)) == 0, "no delivery was charged an attempt")
            #expect(try probe.depth(topology.queue(.articles)) == all.count - before.count, "the rest wait, ready")

            let second = RecordingStage()
            let rest = RunningStage(second, settings: .init(url: url, topology: topology, prefetch: 100))
            let finished = await TestEnvironment.waitUntil(timeout: 30) {
                second.counts.count == all.count - before.count
            }
            await rest.stop()
            #expect(finished)
            #expect(Set(before.keys).isDisjoint(with: second.counts.keys), "nothing processed twice")
            #expect(before.values.allSatisfy { $0 == 1 } && second.counts.values.allSatisfy { $0 == 1 })
            #expect(try probe.depth(topology.retryQueue(.articles)) == 0)
            #expect(try probe.depth(topology.deadQueue(.articles)) == 0)
        }

        @Test("a stop while the broker is gone and a publish is retrying ends within seconds, and loses nothing")
        func stopDuringOutageDoesNotHang() async throws {
            let url = try #require(TestEnvironment.amqpURL)
            let relay = try TCPRelay(to: url.port)
            var relayed = url
            relayed.port = relay.port
            let topology = Topology(prefix: TestEnvironment.uniquePrefix("outage"), retryDelayMilliseconds: 500)
            try await publish(articles(0..<5), url: url, topology: topology)

            let stage = HoldingStage()
            let running = RunningStage(stage, settings: .init(url: relayed, topology: topology, prefetch: 10))
            #expect(await TestEnvironment.waitUntil(timeout: 20) { stage.hasStarted })
            relay.cut()  // the batch's publish fails, and every reconnection is refused: the publisher retries
            try await Task.sleep(for: .seconds(2))

            let start = ContinuousClock.now
            let stopped = await TestEnvironment.finishes(within: 60) { await running.stop() }
            #expect(stopped, "the stage stopped instead of waiting for the broker")
            print("stop during an outage took \(ContinuousClock.now - start)")

            // Nothing was acked: the broker gives the batch back (to the next consumer, as a redelivery).
            let back = await TestEnvironment.waitUntil(timeout: 20) {
                (try? QueueProbe(url: url).depth(topology.queue(.articles))) == 5
            }
            #expect(back, "the unacked batch is back in its queue")
        }
    }
}
