import Classifier
import Foundation
import NashraAMQP
import NashraMessages
import NashraOperations
import NashraRuntime
import TestSupport
import Testing

/// A stage whose outcome the test scripts: fails transiently `failures` times per message, then succeeds.
final class FlakyStage: StageProcessor, @unchecked Sendable {
    let name = "flaky"
    let input = Topology.Stage.articles
    let failures: Int
    private let lock = NSLock()
    private var seen: [String: Int] = [:]

    init(failures: Int) { self.failures = failures }

    func process(_ batch: [Article]) async -> [StageOutcome] {
        batch.map { article in
            let key = article.messageID
            let count = lock.withLock {
                seen[key, default: 0] += 1
                return seen[key]!
            }
            return count <= failures ? .retry("database busy (attempt \(count))") : .done([])
        }
    }

    var attempts: [String: Int] { lock.withLock { seen } }
}

extension BrokerTests {
    @Suite("Bad input and failures") struct FailureTests {
        func article(_ n: Int) -> Article {
            Article(
                url: "https://example.com/news/\(n)",
                sourceID: "test",
                sourceName: "مصدر تجريبي",
                title: "المنتخب يفوز في مباراة رقم \(n)",
                paragraphs: ["سجل لاعب المنتخب هدفين في المباراة."]
            )
        }

        /// A queue at its length limit refuses publishes (`x-overflow=reject-publish`, as quorum queues with
        /// at-least-once dead-lettering use): the publisher waits and publishes again, and nothing is lost.
        @Test("a full queue that rejects publishes holds the publisher back; nothing is lost")
        func aFullQueueIsBackPressure() async throws {
            let url = try #require(TestEnvironment.amqpURL)
            let queue = TestEnvironment.uniquePrefix("full") + ".pages"
            try AMQPConnection(url: url).declareQueue(
                queue,
                arguments: [
                    // A classic queue enforces the limit exactly (a quorum queue's is approximate).
                    "x-max-length": .int(5), "x-overflow": .string("reject-publish"),
                ]
            )
            let publisher = AMQPPublisher(url: url, topology: nil, logger: TestEnvironment.logger)
            defer { publisher.shutdown() }
            try await publisher.publish((0..<5).map { OutgoingMessage(routingKey: queue, body: Data("\($0)".utf8)) })
            // The queue is full: the next batch waits for room.
            let publishing = Task {
                try await publisher.publish(
                    (5..<8).map { OutgoingMessage(routingKey: queue, body: Data("\($0)".utf8)) }
                )
            }
            try await Task.sleep(for: .seconds(2))
            let probe = QueueProbe(url: url)
            let depth = try probe.depth(queue)
            #expect(depth == 5, "nothing beyond the limit was taken (\(depth) in the queue)")
            let first = await probe.take(5, from: queue)
            #expect(first.count == 5)
            try await publishing.value
            let rest = await probe.take(3, from: queue)
            #expect(
                Set((first + rest).map { String(decoding: $0.body, as: UTF8.self) }) == Set((0..<8).map { "\($0)" })
            )
        }

        func publish(_ bodies: [Data], to queue: String, url: AMQPURL, topology: Topology) async throws {
            let publisher = AMQPPublisher(url: url, topology: topology, logger: TestEnvironment.logger)
            defer { publisher.shutdown() }
            try await publisher.publish(
                bodies.enumerated().map { OutgoingMessage(routingKey: queue, body: $1, messageID: "m\($0)") }
            )
        }

