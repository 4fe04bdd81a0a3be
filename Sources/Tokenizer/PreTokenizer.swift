/// DeepSeek's pre-tokenizer as a hand-written scanner over UTF-8.
///
/// tokenizer.json chains three `Split` pre-tokenizers (behavior Isolated: matched and
/// unmatched stretches both become pieces), each applied to the pieces of the previous:
///
/// 1. `\p{N}{1,3}`
/// 2. `[一-龥぀-ゟ゠-ヿ]+`
/// 3. `[!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+`     (A)
///    `|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+`               (B)
///    `| ?[\p{P}\p{S}]+[\r\n]*`                              (C)
///    `|\s*[\r\n]+`                                          (D)
///    `|\s+(?!\S)`                                           (E)
///    `|\s+`                                                 (F)
///
/// Splits 1 and 2 cut the text into *segments*: runs of numbers (emitted in chunks of
/// three scalars), runs of the CJK ranges, and everything else. Regex 3 then runs inside
/// each CJK or "other" segment, and a segment end is an end of input for it; that is why
/// `" 1"` and `" 你"` keep their space as a piece of its own.
///
/// Regex 3 at one position, as onig's backtracking resolves it (first alternative wins):
/// - A: an ASCII punctuation mark followed by ASCII letters takes the letters.
/// - B: a letter/mark run; or one scalar that is not CR, LF, L, P or S (so a space, a
///   control, a mark...) followed by a letter/mark run. L and M behave identically here.
/// - C: an optional U+0020 then a punctuation/symbol run, then any CR/LF run.
/// - D: if the whitespace run starting here contains CR or LF, it ends after the last one
///   (`\s*` backtracks to it).
/// - E/F: otherwise the whole run if it ends the segment, else all but its last scalar
///   (the lookahead backtracks one), and a single whitespace scalar takes itself.
/// Scalars where nothing matches are gathered into one piece until the next match.
///
/// Cost: one table lookup per scalar and no allocation; every scalar is examined a
/// bounded number of times (a long whitespace run is scanned once, then its last scalar
/// again), so the scanner is linear in the input.
struct PreTokenizer: Sendable {
    private let table: ScalarClassTable

    init(table: ScalarClassTable = .shared) {
        self.table = table
    }

    /// Class bits and UTF-8 length of the scalar starting at `text[i]` (valid UTF-8).
    @inline(__always)
    private func scalar(_ text: UnsafePointer<UInt8>, _ i: Int) -> (bits: UInt8, length: Int) {
        let lead = UInt32(text[i])
        if lead < 0x80 { return (table.stage2[Int(lead)], 1) }
        if lead < 0xE0 {
            return (table.bits(of: (lead & 0x1F) << 6 | UInt32(text[i + 1] & 0x3F)), 2)
        }
        if lead < 0xF0 {
            return (table.bits(of: (lead & 0x0F) << 12 | UInt32(text[i + 1] & 0x3F) << 6 | UInt32(text[i + 2] & 0x3F)), 3)
        }
        let value = (lead & 0x07) << 18 | UInt32(text[i + 1] & 0x3F) << 12 | UInt32(text[i + 2] & 0x3F) << 6 | UInt32(text[i + 3] & 0x3F)
        return (table.bits(of: value), 4)
    }

