/// Finds DeepSeek's 1,283 added tokens (`<｜User｜>`, `<think>`, ...) literally in the input,
/// the way Hugging Face's `AddedVocabulary` does before pre-tokenization:
///
/// 1. leftmost-longest matches of the non-normalized tokens over the whole text;
/// 2. leftmost-longest matches of the `normalized: true` tokens inside the gaps left by
///    pass 1 (the normalizer is empty, so "normalized" text is the text itself).
///
/// Each set is a sorted array of byte strings; a match attempt at one position narrows the
/// range of candidates byte by byte with binary searches (O(length x log n)), and is only
/// tried where the byte can start a token (all but one start with "<"), so plain text pays
/// one table lookup per byte.
struct AddedTokenMatcher: Sendable {
    enum Segment {
        case text(Range<Int>)
        case token(Int)
    }

    private let firstPass: LiteralSet
    private let secondPass: LiteralSet

    init(firstPass: [(bytes: [UInt8], id: Int)], secondPass: [(bytes: [UInt8], id: Int)]) {
        self.firstPass = LiteralSet(firstPass)
        self.secondPass = LiteralSet(secondPass)
    }

    /// The id of the added token whose bytes are exactly `key`, or nil.
    func id(of key: UnsafeBufferPointer<UInt8>) -> Int? {
        firstPass.exactMatch(key) ?? secondPass.exactMatch(key)
    }

    /// Calls `body` with the text gaps and matched tokens of `text`, in order.
    func forEachSegment(in text: UnsafeBufferPointer<UInt8>, _ body: (Segment) -> Void) {
        var gapStart = 0
        firstPass.forEachMatch(in: text, range: 0..<text.count) { start, length, id in
            secondPassSegments(in: text, range: gapStart..<start, body)
            body(.token(id))
            gapStart = start + length
        }
        secondPassSegments(in: text, range: gapStart..<text.count, body)
    }

    private func secondPassSegments(in text: UnsafeBufferPointer<UInt8>, range: Range<Int>, _ body: (Segment) -> Void) {
        var gapStart = range.lowerBound
        secondPass.forEachMatch(in: text, range: range) { start, length, id in
            if start > gapStart { body(.text(gapStart..<start)) }
            body(.token(id))
            gapStart = start + length
        }
        if range.upperBound > gapStart { body(.text(gapStart..<range.upperBound)) }
    }
}

/// A set of byte strings with leftmost-longest search.
private struct LiteralSet: Sendable {
    private let bytes: [UInt8]
    private let starts: [Int]      // entry i is bytes[starts[i]..<starts[i + 1]]
    private let ids: [Int]
    private let canStart: [Bool]   // indexed by first byte

    init(_ entries: [(bytes: [UInt8], id: Int)]) {
        let sorted = entries.sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }
        var bytes: [UInt8] = []
        var starts: [Int] = []
        var canStart = [Bool](repeating: false, count: 256)
        for entry in sorted {
            starts.append(bytes.count)
            bytes += entry.bytes
            if let first = entry.bytes.first { canStart[Int(first)] = true }
        }
        starts.append(bytes.count)
        self.bytes = bytes
        self.starts = starts
        self.ids = sorted.map(\.id)
        self.canStart = canStart
    }

    func forEachMatch(in text: UnsafeBufferPointer<UInt8>, range: Range<Int>, _ body: (Int, Int, Int) -> Void) {
        guard !ids.isEmpty else { return }
        var position = range.lowerBound
        while position < range.upperBound {
            if canStart[Int(text[position])], let (length, id) = longestMatch(in: text, at: position, end: range.upperBound) {
                body(position, length, id)
                position += length
            } else {
                position += 1
            }
        }
    }

    /// The id of the entry that is exactly `key`, or nil.
    func exactMatch(_ key: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let (length, id) = longestMatch(in: key, at: 0, end: key.count), length == key.count else { return nil }
        return id
    }

    /// The longest entry that `text[position..<end]` starts with.
    private func longestMatch(in text: UnsafeBufferPointer<UInt8>, at position: Int, end: Int) -> (Int, Int)? {
        var low = 0
        var high = ids.count
        var depth = 0
        var best: (Int, Int)?
        while low < high {
            // All entries in low..<high share the first `depth` bytes with the text; the
            // one that is exactly that long (if any) sorts first.
            if starts[low + 1] - starts[low] == depth {
                best = (depth, ids[low])
                low += 1
                if low == high { break }
            }
            guard position + depth < end else { break }
            let byte = text[position + depth]
            low = partition(low, high) { bytes[starts[$0] + depth] < byte }
            high = partition(low, high) { bytes[starts[$0] + depth] <= byte }
            depth += 1
        }
        return best
    }

    /// First index in `low..<high` for which `isBefore` is false (it must be monotonic).
    private func partition(_ low: Int, _ high: Int, _ isBefore: (Int) -> Bool) -> Int {
        var low = low
        var high = high
        while low < high {
            let mid = (low + high) / 2
            if isBefore(mid) { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
