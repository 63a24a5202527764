import ArgumentParser
import NashraAMQP
import NashraOperations
import NashraRuntime

struct DeadLetterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dead",
        abstract: "Inspect and replay dead letters.",
        subcommands: [List.self, Replay.self]
    )

    struct Options: ParsableArguments {
        @Argument(help: "The stage queue: fetch, discovered, pages, articles or classified.")
        var stage: String
        @Option(help: "At most this many messages.") var limit = 20
        @OptionGroup var settings: SettingOptions

        func queue() throws -> DeadLetterQueue {
            guard let stage = Topology.Stage(rawValue: stage) else {
                throw ValidationError(
                    "unknown stage \(stage); one of: " + Topology.Stage.allCases.map(\.rawValue).joined(separator: ", ")
                )
            }
            let configuration = try settings.configuration()
            return DeadLetterQueue(
                url: try configuration.amqpURL(),
                topology: try configuration.topology(),
                stage: stage
            )
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show dead letters with their reason (they stay in the queue)."
        )
        @OptionGroup var options: Options

        func run() async throws {
            let queue = try options.queue()
            let letters = await queue.peek(limit: options.limit)
            print("\(letters.count) dead letter(s) shown from \(queue.topology.deadQueue(queue.stage))")
            for letter in letters {
                let body = String(decoding: letter.body.prefix(160), as: UTF8.self)
                print("- id: \(letter.messageID ?? "-")")
                print("  failed at: \(letter.stringHeader(NashraHeader.failedAt) ?? "-")")
                print("  attempts: \(letter.intHeader(NashraHeader.attempt) ?? 0)")
                print("  reason: \(DeadLetterQueue.reason(of: letter))")
                print("  body: \(body.replacingOccurrences(of: "\n", with: " "))")
            }
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send dead letters back to their stage queue with a fresh attempt count."
        )
        @OptionGroup var options: Options

        func run() async throws {
            let queue = try options.queue()
            let replayed = try await queue.replay(limit: options.limit)
            print(
                "replayed \(replayed) message(s) from \(queue.topology.deadQueue(queue.stage)) "
                    + "to \(queue.topology.queue(queue.stage))"
            )
        }
    }
}
