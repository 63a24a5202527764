import ArgumentParser
import Classifier
import Foundation
import NashraArchive
import NashraModel
import Store

/// Story-grouping decisions of Nashra on a corpus, for scoring against a truth (bench/neardup.py): signatures
/// (timed, one core), candidates from the store's own bands, and each candidate pair's estimated similarity
/// with the store's verdict (`StorySimilarity.sameStory`). Reads JSON lines {id, source, title, text}.
struct NearDuplicateBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "neardup",
        abstract: "Signature speed and the story-grouping candidate pairs of a corpus (JSON lines)."
    )

    @Option(help: "JSON lines {id, source, title, text} (.jsonl or .jsonl.gz).") var corpus: String
    @Option(help: "Write every candidate pair here as JSON lines {a, b, similarity, grouped}.") var pairs: String?
    @Option(help: "Slots per band (the store's is 4): how a different band index would propose pairs.")
    var bandWidth = 4

    func run() throws {
        var records: [CorpusRecord] = []
        var unreadable = 0
        try CorpusRecord.forEach(in: corpus) { _, result in
            if let record = try? result.get(), record.id != nil { records.append(record) } else { unreadable += 1 }
        }
        if unreadable > 0 { print("\(unreadable) line(s) without an id or not JSON were left out") }
        let texts = records.map { ($0.title ?? "") + "\n" + ($0.text ?? "") }
        let signer = StorySignature()
        let start = Date()
        let signatures = texts.map { signer.signature(of: $0) }
        let seconds = Date().timeIntervalSince(start)
        let megabytes = Double(texts.reduce(0) { $0 + $1.utf8.count }) / 1_048_576
        print(
            String(
                format: "%d articles, %.1f MB: signatures %.0f docs/s (%.1f MB/s), one core",
                records.count,
                megabytes,
                Double(records.count) / seconds,
                megabytes / seconds
            )
        )

        var buckets: [Int64: [Int32]] = [:]
        for (index, signature) in signatures.enumerated() {
            for key in ArticleStore.bandKeys(signature, width: bandWidth) {
                buckets[key, default: []].append(Int32(index))
            }
        }
        var candidates = Set<Int64>()
        for members in buckets.values where members.count > 1 && members.count <= 200 {
            for i in 0..<members.count {
                for j in (i + 1)..<members.count { candidates.insert(Int64(members[i]) << 32 | Int64(members[j])) }
            }
        }
        var grouped = 0
        var output = Data()
        for pair in candidates {
            let (a, b) = (Int(pair >> 32), Int(pair & 0xffff_ffff))
            let similarity = StorySignature.similarity(signatures[a], signatures[b])
            let containment = StorySimilarity.containment(signatures[a], signatures[b], jaccard: similarity)
            let verdict = StorySimilarity.sameStory(signatures[a], signatures[b]) != nil
            grouped += verdict ? 1 : 0
            if pairs != nil {
                output.append(
                    Data(
                        "{\"a\":\"\(records[a].id ?? "")\",\"b\":\"\(records[b].id ?? "")\",\"similarity\":\(similarity),\"containment\":\(containment),\"grouped\":\(verdict)}\n"
                            .utf8
                    )
                )
            }
        }
        print(
            "\(candidates.count) candidate pairs from shared bands; \(grouped) grouped (similarity ≥ "
                + "\(StorySimilarity.sameStorySimilarity), or ≥ \(StorySimilarity.containmentFloor) with containment ≥ "
                + "\(StorySimilarity.sameStoryContainment))"
        )
        if let pairs { try output.write(to: URL(fileURLWithPath: pairs)) }
    }
}
