/// Open-addressing hash table from an adjacent pair of token ids to the merge that joins
/// them: its rank (position in tokenizer.json's `merges`, lower merges first) and the id
/// of the merged token.
///
/// Keyed by ids rather than by concatenated bytes because BPE here is defined by the
/// merge list, not by vocabulary membership: a pair whose concatenation happens to be a
/// token but is not a listed merge must not merge. Keys and values sit side by side in one
/// 16-byte slot; the table is under half full, so a lookup is almost always one probe.
struct MergeTable: @unchecked Sendable {
    static let noMerge = UInt64.max

    private let slots: UnsafeMutablePointer<(key: UInt64, value: UInt64)>
    private let shift: UInt64

    /// `merges` holds (left, right, merged) triples in rank order.
    init(merges: UnsafeBufferPointer<UInt32>) {
        let count = merges.count / 3
        var bits: UInt64 = 4
        while (1 << bits) < count * 2 { bits += 1 }
        let capacity = 1 << Int(bits)
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: (UInt64.max, 0), count: capacity)
        shift = 64 - bits
        for rank in 0..<count {
            let key = UInt64(merges[rank * 3]) << 32 | UInt64(merges[rank * 3 + 1])
            var index = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
            while slots[index].key != UInt64.max { index = (index + 1) & (capacity - 1) }
            slots[index] = (key, UInt64(rank) << 32 | UInt64(merges[rank * 3 + 2]))
        }
    }

    func deallocate() { slots.deallocate() }

    /// `rank << 32 | mergedID` for the pair, or `noMerge` (which compares above every rank).
    @inline(__always)
    func merge(_ left: UInt32, _ right: UInt32) -> UInt64 {
        let key = UInt64(left) << 32 | UInt64(right)
        let mask = (1 << (64 - Int(shift))) - 1
        var index = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
        while true {
            let slot = slots[index]
            if slot.key == key { return slot.value }
            if slot.key == UInt64.max { return Self.noMerge }
            index = (index + 1) & mask
        }
    }
}
