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
    /// `2 * linearLimit` words, for the linear path.
    @inline(__always)
    func encode(_ bytes: UnsafePointer<UInt8>, _ length: Int, into output: inout [Int],
                scratch: UnsafeMutablePointer<UInt64>) {
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

    private func mergeLinear(_ bytes: UnsafePointer<UInt8>, _ length: Int, into output: inout [Int],
                             scratch: UnsafeMutablePointer<UInt64>) {
        let symbols = scratch                        // ids, widened
        let pairs = scratch + Self.linearLimit       // pairs[k]: merge of symbols k, k+1
        var count = length
        for k in 0..<length { symbols[k] = UInt64(byteTokens[Int(bytes[k])]) }
        for k in 0..<(count - 1) { pairs[k] = merges.merge(UInt32(symbols[k]), UInt32(symbols[k + 1])) }
        while count > 1 {
            // Ranks are unique per merge, so comparing rank<<32|id compares ranks; `<`
            // keeps the leftmost of equal merges.
            var best = 0
            var bestValue = pairs[0]
            var k = 1
            while k < count - 1 {
                if pairs[k] < bestValue { bestValue = pairs[k]; best = k }
                k += 1
            }
            if bestValue == MergeTable.noMerge { break }
            symbols[best] = bestValue & 0xFFFF_FFFF
            var t = best + 1
            while t < count - 1 { symbols[t] = symbols[t + 1]; t += 1 }
            t = best + 1
            while t < count - 2 { pairs[t] = pairs[t + 1]; t += 1 }
            count -= 1
            if best > 0 { pairs[best - 1] = merges.merge(UInt32(symbols[best - 1]), UInt32(symbols[best])) }
            if best < count - 1 { pairs[best] = merges.merge(UInt32(symbols[best]), UInt32(symbols[best + 1])) }
        }
        for k in 0..<count { output.append(Int(symbols[k])) }
    }

    private func mergeWithHeap(_ bytes: UnsafePointer<UInt8>, _ length: Int, into output: inout [Int]) {
        var symbols = [UInt32](repeating: 0, count: length)
        var next = [Int32](repeating: -1, count: length)
        var previous = [Int32](repeating: -1, count: length)
        var alive = [Bool](repeating: true, count: length)
        var heap = MinHeap(capacity: length)
        for k in 0..<length {
            symbols[k] = byteTokens[Int(bytes[k])]
            next[k] = k + 1 < length ? Int32(k + 1) : -1
            previous[k] = Int32(k - 1)
        }
        for k in 0..<(length - 1) {
            let merge = merges.merge(symbols[k], symbols[k + 1])
            if merge != MergeTable.noMerge { heap.push(merge & 0xFFFF_FFFF_0000_0000 | UInt64(k)) }
        }
        while let top = heap.pop() {
            let rank = top >> 32
            let position = Int(top & 0xFFFF_FFFF)
            guard alive[position], next[position] >= 0 else { continue }
            let right = Int(next[position])
            let merge = merges.merge(symbols[position], symbols[right])
            guard merge >> 32 == rank else { continue }   // stale: a neighbour changed
            symbols[position] = UInt32(merge & 0xFFFF_FFFF)
            alive[right] = false
            next[position] = next[right]
            if next[right] >= 0 { previous[Int(next[right])] = Int32(position) }
            if previous[position] >= 0 {
                let left = Int(previous[position])
                let candidate = merges.merge(symbols[left], symbols[position])
                if candidate != MergeTable.noMerge { heap.push(candidate & 0xFFFF_FFFF_0000_0000 | UInt64(left)) }
            }
            if next[position] >= 0 {
                let candidate = merges.merge(symbols[position], symbols[Int(next[position])])
                if candidate != MergeTable.noMerge { heap.push(candidate & 0xFFFF_FFFF_0000_0000 | UInt64(position)) }
            }
        }
        var k = 0
        while k >= 0 {
            output.append(Int(symbols[k]))
            k = Int(next[k])
        }
    }
}

/// Binary min-heap of packed `rank << 32 | position` keys: smallest rank first, then
/// leftmost position, the order HF's BPE uses.
struct MinHeap {
    private var items: [UInt64] = []

    init(capacity: Int) { items.reserveCapacity(capacity) }

    mutating func push(_ value: UInt64) {
        items.append(value)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            if items[parent] <= value { break }
            items[child] = items[parent]
            child = parent
        }
        items[child] = value
    }

    mutating func pop() -> UInt64? {
        guard let last = items.popLast() else { return nil }
        guard !items.isEmpty else { return last }
        let top = items[0]
        var parent = 0
        let count = items.count
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
