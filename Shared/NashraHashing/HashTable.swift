/// A fixed table from 64-bit hashes that are already well mixed (`FNV1a` over a word's scalars) to 64-bit
/// values: open addressing with linear probing, built once from a word list and read without `Hasher`. For the
/// hot loops of the classifier and search (a stop word or a word-list feature per token), where hashing the hash
/// again was most of the cost of a `Set` or `Dictionary` lookup. Not generic, so that nothing in the loop asks
/// the runtime for type metadata.
public struct HashTable: Sendable {
    @usableFromInline let keys: [UInt64]
    @usableFromInline let values: [UInt64]
    @usableFromInline let used: [Bool]
    @usableFromInline let mask: Int

    /// The table of `entries` (a later duplicate key replaces an earlier one).
    public init(_ entries: some Sequence<(UInt64, UInt64)>) {
        let list = Array(entries)
        var size = 16
        while size < list.count * 4 { size *= 2 }
        var keys = [UInt64](repeating: 0, count: size)
        var values = [UInt64](repeating: 0, count: size)
        var used = [Bool](repeating: false, count: size)
        for (key, value) in list {
            var slot = Self.slot(key, mask: size - 1)
            while used[slot] && keys[slot] != key { slot = (slot + 1) & (size - 1) }
            keys[slot] = key
            values[slot] = value
            used[slot] = true
        }
        (self.keys, self.values, self.used, mask) = (keys, values, used, size - 1)
    }

    /// A set of hashes (each its own value).
    public init(members: some Sequence<UInt64>) { self.init(members.map { ($0, $0) }) }

    public var count: Int { used.lazy.filter { $0 }.count }

    @inlinable @inline(__always)
    static func slot(_ key: UInt64, mask: Int) -> Int { Int(truncatingIfNeeded: key ^ (key >> 29)) & mask }

    /// The value of `key`, if it is in the table.
    @inlinable @inline(__always)
    public subscript(key: UInt64) -> UInt64? {
        var slot = Self.slot(key, mask: mask)
        while used[slot] {
            if keys[slot] == key { return values[slot] }
            slot = (slot + 1) & mask
        }
        return nil
    }

    @inlinable @inline(__always)
    public func contains(_ key: UInt64) -> Bool { self[key] != nil }
}
