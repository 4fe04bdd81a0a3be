/// Values that change on every request and, placed in a pinned prefix, bust the cache:
/// a timestamp, date or time, a UUID, or another changing number.
///
/// Detection looks at the "word" around the first differing character on *both* sides of
/// a diff (letters, digits and `:-./+`) and names a kind only when both sides match it:
/// "2026-09-14T10:32:05Z" vs "2026-09-14T10:33:12Z" is a timestamp, "id 41" vs "id 42" a
/// number, "Paris" vs "Rome" nothing.
public enum VolatileValue: String, Sendable, Hashable, CaseIterable {
    /// A date, a time of day, or both (ISO 8601, `14/09/2026`, `10:32`).
    case timestamp
    /// An 8-4-4-4-12 hexadecimal UUID.
    case uuid
    /// Any other number that differs (counters, epoch seconds, request ids).
    case number

    /// The kind both words share, checked in the order UUID, timestamp, number.
    ///
    /// - Parameters:
    ///   - previous, current: the two texts.
    ///   - offset: the first differing `Character` offset (equal prefixes before it).
    public static func detect(previous: String, current: String, offset: Int) -> VolatileValue? {
        let before = word(in: Array(previous), at: offset)
        let after = word(in: Array(current), at: offset)
        guard !before.isEmpty || !after.isEmpty else { return nil }
        for kind in [VolatileValue.uuid, .timestamp] where kind.matches(before) && kind.matches(after) {
            return kind
        }
        if before.contains(where: \.isNumber), after.contains(where: \.isNumber),
           differingCharacterIsDigit(before, after) {
            return .number
        }
        return nil
    }

    func matches(_ word: String) -> Bool {
        switch self {
        case .uuid:
            return word.contains(#/[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}/#)
        case .timestamp:
            return word.contains(#/\d{4}-\d{1,2}-\d{1,2}/#) || word.contains(#/(^|[^\d])\d{1,2}:\d{2}/#)
                || word.contains(#/\d{1,2}/\d{1,2}/\d{2,4}/#) || word.contains(#/\d{1,2}\.\d{1,2}\.\d{4}/#)
        case .number:
            return word.contains(where: \.isNumber)
        }
    }

    /// The run of word characters around `offset` (the character there and its neighbours).
    static func word(in characters: [Character], at offset: Int) -> String {
        guard !characters.isEmpty else { return "" }
        var start = min(offset, characters.count)
        var end = start
        while start > 0, isWordCharacter(characters[start - 1]) { start -= 1 }
        while end < characters.count, isWordCharacter(characters[end]) { end += 1 }
        return String(characters[start..<end])
    }

    static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || ":-./+".contains(character)
    }

    /// True when the first character where the two words differ is a digit on either side.
    static func differingCharacterIsDigit(_ a: String, _ b: String) -> Bool {
        let a = Array(a), b = Array(b)
        let common = zip(a, b).prefix { $0 == $1 }.count
        let left = common < a.count ? a[common] : nil
        let right = common < b.count ? b[common] : nil
        return left?.isNumber == true || right?.isNumber == true
    }
}
