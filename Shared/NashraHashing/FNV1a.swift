/// FNV-1a, 64-bit: the project's one stable, non-cryptographic hash. Stable ids of URLs, token features of the
/// topic model, story bands, paragraph de-duplication and search-term matching all use it, so its constants live
/// here only. Values must never change: story bands and the shipped topic model store them.
public enum FNV1a {
    /// The standard 64-bit offset basis: the seed of an unseeded hash.
    public static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    /// The standard 64-bit FNV prime.
    public static let prime: UInt64 = 0x100_0000_01b3

    /// One step: folds `value` into `hash`.
    @inlinable @inline(__always)
    public static func mix(_ hash: UInt64, _ value: UInt64) -> UInt64 {
        (hash ^ value) &* prime
    }

    /// The hash of a UTF-8 string's bytes.
    @inlinable
    public static func hash(utf8 text: some StringProtocol, seed: UInt64 = offsetBasis) -> UInt64 {
        var value = seed
        for byte in text.utf8 { value = mix(value, UInt64(byte)) }
        return value
    }
}
