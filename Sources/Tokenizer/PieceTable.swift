/// Open-addressing hash table from a token's bytes to its id, for the whole-piece fast
/// path: most pre-tokenizer pieces ("Ġthe", "ĊĊ", "你好") are a single token, and one
/// hash probe replaces the whole merge loop.
///
/// Only ids whose own bytes BPE back to exactly themselves are inserted (make_vocab.py
/// checks every token), so a hit is always the answer HF would give. Each 32-bit slot
/// packs a 15-bit hash tag with `id + 1` (ids fit in 17 bits), so the table is 1 MB and a
/// probe compares bytes only on a tag match. Capacity is a power of two at most half full:
/// expected probe length ~1.5.
///
/// The slots live in the vocabulary's tables image (`VocabularyTables`): built once from
/// the source file and shipped, then used in place from a memory-mapped file. A slot is
/// not trusted to name a real id: ids outside the vocabulary are treated as misses, and a
/// lookup gives up after one round of the table.
struct PieceTable: @unchecked Sendable {
    private let slots: UnsafePointer<UInt32>
    private let mask: Int
    private let idLimit: Int
    private let tokenBytes: UnsafePointer<UInt8>
    private let tokenOffsets: UnsafePointer<UInt32>

    init(slots: UnsafePointer<UInt32>, capacity: Int, idLimit: Int, tokenBytes: UnsafePointer<UInt8>,
         tokenOffsets: UnsafePointer<UInt32>) {
        self.slots = slots
        mask = capacity - 1
        self.idLimit = idLimit
        self.tokenBytes = tokenBytes
        self.tokenOffsets = tokenOffsets
    }

    /// The smallest power-of-two capacity at most half full with `count` entries.
    static func capacity(for count: Int) -> Int {
        var capacity = 16
        while capacity < count * 2 { capacity <<= 1 }
        return capacity
    }

    /// Fills `slots` (`capacity` zeroed entries) with `ids`.
    static func build(into slots: UnsafeMutablePointer<UInt32>, capacity: Int, ids: some Sequence<Int>,
                      tokenBytes: UnsafePointer<UInt8>, tokenOffsets: UnsafePointer<UInt32>) {
        let mask = capacity - 1
        for id in ids {
            let start = Int(tokenOffsets[id])
            let length = Int(tokenOffsets[id + 1]) - start
            let hash = hash(tokenBytes + start, length)
            var index = Int(truncatingIfNeeded: hash) & mask
            while slots[index] != 0 { index = (index + 1) & mask }
            slots[index] = tag(hash) | UInt32(id + 1)
        }
    }

    /// The id whose bytes are exactly `bytes[0..<length]`, or -1.
    @inline(__always)
    func lookup(_ bytes: UnsafePointer<UInt8>, _ length: Int) -> Int {
        let hash = Self.hash(bytes, length)
        let tag = Self.tag(hash)
        var index = Int(truncatingIfNeeded: hash) & mask
        // At most one round of the table: a full one (a damaged file) is a miss, not a hang.
        for _ in 0...mask {
            let slot = slots[index]
            if slot == 0 { return -1 }
            if slot & 0xFFFE_0000 == tag {
                let id = Int(slot & 0x1_FFFF) - 1
                if id >= 0 && id < idLimit {
                    let start = Int(tokenOffsets[id])
                    if Int(tokenOffsets[id + 1]) - start == length, memoryEqual(tokenBytes + start, bytes, length) {
                        return id
                    }
                }
            }
            index = (index + 1) & mask
        }
        return -1
    }

    @inline(__always)
    private static func tag(_ hash: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: hash >> 32) & 0xFFFE_0000 }

    /// 64-bit hash reading eight bytes at a time (pieces average ~4 bytes, so usually one
    /// partial word); the top bits are the tag, the low bits the slot.
    @inline(__always)
    static func hash(_ bytes: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 &* UInt64(length &+ 1)
        var offset = 0
        let raw = UnsafeRawPointer(bytes)
        while offset + 8 <= length {
            h = (h ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            offset += 8
        }
        if offset < length {
            var word: UInt64 = 0
            var shift: UInt64 = 0
            while offset < length {
                word |= UInt64(bytes[offset]) << shift
                shift += 8
                offset += 1
            }
            h = (h ^ word) &* 0x94D0_49BB_1331_11EB
        }
        h ^= h >> 29
        h = h &* 0xBF58_476D_1CE4_E5B9
        return h ^ (h >> 32)
    }
}

@inline(__always)
func memoryEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    var i = 0
    while i < count {
        if a[i] != b[i] { return false }
        i += 1
    }
    return true
}
