import ArgumentParser
import Fetcher
import Foundation
import NashraOperations
import NashraRuntime

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Queue depth of every stage: ready, unacked, consumers, rates, dead letters, drain time."
    )

    @Flag(help: "Print JSON for machines.") var json = false

    func run() async throws {
        let configuration = try environmentConfiguration()
        let inspector = try QueueInspector(configuration)
        let (source, queues) = await inspector.inspect()
        let frontier = try? FrontierSummary.read(stateDirectory: configuration[Setting.stateDir])
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(StatusReport(queues: queues, frontier: frontier)), as: UTF8.self))
            return
        }
        print(QueueStatusTable.text(queues))
        print("(from the \(source))")
        if let frontier {
            print(
                "frontier: \(frontier.feeds) feeds, \(frontier.broken.count) broken, "
                    + "\(frontier.pendingArticles) articles waiting for their host, \(frontier.seenArticles) seen"
            )
            for feed in frontier.broken {
                print("  broken: \(feed.url) (\(feed.failures) failures): \(feed.lastError ?? "-")")
            }
        }
        if queues.allSatisfy({ $0.ready == nil }) {
            throw ValidationError("cannot reach the broker at \(try configuration.amqpURL())")
        }
    }
}

/// What `nashra status --json` prints.
struct StatusReport: Codable {
    var queues: [QueueStatus]
    var frontier: FrontierSummary?
}

/// The frontier's crawl state, read from its state directory when this host has it.
struct FrontierSummary: Codable {
    struct BrokenFeed: Codable {
        var url: String
        var failures: Int
        var lastError: String?
    }

    var feeds: Int
    var broken: [BrokenFeed]
    var pendingArticles: Int
    var seenArticles: Int

    static func read(stateDirectory: String) throws -> FrontierSummary? {
        guard FileManager.default.fileExists(atPath: stateDirectory + "/frontier.sqlite") else { return nil }
        let state = try FrontierState(directory: stateDirectory)
        let feeds = try state.feeds()
        return FrontierSummary(
            feeds: feeds.count,
            broken: feeds.filter(\.isBroken).map {
                BrokenFeed(url: $0.url, failures: $0.failures, lastError: $0.lastError)
            },
            pendingArticles: try state.pendingCount(),
            seenArticles: try state.seenCount()
        )
    }
}
