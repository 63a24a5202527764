import Classifier
import Foundation
import NashraAMQP
import NashraMessages
import NashraOperations
import NashraRuntime
import Store
import TestSupport
import Testing

extension BrokerTests {
    /// Quorum queues on a three-node RabbitMQ cluster on this machine (`deploy/rabbitmq.sh cluster`), which the test
    /// starts and stops itself.
    @Suite(
        "Quorum queues on a cluster",
        .enabled(
            if: TestEnvironment.environment["NASHRA_TEST_CLUSTER_DIR"] != nil,
            "needs NASHRA_TEST_CLUSTER_DIR (deploy/test.sh sets it)"
        )
    )
    struct QuorumClusterTests {
        let script = TestEnvironment.repositoryRoot + "/deploy/rabbitmq.sh"
        let environment = [
            "NASHRA_RMQ_DIR": TestEnvironment.environment["NASHRA_TEST_CLUSTER_DIR"] ?? "",
            "NASHRA_RMQ_PORT": TestEnvironment.environment["NASHRA_TEST_CLUSTER_PORT"] ?? "5721",
        ]

        /// Runs `deploy/rabbitmq.sh cluster ARGUMENTS…` and waits for it.
        func cluster(_ arguments: String...) async throws {
            let process = try ChildProcess.spawn(
                "/bin/bash",
                [script, "cluster"] + arguments,
                environment: environment
            )
            let status = await process.wait()
            #expect(status == 0, "deploy/rabbitmq.sh cluster \(arguments.joined(separator: " ")) exited \(status)")
        }

        func article(_ n: Int) -> Article {
            Article(
                url: "https://www.almasryalyoum.com/news/details/\(n)",
                sourceID: "almasryalyoum",
                sourceName: "المصري اليوم",
                title: "وزير الصحة يتفقد مستشفى جديدا في أسوان رقم \(n)",
                published: Date(timeIntervalSince1970: 1_764_000_000 + Double(n)),
                paragraphs: [
                    "تفقد وزير الصحة والسكان اليوم المستشفى الجديد في محافظة أسوان، واطمأن على سير العمل.",
                    "وقال الوزير إن المستشفى يضم ١٢٠ سريرا ويخدم أهالي القرى المجاورة.",
                ]
            )
        }

        @Test("a pipeline over three nodes loses and duplicates nothing while a node is killed and restarted")
        func aNodeKilledAndRestartedLosesNothing() async throws {
            try await cluster("start", "3")
            do {
                try await runOnCluster()
            } catch {
                try? await cluster("stop")
                throw error
            }
            try await cluster("stop")
        }

        func runOnCluster() async throws {
            let port = Int(environment["NASHRA_RMQ_PORT"]!)!
            let url = try AMQPURL((0..<3).map { "amqp://guest:guest@127.0.0.1:\(port + $0)/" }.joined(separator: ","))
            #expect(url.endpoints.count == 3)
            let topology = Topology(
                prefix: TestEnvironment.uniquePrefix("quorum"),
                retryDelayMilliseconds: 300,
                queueType: .quorum,
                deliveryLimit: 5
            )
            let settings = StageRunner.Settings(url: url, topology: topology, prefetch: 50)
            let store = try ArticleStore(path: try TestEnvironment.temporaryDirectory() + "/nashra.sqlite")
            let stages = [
                RunningStage(try ClassifierStage(), settings: settings),
                RunningStage(
                    StoreStage(store: SQLiteArchive(store), logger: TestEnvironment.logger),
                    settings: settings
                ),
            ]
            let publisher = AMQPPublisher(url: url, topology: topology, logger: TestEnvironment.logger)
            let total = 2_000
            for start in stride(from: 0, to: total, by: 100) {
                let batch = try (start..<(start + 100)).map { n in
                    let message = article(n)
                    return OutgoingMessage(
                        routingKey: topology.queue(.articles),
                        body: try MessageCodec.encode(message),
                        messageID: message.messageID
                    )
                }
                try await publisher.publish(batch)
                if start == 600 {
                    // The first node, which every client tried first and most are connected to, dies mid-stream.
                    try await cluster("kill", "1")
                }
                if start == 1_200 { try await cluster("restart", "1") }
            }
            let stored = await TestEnvironment.waitUntil(timeout: 120) { (try? store.count()) == total }
            for stage in stages { await stage.stop() }
            await publisher.close()
            let count = try store.count()
            #expect(stored, "every article stored (have \(count) of \(total))")
            let distinct = try store.read { db in try Int.fetchOne(db, sql: "SELECT count(DISTINCT url) FROM articles")
            }
            #expect(count == distinct, "nothing stored twice")
            let probe = QueueProbe(url: url)
            for stage in Topology.Stage.allCases {
                #expect(try probe.depth(topology.deadQueue(stage)) == 0, "nothing dead-lettered in \(stage)")
            }

            // A message whose consumer keeps dying before it acks is dead-lettered by the broker at the delivery
            // limit, with no stage counting anything.
            let poison = Topology(prefix: topology.prefix + "-poison", queueType: .quorum, deliveryLimit: 2)
            let poisonPublisher = AMQPPublisher(url: url, topology: poison, logger: TestEnvironment.logger)
            try await poisonPublisher.publish([
                OutgoingMessage(routingKey: poison.queue(.pages), body: Data("kills its consumer".utf8))
            ])
            await poisonPublisher.close()
            var deliveries = 0
            for _ in 0..<8 {
                let consumer = AMQPConsumer(
                    url: url,
                    queue: poison.queue(.pages),
                    prefetch: 1,
                    maxBatch: 1,
                    topology: poison,
                    logger: TestEnvironment.logger
                )
                consumer.start()
                // Waits up to 3 s for the message; closing the consumer ends the wait (next() returns nil).
                let timeout = Task {
                    try? await Task.sleep(for: .seconds(3))
                    await consumer.close()
                }
                let got = await consumer.next() != nil
                timeout.cancel()
                await consumer.close()  // dies without acking: the delivery goes back, counted by the broker
                if !got { break }
                deliveries += 1
            }
            #expect(deliveries == 3, "delivered once, then redelivered up to the limit of 2 (\(deliveries))")
            let parked = await TestEnvironment.waitUntil(timeout: 10) {
                (try? probe.depth(poison.deadQueue(.pages))) == 1
            }
            #expect(parked, "the broker dead-lettered it")
            // Its reason is RabbitMQ's own, read from x-death.
            let letter = try #require(
                await DeadLetterQueue(url: url, topology: poison, stage: .pages).peek(limit: 1).first
            )
            #expect(letter.death?.reason == "delivery_limit" && letter.death?.queue == poison.queue(.pages))
            #expect(DeadLetterQueue.reason(of: letter).hasPrefix("dead-lettered by RabbitMQ: delivery_limit"))
            // The run audit counts it as a dead letter with a reason, the same one.
            #expect(DeadLetterQueue.recordedReason(of: letter) == DeadLetterQueue.reason(of: letter))
        }
    }
}