    /// Calls `body(start, end)` for every piece of `text[range]`, in order; the pieces
    /// tile the range exactly.
    @inline(__always)
    func forEachPiece(in text: UnsafePointer<UInt8>, range: Range<Int>, _ body: (Int, Int) -> Void) {
        let end = range.upperBound
        var i = range.lowerBound
        var pending = -1                     // start of a run of unmatched scalars
        var pendingSegment: UInt8 = 0
        let segmentBits = ScalarClass.number | ScalarClass.cjk

        while i < end {
            let (bits, length) = scalar(text, i)

            if bits & ScalarClass.number != 0 {
                if pending >= 0 { body(pending, i); pending = -1 }
                var j = i + length
                var taken = 1
                while taken < 3 && j < end {
                    let next = scalar(text, j)
                    if next.bits & ScalarClass.number == 0 { break }
                    j += next.length
                    taken += 1
                }
                body(i, j)
                i = j
                continue
            }

            let segment = bits & segmentBits
            if pending >= 0 && pendingSegment != segment { body(pending, i); pending = -1 }

            // The scalar after this one, if it is in the same segment (else 0 = "end").
            let after = i + length
            var nextBits: UInt8 = 0
            var nextLength = 0
            if after < end {
                (nextBits, nextLength) = scalar(text, after)
                if nextBits & segmentBits != segment { nextBits = 0 }
            }

            var matchEnd = -1
            if bits & ScalarClass.asciiPunctuation != 0 && nextBits & ScalarClass.asciiLetter != 0 {
                // A
                var j = after + 1
                while j < end && table.stage2[Int(text[j])] & ScalarClass.asciiLetter != 0 { j += 1 }
                matchEnd = j
            } else if bits & ScalarClass.letterOrMark != 0 {
                // B, no prefix
                matchEnd = run(of: ScalarClass.letterOrMark, in: text, from: after, end: end, segment: segment)
            } else if bits & (ScalarClass.punctuationOrSymbol | ScalarClass.newline) == 0
                        && nextBits & ScalarClass.letterOrMark != 0 {
                // B with its one-scalar prefix
                matchEnd = run(of: ScalarClass.letterOrMark, in: text, from: after + nextLength, end: end, segment: segment)
            } else if bits & ScalarClass.punctuationOrSymbol != 0
                        || (text[i] == 0x20 && nextBits & ScalarClass.punctuationOrSymbol != 0) {
                // C
                var j = run(of: ScalarClass.punctuationOrSymbol, in: text, from: text[i] == 0x20 ? after + nextLength : after,
                            end: end, segment: segment)
                if segment == 0 {
                    while j < end && (text[j] == 0x0A || text[j] == 0x0D) { j += 1 }
                }
                matchEnd = j
            } else if bits & ScalarClass.whitespace != 0 {
                matchEnd = whitespaceMatch(in: text, from: i, end: end)
            }

            if matchEnd < 0 {
                if pending < 0 { pending = i; pendingSegment = segment }
                i = after
                continue
            }
            if pending >= 0 { body(pending, i); pending = -1 }
            body(i, matchEnd)
            i = matchEnd
        }
        if pending >= 0 { body(pending, end) }
    }

    /// End of the run of scalars having `bit`, starting at `start`, within the segment.
    @inline(__always)
    private func run(of bit: UInt8, in text: UnsafePointer<UInt8>, from start: Int, end: Int, segment: UInt8) -> Int {
        var j = start
        while j < end {
            let (bits, length) = scalar(text, j)
            if bits & bit == 0 || bits & (ScalarClass.number | ScalarClass.cjk) != segment { break }
            j += length
        }
        return j
    }

    /// D, E and F for the whitespace run starting at `start`.
    @inline(__always)
    private func whitespaceMatch(in text: UnsafePointer<UInt8>, from start: Int, end: Int) -> Int {
        var j = start
        var afterLastNewline = -1
        var lastStart = start
        var count = 0
        while j < end {
            let (bits, length) = scalar(text, j)
            if bits & ScalarClass.whitespace == 0 { break }
            if bits & ScalarClass.newline != 0 { afterLastNewline = j + length }
            lastStart = j
            count += 1
            j += length
        }
        if afterLastNewline >= 0 { return afterLastNewline }            // D
        if j == end { return j }                                        // E at end of input
        let (bits, _) = scalar(text, j)
        if bits & (ScalarClass.number | ScalarClass.cjk) != 0 { return j } // E at segment end
        return count >= 2 ? lastStart : j                               // E, else F
    }
}
