/// Checks a few-shot set for things that silently cost cache hits or confuse the model:
/// text that changes between requests (timestamps, ids), a set too short to be cached,
/// invisible differences (trailing spaces, CRLF, mixed indentation, zero-width and
/// non-breaking spaces), duplicate shots and empty answers. Pure; `cachechat fewshot lint`.
public enum FewShotLint {
    /// Where in the set a warning points.
    public enum Location: Sendable, Hashable, CustomStringConvertible {
        case set
        case system
        case user(shot: Int)
        case assistant(shot: Int)

        /// 0-based shot index, when the location is in a shot.
        public var shot: Int? {
            switch self {
            case .user(let shot), .assistant(let shot): shot
            case .set, .system: nil
            }
        }

        public var description: String {
            switch self {
            case .set: "set"
            case .system: "system"
            case .user(let shot): "shot \(shot + 1) user"
            case .assistant(let shot): "shot \(shot + 1) assistant"
            }
        }
    }

    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case timestamp, identifier, tooShort, trailingSpace, carriageReturn, mixedIndentation
        case invisibleCharacter, duplicateShot, emptyAnswer, emptyQuestion
    }

    public struct Warning: Sendable, Hashable, CustomStringConvertible {
        public var kind: Kind
        public var location: Location
        public var message: String

        public var description: String { "\(location): \(message)" }
    }

    /// The v3-era cache stores whole 64-token units; V4-era hits come in multiples of 128.
    public static let v3Unit = 64
    public static let v4Unit = 128

    /// All warnings for `set`, in set order. `prefixTokens` is the set's rendered prefix
    /// (`FewShotLayout.prefixLength`).
    public static func check(_ set: FewShotSet, prefixTokens: Int) -> [Warning] {
        var warnings: [Warning] = []
        if prefixTokens < v3Unit {
            warnings.append(Warning(kind: .tooShort, location: .set, message:
                "the set is \(prefixTokens) tokens, shorter than one cache unit (64 tokens on v3-era endpoints, "
                + "128 on V4-era DeepSeek): it is never cached"))
        } else if prefixTokens < v4Unit {
            warnings.append(Warning(kind: .tooShort, location: .set, message:
                "the set is \(prefixTokens) tokens: cached on v3-era endpoints (64-token units) but shorter than "
                + "V4-era DeepSeek's 128-token unit, so DeepSeek itself never caches it"))
        }
        warnings += text(set.system, at: .system)
        var seen: [FewShotSet.Shot: Int] = [:]
        for (index, shot) in set.shots.enumerated() {
            warnings += text(shot.user, at: .user(shot: index))
            warnings += text(shot.assistant, at: .assistant(shot: index))
            if shot.user.trimmingWhitespace.isEmpty {
                warnings.append(Warning(kind: .emptyQuestion, location: .user(shot: index), message: "the question is empty"))
            }
            if shot.assistant.trimmingWhitespace.isEmpty {
                warnings.append(Warning(kind: .emptyAnswer, location: .assistant(shot: index), message:
                    "the answer is empty: the model learns to answer with nothing"))
            }
            if let first = seen[shot] {
                warnings.append(Warning(kind: .duplicateShot, location: .user(shot: index), message:
                    "duplicates shot \(first + 1): it adds tokens and teaches nothing new"))
            } else {
                seen[shot] = index
            }
        }
        return warnings
    }

    /// Warnings about one text of the set.
    static func text(_ text: String, at location: Location) -> [Warning] {
        var warnings: [Warning] = []
        func add(_ kind: Kind, _ message: String) { warnings.append(Warning(kind: kind, location: location, message: message)) }
        for found in CacheBusterScanner.findings(in: text) {
            switch found.kind {
            case .timestamp:
                add(.timestamp, "`\(found.text)` looks like a date or time; if it is filled in per request it "
                    + "changes the prefix and nothing after it is cached")
            case .identifier:
                add(.identifier, "`\(found.text)` looks like a generated id; if it changes between requests "
                    + "nothing after it is cached")
            }
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let trailing = lines.indices.filter { index in
            let line = lines[index].last == "\r" ? lines[index].dropLast() : lines[index][...]
            return line.last == " " || line.last == "\t"
        }
        if let first = trailing.first {
            add(.trailingSpace, "trailing spaces or tabs on \(count(trailing.count, "line")) (first: line \(first + 1)); "
                + "invisible, but they are tokens and differ from a cleaned-up copy")
        }
        if text.unicodeScalars.contains("\r") {
            add(.carriageReturn, "contains CRLF or CR line endings; a copy saved with LF renders to different tokens")
        }
        let indents = Set(lines.compactMap { line -> Character? in
            guard let first = line.first, first == " " || first == "\t" else { return nil }
            return first
        })
        if indents.count > 1 {
            add(.mixedIndentation, "some lines are indented with tabs and others with spaces")
        }
        var invisible: [String] = []
        for scalar in text.unicodeScalars {
            if let name = invisibleNames[scalar.value], !invisible.contains(name) { invisible.append(name) }
        }
        if !invisible.isEmpty {
            add(.invisibleCharacter, "contains \(invisible.joined(separator: ", ")): invisible, and tokenized "
                + "differently from an ordinary space or nothing")
        }
        return warnings
    }

    static let invisibleNames: [UInt32: String] = [
        0x00A0: "U+00A0 NO-BREAK SPACE", 0x2007: "U+2007 FIGURE SPACE", 0x202F: "U+202F NARROW NO-BREAK SPACE",
        0x200B: "U+200B ZERO WIDTH SPACE", 0x200C: "U+200C ZERO WIDTH NON-JOINER", 0x200D: "U+200D ZERO WIDTH JOINER",
        0x2060: "U+2060 WORD JOINER", 0xFEFF: "U+FEFF ZERO WIDTH NO-BREAK SPACE (BOM)", 0x00AD: "U+00AD SOFT HYPHEN",
        // Bidirectional controls: they reorder what a reader sees (a reviewer reads one
        // text, the model gets another).
        0x200E: "U+200E LEFT-TO-RIGHT MARK", 0x200F: "U+200F RIGHT-TO-LEFT MARK", 0x061C: "U+061C ARABIC LETTER MARK",
        0x202A: "U+202A LEFT-TO-RIGHT EMBEDDING", 0x202B: "U+202B RIGHT-TO-LEFT EMBEDDING",
        0x202C: "U+202C POP DIRECTIONAL FORMATTING", 0x202D: "U+202D LEFT-TO-RIGHT OVERRIDE",
        0x202E: "U+202E RIGHT-TO-LEFT OVERRIDE", 0x2066: "U+2066 LEFT-TO-RIGHT ISOLATE",
        0x2067: "U+2067 RIGHT-TO-LEFT ISOLATE", 0x2068: "U+2068 FIRST STRONG ISOLATE", 0x2069: "U+2069 POP DIRECTIONAL ISOLATE",
    ]

    static func count(_ n: Int, _ noun: String) -> String { n == 1 ? "1 \(noun)" : "\(n) \(noun)s" }
}

extension String {
    var trimmingWhitespace: Substring {
        var text = self[...]
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return text
    }
}
