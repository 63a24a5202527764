import ArgumentParser
import Foundation
import Logging
import NashraAMQP
import NashraOperations
import NashraRuntime
import ReplaySite
import Store

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Count a run over the replay publisher: expected, stored, lost, duplicated, dead-lettered.",
        discussion: """
            Reads the manifest of `nashra-dev replay-site`, the store (NASHRA_DB) and every dead-letter queue (they \
            are read, not consumed), and prints one JSON line. With --wait it first waits until every page has \
            come to an end and the stage queues are idle, or until the time is up. Exits 1 when something was \
            lost, stored twice, or dead-lettered without a reason.
            """
    )

    @Option(help: "The manifest written by `nashra-dev replay-site --manifest`.") var manifest: String
    @Option(name: .customLong("case"), help: "Name of the run, printed in the JSON.") var name = "run"
    @Option(help: "Process restarts during the run, printed in the JSON.") var restarts = 0
    @Option(help: "Wait up to this many seconds for the run to settle.") var wait = 0.0
    @OptionGroup var settings: SettingOptions

    func run() async throws {
        let configuration = try settings.configuration()
        let pages = try ReplayAudit.readManifest(manifest)
        let store = try await openNewsArchive(configuration[Setting.database], logger: Logger(label: "nashra.audit"))
        let inspector = try QueueInspector(configuration)
        let topology = try configuration.topology()
        let url = try configuration.amqpURL()
        let deadline = Date().addingTimeInterval(wait)
        var idleSince: Date?
        var audit: ReplayAudit
        while true {
            if wait <= 0 {
                audit = try await count(pages, store, topology, url)
                break
            }
            // Cheap checks first (stored rows, queue depths); dead letters are read once those say "done".
            let queues = await inspector.inspect().queues
            let idle = queues.allSatisfy {
                ($0.ready ?? 1) == 0 && ($0.unacknowledged ?? 0) == 0 && ($0.retrying ?? 0) == 0
            }
            let stored = try await store.storedRows()
            let expectedStored = Set(stored.map(\.url))
            let done = pages.allSatisfy { $0.fate != .stored || expectedStored.contains($0.url) }
            idleSince = idle && done ? (idleSince ?? Date()) : nil
            // Management statistics lag by a collection tick: idle must hold for a few seconds.
            if let since = idleSince, Date().timeIntervalSince(since) >= 4 {
                audit = try await count(pages, store, topology, url)
                if audit.settled { break }
            }
            if Date() >= deadline {
                audit = try await count(pages, store, topology, url)
                break
            }
            try await Task.sleep(for: .seconds(1))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(audit), as: UTF8.self))
        if !audit.passed { throw ExitCode(1) }
    }

    /// The audit now: stored rows, and every dead letter (read, left in its queue).
    private func count(_ pages: [ReplayArticle], _ store: any NewsArchive, _ topology: Topology, _ url: AMQPURL)
        async throws -> ReplayAudit
    {
        var letters: [ReplayAudit.DeadLetter] = []
        for stage in Topology.Stage.allCases {
            let queue = DeadLetterQueue(url: url, topology: topology, stage: stage)
            let waiting = (try? queue.count()) ?? 0
            guard waiting > 0 else { continue }
            for letter in await queue.peek(limit: min(waiting, 60_000)) {
                letters.append(
                    .init(url: ReplayAudit.url(inBody: letter.body), reason: DeadLetterQueue.recordedReason(of: letter))
                )
            }
        }
        return ReplayAudit(
            case: name,
            manifest: pages,
            stored: try await store.storedRows().map { ($0.id, $0.url, $0.createdAt) },
            deadLetters: letters,
            restarts: restarts
        )
    }
}
