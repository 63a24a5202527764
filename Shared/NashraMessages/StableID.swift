import NashraHashing

/// Stable identifiers derived from content: the same input gives the same id in every process and release.
public enum StableID {
    /// 128-bit FNV-1a (two 64-bit lanes with different offsets), as 32 hex digits. Not cryptographic: ids only
    /// need to be stable and collision-free across millions of URLs, which 128 bits gives.
    public static func of(_ text: String) -> String {
        var a = FNV1a.offsetBasis
        var b: UInt64 = 0x8422_2325_cbf2_9ce4 ^ 0x9e37_79b9_7f4a_7c15
        for byte in text.utf8 {
            a = FNV1a.mix(a, UInt64(byte))
            b = FNV1a.mix(b, UInt64(byte))
            b = (b << 13) | (b >> 51)
        }
        return hex(a) + hex(b)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
