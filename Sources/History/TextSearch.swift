import ChatCore
import Foundation

/// How a `SearchQuery` becomes SQL conditions on one row, word by word, each exactly
/// `SearchQuery.contains` (what the in-memory history does):
///
/// - three characters or more, of scripts whose folding SQLite's trigram tokenizer shares
///   (`SearchFolding`): the index, in one FTS5 MATCH expression;
/// - otherwise ASCII and caseless characters (CJK, kana, emoji) only: `LIKE`, which ignores
///   ASCII case and compares the rest exactly, so a two-character Chinese word or the first
///   letters typed need no Swift per row;
/// - anything else (a short word with "ü", or rare scripts): `cachechat_contains`, the
///   Swift comparison itself, row by row.
struct TextSearch {
    enum Plan: Equatable {
        case indexed
        /// A LIKE pattern; `unusual` when the word has "k" or "s", which the Kelvin sign and
        /// long s also fold to, so rows holding those are compared in Swift as well.
        case like(String, unusual: Bool)
        case scanned
    }

    let words: [(folded: String, plan: Plan)]

    /// The shortest word the trigram tokenizer indexes: shorter ones match no row.
    static let indexedLength = 3

    init(_ query: SearchQuery, indexed: Bool) {
        words = query.foldedWords.map { word in
            let scalars = word.unicodeScalars
            if indexed, scalars.count >= Self.indexedLength, scalars.allSatisfy(Self.isIndexed) { return (word, .indexed) }
            if scalars.allSatisfy(SearchFolding.isPlain) {
                let pattern = "%" + word.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                    .replacingOccurrences(of: "_", with: "\\_") + "%"
                return (word, .like(pattern, unusual: word.contains { SearchFolding.asciiFoldedFromOthers.contains($0) }))
            }
            return (word, .scanned)
        }
    }

    /// The FTS5 expression for the indexed words: each a quoted string (a `"` doubled),
    /// AND-ed. Inside quotes nothing is syntax, so no input can make it fail. Nil: none.
    var match: String? {
        let quoted = words.filter { $0.plan == .indexed }.map { "\"" + $0.folded.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        return quoted.isEmpty ? nil : quoted.joined(separator: " AND ")
    }

    /// An SQL condition that one row contains every word in one of `columns`: the index
    /// finds the rows for `match` through `table`, whose rowid is `rowid`.
    func condition(table: String, rowid: String, columns: [String], arguments: inout SQLArguments) -> String {
        var parts: [String] = []
        if let match {
            parts.append("\(rowid) IN (SELECT rowid FROM \(table) WHERE \(table) MATCH ?)")
            arguments += [match]
        }
        for (word, plan) in words where plan != .indexed {
            var tests: [String] = []
            for column in columns {
                switch plan {
                case .like(let pattern, unusual: false):
                    tests.append("\(column) LIKE ? ESCAPE '\\'")
                    arguments += [pattern]
                case .like(let pattern, unusual: true):
                    // U+212A (Kelvin sign) and U+017F (long s) fold to "k" and "s".
                    tests.append("\(column) LIKE ? ESCAPE '\\' OR ((instr(\(column), char(8490)) OR instr(\(column), char(383))) "
                                 + "AND cachechat_contains(\(column), ?))")
                    arguments += [pattern, word]
                default:
                    tests.append("cachechat_contains(\(column), ?)")
                    arguments += [word]
                }
            }
            parts.append("(" + tests.joined(separator: " OR ") + ")")
        }
        return parts.isEmpty ? "0" : parts.joined(separator: " AND ")
    }

    /// Scripts the trigram index folds as `SearchFolding` does: ASCII, the caseless blocks,
    /// Latin, Greek, Cyrillic, Armenian, and punctuation and symbols — all but the few
    /// letters newer than SQLite's tables (U+037F, U+03F3, U+0528…U+052F) and "İ". Other
    /// scripts (Cherokee, Georgian, Glagolitic, …) are compared in Swift.
    static func isIndexed(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if SearchFolding.isPlain(scalar) { return true }
        switch value {
        case 0x130, 0x37F, 0x3F3, 0x528...0x52F: return false
        case 0x80...0x58F, 0x1E00...0x1FFF, 0x2000...0x2BFF: return true
        default: return false
        }
    }
}
