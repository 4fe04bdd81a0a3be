import Foundation
import GRDB

/// Case-insensitive substring search as an SQL function, because SQLite's LIKE folds case
/// for ASCII only ("Überblick" would not match "über").
enum TextSearch {
    static let containsFunction = DatabaseFunction("cachechat_contains", argumentCount: 2, pure: true) { values in
        guard let text = String.fromDatabaseValue(values[0]),
              let needle = String.fromDatabaseValue(values[1]) else { return false }
        return contains(text, needle)
    }

    static func contains(_ text: String, _ needle: String) -> Bool {
        needle.isEmpty || text.range(of: needle, options: [.caseInsensitive]) != nil
    }
}
