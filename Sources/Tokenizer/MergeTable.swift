/// Open-addressing hash table from an adjacent pair of token ids to the merge that joins
/// them: its rank (position in tokenizer.json's `merges`; lower merges first) and, via
/// `mergedID(rank:)`, the id of the merged token.
///
/// Keyed by ids rather than by concatenated bytes because BPE here is defined by the
/// merge list, not by vocabulary membership: a pair whose concatenation happens to be a
/// token but is not a listed merge must not merge. Ids and ranks fit in 17 bits, so a slot
/// is one UInt64 (`left << 34 | right << 17 | rank`); under half full, a lookup is almost
/// always a single probe into a 2 MB table, and building it at load takes ~2 ms.
struct MergeTable: @unchecked Sendable {
    /// Rank returned for pairs that do not merge; compares above every real rank.
    static let noMerge = UInt32.max
    static let idBits = 17

    private let slots: UnsafeMutablePointer<UInt64>
    private let mergedIDs: UnsafeMutablePointer<UInt32>
    private let mask: Int
    private let shift: UInt64

    /// `merges` holds (left, right, merged) triples in rank order; every id and the
    /// count must be below `1 << idBits` (checked by the caller).
    init(merges: UnsafeBufferPointer<UInt32>) {
        let count = merges.count / 3
        var bits: UInt64 = 4
        while (1 << bits) < count * 2 { bits += 1 }
        let capacity = 1 << Int(bits)
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: .max, count: capacity)
        mergedIDs = .allocate(capacity: max(count, 1))
        mask = capacity - 1
        shift = 64 - bits
        for rank in 0..<count {
            let key = UInt64(merges[rank * 3]) << 17 | UInt64(merges[rank * 3 + 1])
            var index = Self.slotIndex(key, shift)
            while slots[index] != .max { index = (index + 1) & mask }
            slots[index] = key << 17 | UInt64(rank)
            mergedIDs[rank] = merges[rank * 3 + 2]
        }
    }

    func deallocate() {
        slots.deallocate()
        mergedIDs.deallocate()
    }

    @inline(__always)
    private static func slotIndex(_ key: UInt64, _ shift: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// Rank of the merge joining `left` and `right`, or `noMerge`.
    @inline(__always)
    func rank(_ left: UInt32, _ right: UInt32) -> UInt32 {
        let key = UInt64(left) << 17 | UInt64(right)
        var index = Self.slotIndex(key, shift)
        while true {
            let slot = slots[index]
            if slot >> 17 == key { return UInt32(truncatingIfNeeded: slot & 0x1_FFFF) }
            if slot == .max { return Self.noMerge }
            index = (index + 1) & mask
        }
    }

    /// Id of the token the merge of `rank` produces.
    @inline(__always)
    func mergedID(rank: UInt32) -> UInt32 { mergedIDs[Int(rank)] }
}
