import ArabicText
import ArgumentParser
import Classifier
import CorpusFiles
import Foundation
import NashraMessages
import Store
import StoryGrouping

/// Story-grouping decisions of Nashra on a corpus, for scoring against a truth (bench/neardup.py): signatures
/// (timed, one core), candidates from the store's own bands, and each candidate pair's estimated similarity
/// and exact containment with the store's verdict (`StorySimilarity`). Reads JSON lines {id, source, title, text}.
struct NearDuplicateBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "neardup",
        abstract: "Signature speed and the story-grouping candidate pairs of a corpus (JSON lines)."
    )

    @Option(help: "JSON lines {id, source, title, text} (.jsonl or .jsonl.gz).") var corpus: String
    @Option(help: "Write every candidate pair here as JSON lines {a, b, similarity, grouped}.") var pairs: String?
    @Option(help: "Slots per band (the store's is StoryBands.bandWidth): how another band index would propose pairs.")
    var bandWidth = StoryBands.bandWidth

    func run() throws {
        var records: [CorpusRecord] = []
        var unreadable = 0
        try CorpusRecord.forEach(in: corpus) { _, result in
            if let record = try? result.get(), record.id != nil { records.append(record) } else { unreadable += 1 }
        }
        if unreadable > 0 { print("\(unreadable) line(s) without an id or not JSON were left out") }
        let texts = records.map { StorySimilarity.storyText(title: $0.title ?? "", body: $0.text ?? "") }
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
            for key in StoryBands.bandKeys(signature, width: bandWidth) {
                buckets[key, default: []].append(Int32(index))
            }
        }
        var candidates = Set<Int64>()
        for members in buckets.values where members.count > 1 && members.count <= 200 {
            for i in 0..<members.count {
                for j in (i + 1)..<members.count { candidates.insert(Int64(members[i]) << 32 | Int64(members[j])) }
            }
        }
        // The store's verdict (`StorySimilarity`): the signatures first, then the texts' exact shingles.
        var shingles: [Int: [UInt64]] = [:]
        func set(_ index: Int) -> [UInt64] {
            if let made = shingles[index] { return made }
            let made = WordShingles.set(of: texts[index])
            shingles[index] = made
            return made
        }
        var grouped = 0
        var verified = 0
        var output = Data()
        let verifying = Date()
        for pair in candidates {
            let (a, b) = (Int(pair >> 32), Int(pair & 0xffff_ffff))
            let similarity = StorySignature.similarity(signatures[a], signatures[b])
            var containment = -1.0  // not checked: the signatures are too far apart
            if StorySimilarity.worthVerifying(signatures[a], signatures[b]) {
                containment = StorySimilarity.containment(set(a), set(b))
                verified += 1
            }
            let verdict = StorySimilarity.isSameStory(containment: containment)
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
        let verification = Date().timeIntervalSince(verifying)
        print(
            "\(candidates.count) candidate pairs from shared bands of \(bandWidth) slots; \(verified) checked on their "
                + "texts (estimated similarity ≥ \(StorySimilarity.verificationFloor) or estimated containment ≥ "
                + "\(StorySimilarity.verificationContainment)), \(grouped) grouped "
                + "(containment ≥ \(StorySimilarity.sameStoryContainment)); "
                + String(
                    format: "%.1f s for the checks, %.0f µs a checked pair, texts shingled once",
                    verification,
                    verification / Double(max(1, verified)) * 1e6
                )
        )
        if let pairs { try output.write(to: URL(fileURLWithPath: pairs)) }
    }
}
