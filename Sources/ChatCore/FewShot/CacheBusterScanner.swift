/// Finds text that typically changes from one request to the next — dates, times, Unix
/// timestamps, UUIDs, long hex ids, API request ids — and so ends the cached prefix
/// wherever it appears. A few-shot set is meant to be identical for every request.
enum CacheBusterScanner {
    enum Kind: Sendable { case timestamp, identifier }

    struct Finding: Sendable, Hashable {
        var kind: Kind
        var text: String
    }

    nonisolated(unsafe) static let patterns: [(Kind, Regex<Substring>)] = [
        // ISO 8601 dates with an optional time and zone: 2026-04-24, 2026-04-24T10:15:00Z.
        (.timestamp, #/\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b/#),
        // 24/04/2026, 4/24/26.
        (.timestamp, #/\b\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})\b/#),
        // 10:15:00, 9:30 pm.
        (.timestamp, #/\b\d{1,2}:\d{2}:\d{2}\b|\b\d{1,2}:\d{2}\s?[AaPp][Mm]\b/#),
        // Unix seconds or milliseconds from 2017 to 2033.
        (.timestamp, #/\b1[5-9]\d{8}(?:\d{3})?\b/#),
        (.identifier, #/\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b/#),
        (.identifier, #/\b(?:chatcmpl|req|msg|run|call|sess|trace)[-_][A-Za-z0-9]{8,}\b/#),
        (.identifier, #/\b[0-9a-fA-F]{16,}\b/#),
    ]

    static func findings(in text: String) -> [Finding] {
        var found: [Finding] = []
        var covered: [Range<String.Index>] = []
        for (kind, pattern) in patterns {
            for match in text.matches(of: pattern) {
                let range = match.range
                guard !covered.contains(where: { $0.overlaps(range) }) else { continue }
                let value = String(text[range])
                if kind == .identifier, isPlainHex(value), !(value.contains { $0.isNumber } && value.contains { $0.isLetter }) {
                    continue  // "deadbeefcafebabe…" is a word game, 1234567890123456 a number
                }
                covered.append(range)
                let finding = Finding(kind: kind, text: value)
                if !found.contains(finding) { found.append(finding) }
            }
        }
        return found
    }

    private static func isPlainHex(_ text: String) -> Bool { text.allSatisfy(\.isHexDigit) }
}
