import ArgumentParser
import Foundation
import Logging
import NashraAMQP
import NashraRuntime

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that print figures.",
        subcommands: [
            AMQPBench.self, FetchBench.self, ClassifyBench.self, NearDuplicateBench.self, StoreBench.self,
            IngestBench.self,
        ]
    )
}

/// Measures the AMQP client against the broker of `NASHRA_AMQP_URL`: publishing persistent messages with batched
/// publisher confirms, consuming with manual acks, and a full stage hop (consume, publish confirmed, then ack).
struct AMQPBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "amqp",
        abstract: "Publish-with-confirms, consume-with-acks and stage-hop rates."
    )

    @Option(help: "Message sizes in bytes, comma-separated.") var sizes = "4096,102400"
    @Option(help: "Messages per size (the 100 KB run uses a fifth).") var count = 20_000
    @Option(help: "Most messages per confirmed batch.") var batch = 100
    @Option(help: "Prefetch of the consumers (unacknowledged deliveries in flight).") var prefetch = 300
    @Option(help: "Queue types to measure, comma-separated: classic, quorum (side by side).") var queueTypes = "classic"
    @OptionGroup var settings: SettingOptions

    func run() async throws {
        let configuration = try settings.configuration()
        let url = try configuration.amqpURL()
        var logger = Logger(label: "nashra.bench")
        logger.logLevel = .warning
        print(
            "AMQP benchmark against \(url), persistent messages, durable queues, batch \(batch), prefetch \(prefetch)"
        )
        print("queue    operation                      size      messages   msg/s      MB/s")
        for type in queueTypes.split(separator: ",").map(String.init) {
            guard let queueType = Topology.QueueType(rawValue: type) else {
                throw ValidationError("--queue-types: classic or quorum, not \(type)")
            }
            for size in sizes.split(separator: ",").compactMap({ Int($0) }) {
                try await measure(url: url, queueType: queueType, size: size, logger: logger)
            }
        }
    }

    private func measure(url: AMQPURL, queueType: Topology.QueueType, size: Int, logger: Logger) async throws {
        let report = { (what: String, n: Int, seconds: Double) in
            self.report(
                queueType.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0) + " " + what,
                size,
                n,
                seconds
            )
        }
        let n = size > 16_384 ? max(batch, count / 5) : count
        let prefix = "nashra.bench.\(getpid()).\(queueType.rawValue).\(size)"
        let admin = try AMQPConnection(url: url)
        let arguments: [String: QueueArgument] = queueType == .quorum ? ["x-queue-type": .string("quorum")] : [:]
        for name in [prefix + ".a", prefix + ".b"] { try admin.declareQueue(name, arguments: arguments) }
        let body = Data(repeating: 0x61, count: size)
        let publisher = AMQPPublisher(url: url, topology: nil, logger: logger)

        var start = Date()
        var sent = 0
        while sent < n {
            let m = min(batch, n - sent)
            try publisher.publishBlocking(
                (0..<m).map { i in
                    OutgoingMessage(routingKey: prefix + ".a", body: body, messageID: "m\(sent + i)")
                }
            )
            sent += m
        }
        report("publish + confirms", n, Date().timeIntervalSince(start))

        func consumer(of queue: String) -> AMQPConsumer {
            AMQPConsumer(url: url, queue: queue, prefetch: prefetch, maxBatch: batch, topology: nil, logger: logger)
        }
        // Stage hop: a -> b, publish confirmed before ack, as every stage does.
        let relay = consumer(of: prefix + ".a")
        relay.start()
        start = Date()
        var moved = 0
        while moved < n, let deliveries = await relay.next() {
            try await publisher.publish(
                deliveries.map {
                    OutgoingMessage(
                        routingKey: prefix + ".b",
                        body: $0.message.body,
                        messageID: $0.message.messageID
                    )
                }
            )
            relay.ack(deliveries)
            moved += deliveries.count
        }
        report("stage hop (consume+publish)", n, Date().timeIntervalSince(start))
        await relay.close()

        let sink = consumer(of: prefix + ".b")
        sink.start()
        start = Date()
        var received = 0
        while received < n, let deliveries = await sink.next() {
            sink.ack(deliveries)
            received += deliveries.count
        }
        report("consume + acks", n, Date().timeIntervalSince(start))
        await sink.close()
        publisher.shutdown()
        for name in [prefix + ".a", prefix + ".b"] { try admin.deleteQueue(name) }
    }

    private func report(_ what: String, _ size: Int, _ n: Int, _ seconds: Double) {
        let rate = Double(n) / seconds
        let line = [
            what.padding(toLength: 39, withPad: " ", startingAt: 0),
            String(size).padding(toLength: 9, withPad: " ", startingAt: 0),
            String(n).padding(toLength: 10, withPad: " ", startingAt: 0),
            String(format: "%-10.0f %.1f", rate, rate * Double(size) / 1_048_576),
        ]
        print(line.joined(separator: " "))
    }
}
