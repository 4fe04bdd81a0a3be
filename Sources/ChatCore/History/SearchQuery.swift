import Foundation

/// Words typed into a search of the history.
///
/// Every word must occur in the same place — a conversation's title, or one message (its
/// text or its reasoning) — as a case-insensitive substring: "cach" finds "Caching",
/// "über" finds "ÜBER", "缓存" finds "前缀缓存". Nothing typed is syntax: quotes, `*`, `-`,
/// `:`, `NEAR`, `AND` are searched for as they are. Words are separated by whitespace.
///
/// Case is folded per Unicode scalar as SQLite's FTS5 folds it (`SearchFolding`); accents
/// are not removed.
public struct SearchQuery: Sendable, Equatable, CustomStringConvertible {
    /// The words as typed (NUL as U+FFFD, as the history stores text), without repeats.
    public let words: [String]
    /// `words` case-folded: what is looked for.
    public let foldedWords: [String]

    public init(_ text: String) {
        var words: [String] = []
        var folded: [String] = []
        for piece in text.split(whereSeparator: \.isWhitespace) {
            let word = piece.contains("\u{0}") ? piece.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") : String(piece)
            let key = Self.fold(word)
            guard !folded.contains(key) else { continue }
            words.append(word)
            folded.append(key)
        }
        self.words = words
        foldedWords = folded
    }

    /// True when nothing but whitespace was typed: such a query finds nothing.
    public var isEmpty: Bool { words.isEmpty }

    public var description: String { words.joined(separator: " ") }

    /// The case-folded form of `text`, as compared (`SearchFolding`).
    public static func fold(_ text: String) -> String { SearchFolding.fold(text) }

    /// Whether `text` contains every word.
    public func matches(_ text: String) -> Bool {
        !isEmpty && foldedWords.allSatisfy { Self.contains(text, folded: $0) }
    }

    /// Whether every word occurs in at least one of `texts` (a message's text and reasoning).
    public func matches(anyOf texts: [String?]) -> Bool {
        !isEmpty && foldedWords.allSatisfy { word in texts.contains { $0.map { Self.contains($0, folded: word) } ?? false } }
    }

    /// Whether `text` contains `word`, which must already be folded. ASCII text is compared
    /// without building a folded copy (most chat text is ASCII).
    public static func contains(_ text: String, folded word: String) -> Bool {
        if word.isEmpty { return true }
        var text = text
        var word = word
        return word.withUTF8 { needle in
            if text.withUTF8({ $0.allSatisfy { $0 < 0x80 } }) {
                // ASCII text is folded byte by byte as it is compared; no non-ASCII word is in it.
                return needle.allSatisfy { $0 < 0x80 }
                    && text.withUTF8 { ByteSearch.first(needle, in: $0, foldingASCII: true) } != nil
            }
            let folded = SearchFolding.foldedUTF8(text).bytes
            return folded.withUnsafeBufferPointer { ByteSearch.first(needle, in: $0, foldingASCII: false) } != nil
        }
    }
}

/// Substring search over UTF-8 bytes. A match of valid UTF-8 in valid UTF-8 always starts
/// and ends on scalar boundaries (UTF-8 is self-synchronising), so byte offsets found here
/// are scalar-aligned.
enum ByteSearch {
    /// The offset of the first occurrence of `needle` in `haystack` at or after `start`.
    /// With `foldingASCII`, haystack bytes A–Z compare as a–z (the needle is lower case).
    static func first(_ needle: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>,
                      from start: Int = 0, foldingASCII: Bool) -> Int? {
        let n = needle.count, h = haystack.count
        guard n > 0, h - start >= n else { return n == 0 ? start : nil }
        let first = needle[0]
        var i = start
        let last = h - n
        while i <= last {
            if lower(haystack[i], foldingASCII) == first {
                var j = 1
                while j < n, lower(haystack[i + j], foldingASCII) == needle[j] { j += 1 }
                if j == n { return i }
            }
            i += 1
        }
        return nil
    }

    @inline(__always)
    private static func lower(_ byte: UInt8, _ folding: Bool) -> UInt8 {
        folding && byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }
}
