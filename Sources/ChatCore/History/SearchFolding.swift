/// How search compares letters: each scalar is replaced by its lower case (Swift's
/// `lowercased()` of it), except where SQLite's FTS5 tokenizers fold differently, so that
/// the in-memory history and the SQLite index find the same words:
///
/// - "İ" (U+0130) stays itself: SQLite does not fold it, and its lower case "i̇" would
///   make "i" match it.
/// - Letters that are variants of another lower-case letter fold to it, as in Unicode case
///   folding: final sigma "ς" to "σ" (so "ΛΌΓΟΣ" is found by "λόγος"), "ſ" to "s", micro
///   "µ" to "μ", the Greek symbol forms "ϐϑϕϖϰϱϵ", "ẛ", and ypogegrammeni and "ι" (U+0345,
///   U+1FBE) to "ι".
///
/// Accents are kept: "uber" does not find "über". Whether SQLite agrees for every letter of
/// the scripts its index is used for is checked by a test (HistoryTests, SearchTests).
public enum SearchFolding {
    /// `text` folded.
    public static func fold(_ text: String) -> String { String(decoding: foldedUTF8(text).bytes, as: UTF8.self) }

    /// ASCII letters that another scalar folds to: the Kelvin sign "K" is "k", "ſ" is "s".
    /// A comparison that ignores only ASCII case finds every other ASCII word exactly.
    public static let asciiFoldedFromOthers: Set<Character> = ["k", "s"]

    /// ASCII and the caseless blocks (CJK, kana, Hangul, emoji): scalars that fold to
    /// themselves or to their ASCII lower case, and that no other scalar folds to (but for
    /// `asciiFoldedFromOthers`). A word of these is found exactly by a comparison that
    /// ignores ASCII case only, as SQL's `LIKE` does.
    public static func isPlain(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x80 || isCaseless(scalar.value)
    }

    /// `fold(text)` as UTF-8 bytes, and whether every scalar kept its length (then an
    /// offset in `bytes` is the same offset in the text's UTF-8). Walks the UTF-8 itself:
    /// ASCII and caseless scalars are copied without decoding them into `Unicode.Scalar`.
    static func foldedUTF8(_ text: String) -> (bytes: [UInt8], sameLength: Bool) {
        var text = text
        return text.withUTF8 { source in
            var bytes: [UInt8] = []
            bytes.reserveCapacity(source.count)
            var sameLength = true
            var i = 0
            while i < source.count {
                let lead = source[i]
                if lead < 0x80 {
                    bytes.append(lead >= 0x41 && lead <= 0x5A ? lead | 0x20 : lead)
                    i += 1
                    continue
                }
                let width = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
                var value = UInt32(lead) & (width == 2 ? 0x1F : width == 3 ? 0x0F : 0x07)
                for k in 1..<width { value = value << 6 | UInt32(source[i + k] & 0x3F) }
                if isCaseless(value) {
                    bytes.append(contentsOf: source[i..<(i + width)])
                } else {
                    let before = bytes.count
                    append(Unicode.Scalar(value)!, to: &bytes)
                    if bytes.count - before != width { sameLength = false }
                }
                i += width
            }
            return (bytes, sameLength)
        }
    }

    /// Appends the folded form of `scalar` as UTF-8.
    @inline(__always)
    static func append(_ scalar: Unicode.Scalar, to bytes: inout [UInt8]) {
        let value = scalar.value
        if value < 0x80 {
            bytes.append(value >= 0x41 && value <= 0x5A ? UInt8(value | 0x20) : UInt8(value))
        } else if isCaseless(value) {
            UTF8.encode(scalar) { bytes.append($0) }
        } else if let variant = variants[value] {
            UTF8.encode(variant) { bytes.append($0) }
        } else if value == 0x130 || !scalar.properties.changesWhenLowercased {
            UTF8.encode(scalar) { bytes.append($0) }
        } else {
            bytes.append(contentsOf: scalar.properties.lowercaseMapping.utf8)
        }
    }

    /// Lower-case letters that fold to another one (Unicode case folding, as SQLite does).
    private static let variants: [UInt32: Unicode.Scalar] = [
        0x00B5: "\u{03BC}", 0x017F: "s", 0x0345: "\u{03B9}", 0x03C2: "\u{03C3}", 0x03D0: "\u{03B2}", 0x03D1: "\u{03B8}",
        0x03D5: "\u{03C6}", 0x03D6: "\u{03C0}", 0x03F0: "\u{03BA}", 0x03F1: "\u{03C1}", 0x03F5: "\u{03B5}",
        0x1E9B: "\u{1E61}", 0x1FBE: "\u{03B9}",
    ]

    /// Blocks with no upper or lower case: CJK symbols, kana, ideographs, Hangul, emoji.
    @inline(__always)
    static func isCaseless(_ value: UInt32) -> Bool {
        (0x3000...0x9FFF).contains(value) || (0xAC00...0xD7AF).contains(value) || (0x1F000...0x1FAFF).contains(value)
            || (0x20000...0x3FFFF).contains(value)
    }
}
