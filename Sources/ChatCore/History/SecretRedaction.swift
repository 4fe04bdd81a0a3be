import Foundation

/// Last line of defence for "the API key never reaches the database": endpoint names and
/// hosts are display strings, but if a caller slips a key into one (`sk-…` followed by a
/// long token, or a `Bearer` header), it is masked before it is written.
public enum SecretRedaction {
    public static func redact(_ text: String) -> String {
        // A cheap filter before the regular expression (which only knows these two spellings);
        // no locale-aware comparison here: that starts ICU, a millisecond and megabytes.
        guard text.contains("sk-") || text.contains("earer") else { return text }
        var result = ""
        var rest = Substring(text)
        while let range = rest.range(of: #"\b(sk-|[Bb]earer\s+)[A-Za-z0-9_\-]{12,}"#, options: .regularExpression) {
            result += rest[..<range.lowerBound]
            result += "[redacted key]"
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
