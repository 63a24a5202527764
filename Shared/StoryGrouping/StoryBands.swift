import Foundation
import NashraHashing

/// The band index of story signatures, the same for both store back ends: a signature cut into bands of
/// `bandWidth` slots, each band hashed to one key. Articles sharing a key are candidates of one story, which
/// `StorySimilarity` then verifies.
public enum StoryBands {
    /// Slots per band: 32 bands of 2 slots for a 64-slot signature. Bands of 4 proposed only 0.68 of the pairs
    /// that tell one story on SaudiNewsNet (`bench/neardup.py`), bands of 2 propose 0.96: 4.4 times the
    /// candidates, most turned down on their signatures before any text is read (`StorySimilarity`).
    public static let bandWidth = 2

    /// The band keys of a signature: each band's slots hashed (FNV-1a) from a seed that differs per band, kept to
    /// the hash's high 31 bits, which SQLite stores in 4 bytes where a full 64-bit hash takes 8 (the band index, 32
    /// rows an article, is a quarter smaller). A collision between two bands' keys only adds a candidate, which
    /// verification turns down. Empty for signatures too short to band.
    public static func bandKeys(_ signature: [UInt32], width: Int = bandWidth) -> [Int64] {
        guard signature.count >= width * 2 else { return [] }
        return stride(from: 0, to: signature.count - width + 1, by: width).enumerated().map { band, start in
            var hash = FNV1a.offsetBasis ^ UInt64(band)
            for slot in signature[start..<(start + width)] { hash = FNV1a.mix(hash, UInt64(slot)) }
            return Int64(hash >> 33)
        }
    }

    /// A signature as the stores keep it (its slots' bytes, in the machine's order); empty for anything else.
    public static func decodeSignature(_ data: Data?) -> [UInt32] {
        guard let data, data.count % 4 == 0 else { return [] }
        return data.withUnsafeBytes { Array($0.bindMemory(to: UInt32.self)) }
    }
}