        @Test func malformedMessagesAreDeadLetteredWithAReasonAndTheStageKeepsGoing() async throws {
            let url = try #require(TestEnvironment.amqpURL)
            let topology = Topology(prefix: TestEnvironment.uniquePrefix("dead"), retryDelayMilliseconds: 500)
            let bodies = [
                Data("{ this is not json".utf8),
                Data(#"{"schema": 99, "id": "x"}"#.utf8),
                Data(),
                try MessageCodec.encode(article(1)),
            ]
            try await publish(bodies, to: topology.queue(.articles), url: url, topology: topology)
            let stage = RunningStage(
                try ClassifierStage(),
                settings: .init(url: url, topology: topology, prefetch: 10)
            )
            let probe = QueueProbe(url: url)
            let classified = await probe.take(1, from: topology.queue(.classified))
            let dead = await probe.take(3, from: topology.deadQueue(.articles))
            await stage.stop()

            #expect(classified.count == 1, "the valid article after the bad ones is still classified")
            let result = try MessageCodec.decode(ClassifiedArticle.self, from: try #require(classified.first).body)
            #expect(result.topic == "sport")
            #expect(dead.count == 3)
            let reasons = dead.compactMap { $0.stringHeader(NashraHeader.error) }
            #expect(reasons.count == 3)
            #expect(reasons.contains { $0.contains("not a JSON object") })
            #expect(reasons.contains { $0.contains("schema 99") })
            #expect(reasons.contains { $0.contains("empty body") })
            #expect(dead.allSatisfy { $0.stringHeader(NashraHeader.stage) == "classifier" })
            #expect(dead.allSatisfy { $0.stringHeader(NashraHeader.originalQueue) == topology.queue(.articles) })
            #expect(dead.contains { $0.body == bodies[0] }, "the dead letter keeps the original body")
        }

        @Test func transientFailuresAreRetriedAfterADelayThenSucceed() async throws {
            let url = try #require(TestEnvironment.amqpURL)
            let topology = Topology(prefix: TestEnvironment.uniquePrefix("retry"), retryDelayMilliseconds: 300)
            try await publish(
                [try MessageCodec.encode(article(1))],
                to: topology.queue(.articles),
                url: url,
                topology: topology
            )
            let flaky = FlakyStage(failures: 2)
            let stage = RunningStage(flaky, settings: .init(url: url, topology: topology, maxAttempts: 5))
            let done = await TestEnvironment.waitUntil(timeout: 20) { flaky.attempts[article(1).messageID] == 3 }
            await stage.stop()
            #expect(done, "two transient failures, then success on the third try")
            #expect(try QueueProbe(url: url).depth(topology.deadQueue(.articles)) == 0)
        }

        @Test("a changed retry delay declares its own retry queue; messages waiting in the old one still come back")
        func changedRetryDelay() async throws {
            let url = try #require(TestEnvironment.amqpURL)
            let prefix = TestEnvironment.uniquePrefix("delay")
            let before = Topology(prefix: prefix, retryDelayMilliseconds: 400)
            let after = Topology(prefix: prefix, retryDelayMilliseconds: 900)
            try await publish(
                [try MessageCodec.encode(article(1))],
                to: before.retryQueue(.articles),
                url: url,
                topology: before
            )
            let connection = try AMQPConnection(url: url)
            try after.declare(on: connection)  // no 406: the new delay's queue is a new queue
            #expect(after.retryQueue(.articles) != before.retryQueue(.articles))
            let back = await TestEnvironment.waitUntil(timeout: 10) {
                (try? QueueProbe(url: url).depth(after.queue(.articles))) == 1
            }
            #expect(back, "the message parked under the old delay returns to its stage queue")
        }

        @Test func aMessageThatKeepsFailingIsParkedAfterMaxAttempts() async throws {
            let url = try #require(TestEnvironment.amqpURL)
            let topology = Topology(prefix: TestEnvironment.uniquePrefix("giveup"), retryDelayMilliseconds: 200)
            try await publish(
                [try MessageCodec.encode(article(1))],
                to: topology.queue(.articles),
                url: url,
                topology: topology
            )
            let flaky = FlakyStage(failures: 1000)
            let stage = RunningStage(flaky, settings: .init(url: url, topology: topology, maxAttempts: 3))
            let dead = await QueueProbe(url: url).take(1, from: topology.deadQueue(.articles))
            await stage.stop()
            #expect(flaky.attempts[article(1).messageID] == 3)
            let letter = try #require(dead.first)
            #expect(letter.stringHeader(NashraHeader.error)?.hasPrefix("gave up after 3 attempts") == true)
            #expect(letter.intHeader(NashraHeader.attempt) == 3)
        }
    }
}

extension BrokerTests.FailureTests {
    /// A read ends when deliveries stop coming, not at a deadline from its start: a long dead-letter queue is read
    /// to its end.
    @Test("a long dead-letter queue is read to its end")
    func aLongDeadLetterQueueIsReadWhole() async throws {
        let url = try #require(TestEnvironment.amqpURL)
        let topology = Topology(prefix: TestEnvironment.uniquePrefix("longdead"))
        let total = 20_000
        let publisher = AMQPPublisher(url: url, topology: topology, logger: TestEnvironment.logger)
        for start in stride(from: 0, to: total, by: 1_000) {
            try await publisher.publish(
                (start..<(start + 1_000)).map {
                    OutgoingMessage(routingKey: topology.deadQueue(.pages), body: Data("رسالة ميتة \($0)".utf8))
                }
            )
        }
        await publisher.close()
        var queue = DeadLetterQueue(url: url, topology: topology, stage: .pages)
        queue.idleSeconds = 0.3
        let letters = await queue.peek(limit: total)
        #expect(letters.count == total, "read \(letters.count) of \(total)")
        #expect(try queue.count() == total, "and left them all in the queue")
    }

    @Test("operators can read dead letters without removing them, and replay them with a fresh attempt count")
    func deadLettersCanBeInspectedAndReplayed() async throws {
        let url = try #require(TestEnvironment.amqpURL)
        let topology = Topology(prefix: TestEnvironment.uniquePrefix("replay"), retryDelayMilliseconds: 500)
        try await publish(
            [Data("not json".utf8), Data("{\"schema\": 1}".utf8)],
            to: topology.queue(.articles),
            url: url,
            topology: topology
        )
        let stage = RunningStage(try ClassifierStage(), settings: .init(url: url, topology: topology))
        var queue = DeadLetterQueue(url: url, topology: topology, stage: .articles)
        queue.idleSeconds = 0.5
        #expect(await TestEnvironment.waitUntil(timeout: 20) { (try? queue.count()) == 2 })
        await stage.stop()

        let letters = await queue.peek(limit: 10)
        #expect(letters.count == 2)
        #expect(letters.allSatisfy { $0.stringHeader(NashraHeader.error) != nil })
        #expect(try queue.count() == 2, "peeking leaves them in the queue")

        #expect(try await queue.replay(limit: 10) == 2)
        #expect(try queue.count() == 0)
        let replayed = await QueueProbe(url: url).take(2, from: topology.queue(.articles))
        #expect(replayed.count == 2)
        #expect(
            replayed.allSatisfy {
                $0.stringHeader(NashraHeader.error) == nil && $0.intHeader(NashraHeader.attempt) == nil
            }
        )
    }
}
