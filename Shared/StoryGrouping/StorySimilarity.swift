/// Whether two articles tell the same story. The store's band index proposes candidates that share a band of
/// their MinHash signatures; a candidate is then checked in two steps:
///
/// 1. on the signatures: the estimated Jaccard similarity of their word 3-shingles must reach
///    `verificationFloor`, or the estimated containment `verificationContainment` (most candidates stop here,
///    for the cost of comparing 64 slots);
/// 2. on the texts: at least `sameStoryContainment` of the shorter text's distinct 3-shingles must be in the
///    longer one (`WordShingles.set(of:)` of both).
///
/// Why the exact check: a wire story republished with paragraphs cut or added has a low Jaccard similarity to the
/// other copy while one is contained in the other, and 64 slots estimate that containment poorly. On SaudiNewsNet
/// (`bench/neardup.py`), the signature-only verdict grouped 0.720 of the true pairs at precision 0.965; the exact
/// containment of the same candidates groups 0.81 at 0.98. The price is reading and shingling a candidate's text,
/// and only for candidates past step 1.
public enum StorySimilarity {
    /// The text a story is signed and verified on: the title, a newline, then the body (the paragraphs joined by
    /// newlines). The classifier signs it; the store shingles it, for the article and for its candidates.
    public static func storyText(title: String, body: String) -> String { title + "\n" + body }

    /// The estimated Jaccard similarity: the share of slots that agree. 0 when the signatures differ in size or
    /// are empty (a text too short to sign).
    public static func estimate(_ a: [UInt32], _ b: [UInt32]) -> Double {
        guard a.count == b.count, !a.isEmpty else { return 0 }
        var agreeing = 0
        for slot in a.indices where a[slot] == b[slot] { agreeing += 1 }
        return Double(agreeing) / Double(a.count)
    }

    /// The estimated similarity from which a candidate's text is read and checked…
    public static let verificationFloor = 0.2
    /// …or, below it, the estimated containment of the shorter text in the longer (a short copy inside a long
    /// piece has a low Jaccard similarity). Candidates below both are rarely the same story: on SaudiNewsNet this
    /// screen reads half the candidates' texts and loses 0.001 of recall.
    public static let verificationContainment = 0.5
    /// The share of the shorter text's shingles found in the other from which two articles tell one story.
    public static let sameStoryContainment = 0.7

    /// Whether a candidate's signature is close enough for its text to be checked.
    public static func worthVerifying(_ a: [UInt32], _ b: [UInt32]) -> Bool {
        let similarity = estimate(a, b)
        return similarity >= verificationFloor
            || (similarity > 0 && estimatedContainment(a, b, jaccard: similarity) >= verificationContainment)
    }

    /// The estimated number of distinct shingles behind a signature. Its slots are the minimums of uniform
    /// 32-bit hashes, so their mean says how many there were: (k − 1) / Σ uᵢ for k minimums uᵢ scaled to 0…1
    /// (within about 1/√k, 12% for 64 slots).
    public static func estimatedSize(_ signature: [UInt32]) -> Double {
        guard signature.count > 1 else { return 0 }
        let sum = signature.reduce(0.0) { $0 + (Double($1) + 1) / 4_294_967_296 }
        return Double(signature.count - 1) / sum
    }

    /// The estimated share of the shorter text's shingles that the longer one has, from the signatures alone:
    /// J/(1+J) · (|A|+|B|)/min(|A|, |B|), with the sizes estimated (`estimatedSize`). Rough (64 slots), so it only
    /// screens candidates; `containment(_:_:)` decides.
    public static func estimatedContainment(_ a: [UInt32], _ b: [UInt32], jaccard: Double) -> Double {
        let (sizeA, sizeB) = (estimatedSize(a), estimatedSize(b))
        guard jaccard > 0, min(sizeA, sizeB) > 0 else { return 0 }
        return min(1, jaccard / (1 + jaccard) * (sizeA + sizeB) / min(sizeA, sizeB))
    }

    /// The share of the smaller set found in the other: |A ∩ B| / min(|A|, |B|), for sorted, distinct shingle
    /// sets (`WordShingles.set(of:)`). 0 when either is empty.
    public static func containment(_ a: [UInt64], _ b: [UInt64]) -> Double {
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        var (i, j, shared) = (0, 0, 0)
        while i < a.count && j < b.count {
            if a[i] == b[j] {
                shared += 1
                i += 1
                j += 1
            } else if a[i] < b[j] {
                i += 1
            } else {
                j += 1
            }
        }
        return Double(shared) / Double(min(a.count, b.count))
    }

    /// The containment of two shingle sets when they tell the same story, nil when they do not.
    public static func sameStory(_ a: [UInt64], _ b: [UInt64]) -> Double? {
        let share = containment(a, b)
        return isSameStory(containment: share) ? share : nil
    }

    /// Whether a containment (`containment(_:_:)`) makes two texts one story.
    public static func isSameStory(containment share: Double) -> Bool { share >= sameStoryContainment }
}
