/// Terminal display width of text, from our own Unicode tables (``WidthTables``, generated
/// by `scripts/gen_width_table.py`) rather than libc's `wcwidth`, so every machine and
/// every test agrees.
///
/// Width is measured per grapheme cluster (Swift's `Character`):
/// - control characters: 0 (text is sanitised before drawing);
/// - a cluster whose first scalar is East Asian Wide/Fullwidth (CJK, emoji presentation): 2;
/// - emoji ZWJ sequences and skin-tone modifier sequences: one cluster of width 2;
/// - a text-presentation emoji followed by VS16 (U+FE0F): 2; by VS15 (U+FE0E): 1;
/// - a regional-indicator pair (a flag): 2;
/// - a cluster made only of zero-width scalars (combining marks, ZWJ, variation selectors): 0;
/// - everything else: 1 (combining marks after a base add nothing).
public enum DisplayWidth {
    /// The width of one scalar on its own (0, 1 or 2); controls count as 0.
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v >= 0x20 && v < 0x7F { return 1 }
        if v < 0x20 || (v >= 0x7F && v < 0xA0) { return 0 }
        if contains(WidthTables.zero, v) { return 0 }
        if contains(WidthTables.wide, v) { return 2 }
        return 1
    }

    /// The width of one grapheme cluster (0, 1 or 2).
    public static func of(_ character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        // Fast path: a single ASCII or simple scalar.
        if first.value < 0x7F, scalars.count == 1 { return first.value >= 0x20 ? 1 : 0 }
        if first.value < 0x20 || (first.value >= 0x7F && first.value < 0xA0) { return 0 }
        var base = of(first)
        if scalars.count == 1 { return base }
        if base == 0 {
            // A cluster that starts with a zero-width scalar (e.g. a stray combining mark):
            // its width is whatever the first spacing scalar has, usually none.
            base = scalars.dropFirst().map(of).max() ?? 0
            return min(base, 2)
        }
        if base == 2 { return 2 }
        var sawVS16 = false
        for scalar in scalars.dropFirst() {
            switch scalar.value {
            case 0xFE0E: return 1                       // VS15: text presentation
            case 0xFE0F: sawVS16 = true                 // VS16: emoji presentation
            case 0x1F3FB...0x1F3FF: return 2            // skin-tone modifier
            case 0x200D where isPictographic(first): return 2  // emoji ZWJ sequence
            case 0x1F1E6...0x1F1FF where isRegionalIndicator(first): return 2  // flag
            case 0x20E3: return 2                       // keycap: 1️⃣
            default: break
            }
        }
        if sawVS16 && (contains(WidthTables.vs16NarrowToWide, first.value) || isPictographic(first)) {
            return 2
        }
        return base
    }

    /// The width of a string: the sum over its grapheme clusters.
    public static func of<S: StringProtocol>(_ text: S) -> Int {
        var total = 0
        // ASCII fast path avoids grapheme breaking for the common case.
        var allASCII = true
        for byte in text.utf8 where byte >= 0x7F || byte < 0x20 {
            allASCII = false
            break
        }
        if allASCII { return text.utf8.count }
        for character in text { total += of(character) }
        return total
    }

    /// Whether a line may be broken before/after this character without a space
    /// (CJK ideographs, kana, Hangul and fullwidth forms).
    public static func allowsBreakAnywhere(_ character: Character) -> Bool {
        guard let first = character.unicodeScalars.first else { return false }
        switch first.value {
        case 0x2E80...0x9FFF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
             0x20000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    static func isPictographic(_ scalar: Unicode.Scalar) -> Bool {
        contains(WidthTables.extendedPictographic, scalar.value)
    }

    static func isRegionalIndicator(_ scalar: Unicode.Scalar) -> Bool {
        (0x1F1E6...0x1F1FF).contains(scalar.value)
    }

    /// Binary search in a flat array of inclusive `[low, high]` pairs.
    static func contains(_ table: [UInt32], _ value: UInt32) -> Bool {
        var low = 0, high = table.count / 2 - 1
        if high < 0 || value < table[0] || value > table[table.count - 1] { return false }
        while low <= high {
            let mid = (low + high) / 2
            if value < table[2 * mid] {
                high = mid - 1
            } else if value > table[2 * mid + 1] {
                low = mid + 1
            } else {
                return true
            }
        }
        return false
    }
}
