/// A fixed list of phrases, found in a text in one pass over its UTF-8 bytes (no Foundation, no Unicode folding:
/// the phrases are matched as written).
///
/// The extractor asks of nearly every short text node of a page whether it holds a date phrase, a copyright mark
/// or an aggregator's notice. One byte-wise search per phrase made that some twenty passes over each node; here
/// each position of the text is tried only against the phrases that begin with its byte.
struct PhraseSet: Sendable {
    private let phrases: [[UInt8]]
    /// For each first byte, the phrases (indices into `phrases`) that begin with it.
    private let startingWith: [[Int]]

    init(_ phrases: [String]) {
        self.phrases = phrases.map { Array($0.utf8) }.filter { !$0.isEmpty }
        var startingWith = [[Int]](repeating: [], count: 256)
        for (index, phrase) in self.phrases.enumerated() { startingWith[Int(phrase[0])].append(index) }
        self.startingWith = startingWith
    }

    /// Whether any phrase occurs in `text`.
    func occurs(in text: String) -> Bool {
        if let found = text.utf8.withContiguousStorageIfAvailable({ occurs(inBytes: $0) }) { return found }
        return Array(text.utf8).withUnsafeBufferPointer { occurs(inBytes: $0) }
    }

    private func occurs(inBytes text: UnsafeBufferPointer<UInt8>) -> Bool {
        for start in text.indices {
            for index in startingWith[Int(text[start])] {
                let phrase = phrases[index]
                guard phrase.count <= text.count - start else { continue }
                var offset = 1
                while offset < phrase.count, text[start + offset] == phrase[offset] { offset += 1 }
                if offset == phrase.count { return true }
            }
        }
        return false
    }
}
