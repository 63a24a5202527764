import ArgumentParser
import FetchFrontier
import Foundation
import Logging
import NashraOperations
import NashraRuntime
import Store

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Queues (depth, rates, dead letters, drain time), which stage to scale, freshness, broken feeds.",
        discussion: """
            Scaling advice: a stage's rate per instance is its queue's ack rate over its consumers; where the backlog \
            grows or would not drain within --drain-target, it says how many instances would drain it in time.
            Freshness: publication → stored and discovery → stored, p50/p95 of the articles stored in the last \
            hour (read from NASHRA_DB when this host has the database).
            """
    )

    @Flag(help: "Print JSON for machines.") var json = false
    @Flag(help: "Refresh in place until interrupted.") var watch = false
    @Option(help: "Seconds between refreshes with --watch.") var interval: Double = 2
    @Option(help: "Drain every backlog within this long (e.g. 600s, 10m, 1h; a bare number is minutes).")
    var drainTarget: String = "10m"
    @OptionGroup var settings: SettingOptions

    func validate() throws {
        guard Self.seconds(drainTarget) != nil else { throw ValidationError("--drain-target: use 600s, 10m or 1h") }
        guard interval >= 0.5 else { throw ValidationError("--interval: at least 0.5 seconds") }
    }

    func run() async throws {
        let configuration = try settings.configuration()
        let inspector = try QueueInspector(configuration)
        let target = Self.seconds(drainTarget) ?? 600
        // The archive is opened once (a PostgreSQL pool, a schema check), when it exists, not on every refresh.
        var store: (any NewsArchive)?
        repeat {
            var notes: [String] = []
            if store == nil {
                do { store = try await StatusReport.openArchive(configuration) } catch {
                    notes.append("freshness: cannot open \(configuration[Setting.database]): \(error)")
                }
            }
            var report = await StatusReport.gather(
                configuration,
                inspector: inspector,
                store: store,
                drainTarget: target
            )
            report.notes = notes + report.notes
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            } else {
                // Home and clear, then the report: a terminal shows it refreshed in place.
                if watch { print("\u{1B}[H\u{1B}[2J", terminator: "") }
                print(report.text(drainTarget: target))
                if watch { print("(every \(interval) s; Ctrl-C to stop)") }
            }
            if !watch, !report.brokerReached {
                throw ValidationError("cannot reach the broker at \(try configuration.amqpURL())")
            }
            if watch { try await Task.sleep(for: .milliseconds(Int(interval * 1000))) }
        } while watch
        await store?.close()
    }

    /// "600s", "10m", "1h", or a bare number of minutes.
    static func seconds(_ text: String) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
        if let last = text.last, let unit = units[last] { return Double(text.dropLast()).map { $0 * unit } }
        return Double(text).map { $0 * 60 }
    }
}

/// What `nashra status` shows (and `--json` prints).
struct StatusReport: Codable {
    var source: String
    var queues: [QueueStatus]
    /// Whether the broker answered (its queues may still be undeclared: no service has started).
    var brokerReached: Bool
    var advice: [ScalingAdvisor.Advice]
    var freshness: Freshness?
    var frontier: FrontierSummary?
    /// What could not be read, and why: a section is never left out without a word.
    var notes: [String] = []

    /// The archive `NASHRA_DB` names, when there is one (a SQLite file not written yet is not created here).
    static func openArchive(_ configuration: Configuration) async throws -> (any NewsArchive)? {
        let database = configuration[Setting.database]
        guard PostgresArchive.handles(database) || FileManager.default.fileExists(atPath: database) else { return nil }
        return try await openNewsArchive(database, logger: Logger(label: "nashra.status"))
    }

    static func gather(
        _ configuration: Configuration,
        inspector: QueueInspector,
        store: (any NewsArchive)?,
        drainTarget: Double
    ) async -> StatusReport {
        let inspection = await inspector.inspect()
        var notes: [String] = []
        if inspection.brokerReached, inspection.queues.allSatisfy({ $0.ready == nil }) {
            notes.append(
                "the broker answers but has no queue named \(inspector.topology.prefix).*: no Nashra service has "
                    + "started on it yet (or NASHRA_QUEUE_PREFIX differs)"
            )
        }
        var freshness: Freshness?
        if let store {
            do { freshness = try await store.freshness() } catch { notes.append("freshness: \(error)") }
        }
        var frontier: FrontierSummary?
        do { frontier = try FrontierSummary.read(stateDirectory: configuration[Setting.stateDir]) } catch {
            notes.append("frontier: cannot read \(configuration[Setting.stateDir]): \(error)")
        }
        return StatusReport(
            source: inspection.source,
            queues: inspection.queues,
            brokerReached: inspection.brokerReached,
            advice: ScalingAdvisor.advise(inspection.queues, topology: inspector.topology, drainTarget: drainTarget),
            freshness: freshness,
            frontier: frontier,
            notes: notes
        )
    }

    func text(drainTarget: Double) -> String {
        var lines = [QueueStatusTable.text(queues), "(from the \(source))", ""]
        lines.append("scaling (drain within \(Elapsed.text(drainTarget))):")
        for advice in advice {
            lines.append("  \(advice.stage.padding(toLength: 11, withPad: " ", startingAt: 0)) \(advice.summary)")
        }
        if let freshness {
            func figure(_ quantiles: Freshness.Quantiles) -> String {
                guard let p50 = quantiles.p50, let p95 = quantiles.p95 else { return "no articles" }
                return "p50 \(Elapsed.text(p50)), p95 \(Elapsed.text(p95)) "
                    + "(\(quantiles.count) articles)"
            }
            lines.append("")
            lines.append("freshness, articles stored in the last hour:")
            lines.append("  publication → stored: \(figure(freshness.sincePublished))")
            lines.append("  discovery → stored:   \(figure(freshness.sinceDiscovered))")
        }
        if let frontier {
            lines.append("")
            lines.append(
                "frontier: \(frontier.feeds) feeds, \(frontier.broken.count) broken, "
                    + "\(frontier.pendingArticles) articles waiting for their host, \(frontier.seenArticles) seen, "
                    + "\(frontier.pushedFeeds) pushed by their hub (WebSub)"
            )
            for feed in frontier.broken {
                lines.append("  broken: \(feed.url) (\(feed.failures) failures): \(feed.lastError ?? "-")")
            }
        }
        if !notes.isEmpty { lines += [""] + notes.map { "note: " + $0 } }
        return lines.joined(separator: "\n")
    }
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
    /// Feeds with a live WebSub subscription.
    var pushedFeeds: Int

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
            seenArticles: try state.seenCount(),
            pushedFeeds: try state.pushedFeeds(at: Date()).count
        )
    }
}
