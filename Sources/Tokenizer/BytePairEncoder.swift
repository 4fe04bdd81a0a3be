/// Byte-level BPE over one pre-tokenizer piece, exactly as Hugging Face's BPE model:
/// start from one symbol per byte, repeatedly apply the lowest-ranked listed merge, the
/// leftmost one on ties, until no adjacent pair has a merge.
///
/// Performance, cheapest path first:
/// - Whole-piece fast path: one hash probe. Most pieces of ordinary text ("Ġthe", "ĊĊ",
///   "你好", "();") are one token, and make_vocab.py verified that every id in the piece
///   table merges back to itself, so this path is exact.
/// - Short pieces (up to `linearLimit` bytes): arrays of symbols and pair ranks; each
///   round scans for the minimum and shifts the tail, O(n²) in the worst case, but n is
///   small and everything stays in L1 (tiktoken makes the same trade).
/// - Long pieces (a 100 kB word, a 1 MB run of spaces): a doubly linked list of symbols
///   and a binary min-heap of candidate merges keyed by (rank, position), with stale
///   entries skipped when popped, O(n log n). Same order as HF's own heap-based merge.
struct BytePairEncoder: @unchecked Sendable {
    static let linearLimit = 128

    private let pieces: PieceTable
    private let merges: MergeTable
    private let byteTokens: UnsafePointer<UInt32>

    init(vocabulary: Vocabulary) {
        pieces = vocabulary.pieces
        merges = vocabulary.merges
        byteTokens = UnsafePointer(vocabulary.byteTokens)
    }

    /// Appends the ids of `bytes[0..<length]` to `output`. `scratch` holds at least
    /// `2 * linearLimit` elements, for the linear path.
    @inline(__always)
    func encode(_ bytes: UnsafePointer<UInt8>, _ length: Int, into output: inout [Int],
                scratch: UnsafeMutablePointer<UInt32>) {
        if length == 1 {
            output.append(Int(byteTokens[Int(bytes[0])]))
            return
        }
        let whole = pieces.lookup(bytes, length)
        if whole >= 0 {
            output.append(whole)
        } else if length <= Self.linearLimit {
            mergeLinear(bytes, length, into: &output, scratch: scratch)
        } else {
            mergeWithHeap(bytes, length, into: &output)
        }
    }

    func mergeLinear(_ bytes: UnsafePointer<UInt8>, _ length: Int, into output: inout [Int],
                     scratch: UnsafeMutablePointer<UInt32>) {
        let symbols = scratch                        // token ids
        let ranks = scratch + Self.linearLimit       // ranks[k]: merge of symbols k, k+1
        var count = length
        for k in 0..<length { symbols[k] = byteTokens[Int(bytes[k])] }
        for k in 0..<(count - 1) { ranks[k] = merges.rank(symbols[k], symbols[k + 1]) }
        while count > 1 {
            // `<` keeps the leftmost of equal ranks (the same merge in several places).
            var best = 0
            var bestRank = ranks[0]
            var k = 1
            while k < count - 1 {
                if ranks[k] < bestRank { bestRank = ranks[k]; best = k }
                k += 1
            }
            if bestRank == MergeTable.noMerge { break }
            symbols[best] = merges.mergedID(rank: bestRank)
            var t = best + 1
            while t < count - 1 { symbols[t] = symbols[t + 1]; t += 1 }
            t = best + 1
            while t < count - 2 { ranks[t] = ranks[t + 1]; t += 1 }
            count -= 1
            if best > 0 { ranks[best - 1] = merges.rank(symbols[best - 1], symbols[best]) }
            if best < count - 1 { ranks[best] = merges.rank(symbols[best], symbols[best + 1]) }
        }
        for k in 0..<count { output.append(Int(symbols[k])) }
    }

    func mergeWithHeap(_ bytes: UnsafePointer<UInt8>, _ length: Int, into output: inout [Int]) {
        // One allocation for the symbol list: ids, then next and previous links (-1 = none,
        // and a merged-away symbol gets next = -2 so stale heap entries can spot it).
        let storage = UnsafeMutablePointer<Int32>.allocate(capacity: 3 * length)
        defer { storage.deallocate() }
        let symbols = storage, next = storage + length, previous = storage + 2 * length
        var heap = MinHeap(capacity: 3 * length)
        defer { heap.deallocate() }
        for k in 0..<length {
            symbols[k] = Int32(byteTokens[Int(bytes[k])])
            next[k] = k + 1 < length ? Int32(k + 1) : -1
            previous[k] = Int32(k - 1)
        }
        for k in 0..<(length - 1) { pushPair(k, k + 1, symbols, &heap) }
        while let top = heap.pop() {
            let rank = UInt32(top >> 32)
            let position = Int(top & 0xFFFF_FFFF)
            let right = Int(next[position])
            guard right >= 0 else { continue }               // merged away, or last symbol
            // Stale if a neighbour changed since the entry was pushed.
            guard merges.rank(UInt32(symbols[position]), UInt32(symbols[right])) == rank else { continue }
            symbols[position] = Int32(merges.mergedID(rank: rank))
            let afterRight = next[right]
            next[position] = afterRight
            next[right] = -2
            if afterRight >= 0 { previous[Int(afterRight)] = Int32(position) }
            if previous[position] >= 0 { pushPair(Int(previous[position]), position, symbols, &heap) }
            if afterRight >= 0 { pushPair(position, Int(afterRight), symbols, &heap) }
        }
        output.reserveCapacity(output.count + length / 2)
        var k = 0
        while k >= 0 {
            output.append(Int(symbols[k]))
            k = Int(next[k])
        }
    }
}

extension BytePairEncoder {
    @inline(__always)
    private func pushPair(_ left: Int, _ right: Int, _ symbols: UnsafeMutablePointer<Int32>, _ heap: inout MinHeap) {
        let rank = merges.rank(UInt32(symbols[left]), UInt32(symbols[right]))
        if rank != MergeTable.noMerge { heap.push(UInt64(rank) << 32 | UInt64(left)) }
    }
}

/// Binary min-heap of packed `rank << 32 | position` keys: smallest rank first, then
/// leftmost position, the order HF's BPE uses.
struct MinHeap {
    // A raw buffer: this runs a million times for a 1 MB piece, and Array's bounds and
    // uniqueness checks were a third of the time. Each merge pushes at most two entries,
    // so `3 * symbols` never overflows.
    private let items: UnsafeMutablePointer<UInt64>
    private let capacity: Int
    private var count = 0

    init(capacity: Int) {
        self.capacity = capacity
        items = .allocate(capacity: capacity)
    }

    func deallocate() { items.deallocate() }

    mutating func push(_ value: UInt64) {
        precondition(count < capacity, "MinHeap overflow")
        var child = count
        count += 1
        while child > 0 {
            let parent = (child - 1) / 2
            if items[parent] <= value { break }
            items[child] = items[parent]
            child = parent
        }
        items[child] = value
    }

    mutating func pop() -> UInt64? {
        guard count > 0 else { return nil }
        count -= 1
        let top = items[0]
        guard count > 0 else { return top }
        let last = items[count]
        var parent = 0
        while true {
            var child = 2 * parent + 1
            if child >= count { break }
            if child + 1 < count && items[child + 1] < items[child] { child += 1 }
            if last <= items[child] { break }
            items[parent] = items[child]
            parent = child
        }
        items[parent] = last
        return top
    }
}
