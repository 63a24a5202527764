import ArgumentParser
import Foundation
import Logging
import NashraAMQP
import NashraMessages
import NashraRuntime

struct PoisonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "poison",
        abstract: "Publish malformed messages into every stage queue (chaos runs): each must be dead-lettered.",
        discussion: """
            Four to a queue: invalid JSON, an unknown schema, a 20 MB body, and fields of the wrong type, each \
            with the queue's own message type. Prints how many were published.
            """
    )

    @Option(help: "Size of the oversized body, in megabytes.") var megabytes = 20
    @OptionGroup var settings: SettingOptions

    func run() async throws {
        let configuration = try settings.configuration()
        let topology = try configuration.topology()
        var logger = Logger(label: "nashra.poison")
        logger.logLevel = .error
        let publisher = AMQPPublisher(url: try configuration.amqpURL(), topology: topology, logger: logger)
        defer { publisher.shutdown() }
        let types: [Topology.Stage: String] = [
            .fetch: FetchJob.messageType, .discovered: FetchReport.messageType, .pages: FetchedPage.messageType,
            .articles: Article.messageType, .classified: ClassifiedArticle.messageType,
            .health: SourceHealthReport.messageType,
        ]
        let huge =
            Data("{\"schema\":1,\"padding\":\"".utf8) + Data(repeating: UInt8(ascii: "A"), count: megabytes << 20)
            + Data("\"}".utf8)
        var messages: [OutgoingMessage] = []
        for stage in Topology.Stage.allCases {
            let bodies: [(String, Data)] = [
                ("invalid-json", Data("{\"schema\": 1, \"url\": \"http://".utf8)),
                ("unknown-schema", Data("{\"schema\": 99, \"url\": \"http://poison.invalid/\"}".utf8)),
                ("oversized", huge),
                ("wrong-types", Data("{\"schema\": \"one\", \"url\": 42, \"kind\": [], \"title\": {}}".utf8)),
            ]
            for (kind, body) in bodies {
                messages.append(
                    OutgoingMessage(
                        routingKey: topology.queue(stage),
                        body: body,
                        messageID: "poison:\(stage.rawValue):\(kind)",
                        type: types[stage]
                    )
                )
            }
        }
        try await publisher.publish(messages)
        print("published \(messages.count) poison messages (\(messages.count / Topology.Stage.allCases.count) a queue)")
    }
}
