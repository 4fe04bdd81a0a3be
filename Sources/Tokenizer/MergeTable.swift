/// Open-addressing hash table from an adjacent pair of token ids to the merge that joins
/// them: its rank (position in tokenizer.json's `merges`; lower merges first) and, via
/// `mergedID(rank:)`, the id of the merged token.
///
/// Keyed by ids rather than by concatenated bytes because BPE here is defined by the
/// merge list, not by vocabulary membership: a pair whose concatenation happens to be a
/// token but is not a listed merge must not merge. Ids and ranks fit in 17 bits, so a slot
/// is one UInt64 (`left << 34 | right << 17 | rank`); under half full, a lookup is almost
/// always a single probe into a 2 MB table.
///
/// Like `PieceTable`, the slots and merged ids live in the vocabulary's tables image and
/// are used in place; a slot's rank at or past the merge count is treated as no merge, and
/// the merged ids were checked against the vocabulary when the image was opened.
struct MergeTable: @unchecked Sendable {
    /// Rank returned for pairs that do not merge; compares above every real rank.
    static let noMerge = UInt32.max
    static let idBits = 17
    /// What an empty slot holds.
    static let empty = UInt64.max

    private let slots: UnsafePointer<UInt64>
    private let mergedIDs: UnsafePointer<UInt32>
    private let mask: Int
    private let shift: UInt64
    private let count: UInt64

    init(slots: UnsafePointer<UInt64>, capacity: Int, mergedIDs: UnsafePointer<UInt32>, count: Int) {
        self.slots = slots
        self.mergedIDs = mergedIDs
        mask = capacity - 1
        shift = Self.shift(capacity)
        self.count = UInt64(count)
    }

    /// The smallest power-of-two capacity (at least 16) at most half full with `count` merges.
    static func capacity(for count: Int) -> Int {
        var capacity = 16
        while capacity < count * 2 { capacity <<= 1 }
        return capacity
    }

    private static func shift(_ capacity: Int) -> UInt64 { UInt64(64 - capacity.trailingZeroBitCount) }

    /// Fills `slots` (`capacity` entries) and `mergedIDs` (one per merge) from `merges`,
    /// (left, right, merged) triples in rank order; every id and the count are below
    /// `1 << idBits` (checked by the caller).
    static func build(merges: UnsafeBufferPointer<UInt32>, slots: UnsafeMutablePointer<UInt64>, capacity: Int,
                      mergedIDs: UnsafeMutablePointer<UInt32>) {
        let count = merges.count / 3
        let mask = capacity - 1, shift = shift(capacity)
        slots.initialize(repeating: empty, count: capacity)
        for rank in 0..<count {
            let key = UInt64(merges[rank * 3]) << 17 | UInt64(merges[rank * 3 + 1])
            var index = slotIndex(key, shift)
            while slots[index] != empty { index = (index + 1) & mask }
            slots[index] = key << 17 | UInt64(rank)
            mergedIDs[rank] = merges[rank * 3 + 2]
        }
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
        for _ in 0...mask {  // one round at most: a full table (a damaged file) is no merge
            let slot = slots[index]
            if slot >> 17 == key {
                let rank = slot & 0x1_FFFF
                return rank < count ? UInt32(truncatingIfNeeded: rank) : Self.noMerge
            }
            if slot == Self.empty { return Self.noMerge }
            index = (index + 1) & mask
        }
        return Self.noMerge
    }

    /// Id of the token the merge of `rank` produces.
    @inline(__always)
    func mergedID(rank: UInt32) -> UInt32 { mergedIDs[Int(rank)] }
}
