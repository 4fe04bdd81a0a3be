/// A 128-bit fingerprint of a token prefix.
///
/// Prefix hashes are chained (`h[i+1] = mix(h[i], token[i])`), so one pass over a
/// prompt gives the fingerprint of every prefix, and "is this stored unit a prefix of
/// the prompt" is one hash-table lookup instead of a token comparison. Two independent
/// 64-bit chains make an accidental collision (about 2^-128 per pair) a non-issue even
/// for millions of stored units.
public struct PrefixHash: Hashable, Sendable {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    public static let empty = PrefixHash(high: 0x6A09_E667_F3BC_C908, low: 0xBB67_AE85_84CA_A73B)

    @inline(__always)
    public func appending(_ token: Int) -> PrefixHash {
        let value = UInt64(bitPattern: Int64(token))
        return PrefixHash(high: Self.mix(high &+ value &* 0x9E37_79B9_7F4A_7C15),
                          low: Self.mix(low ^ (value &+ 0xC2B2_AE3D_27D4_EB4F) &* 0x1656_67B1_9E37_79F9))
    }

    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `result[i]` is the hash of `tokens[0..<i]`; `result.count == tokens.count + 1`.
    public static func prefixes(of tokens: [Int], continuing start: PrefixHash = .empty) -> [PrefixHash] {
        var result = [PrefixHash]()
        result.reserveCapacity(tokens.count + 1)
        var hash = start
        result.append(hash)
        for token in tokens {
            hash = hash.appending(token)
            result.append(hash)
        }
        return result
    }
}
