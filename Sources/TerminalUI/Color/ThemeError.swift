/// Everything wrong with a theme, each issue naming the slot and the problem.
public struct ThemeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong with one value.
    public enum Problem: Error, Hashable, Sendable, CustomStringConvertible {
        case unknownSlot(suggestion: String?)
        case badColor(String, String)
        case badAttribute(String)

        public var description: String {
            switch self {
            case .unknownSlot(let suggestion?): "unknown slot (did you mean \"\(suggestion)\"?)"
            case .unknownSlot(nil): "unknown slot"
            case .badColor(let value, let hint): "bad colour \"\(value)\": \(hint)"
            case .badAttribute(let name): "unknown attribute \"\(name)\" (use bold, dim, italic, underline, reverse)"
            }
        }
    }

    /// One problem at one slot (and field: `fg`, `bg`, `attrs` or `mono`).
    public struct Issue: Hashable, Sendable, CustomStringConvertible {
        public var slot: String
        public var field: String?
        public var problem: Problem

        public init(slot: String, field: String? = nil, problem: Problem) {
            self.slot = slot
            self.field = field
            self.problem = problem
        }

        public var description: String {
            "slot \"\(slot)\"" + (field.map { ".\($0)" } ?? "") + ": \(problem)"
        }
    }

    public var theme: String
    public var issues: [Issue]

    public var description: String {
        "theme \"\(theme)\": " + issues.map(\.description).joined(separator: "; ")
    }

    /// The closest slot name within a small edit distance, for "did you mean".
    static func suggestion(for key: String) -> String? {
        let lowered = key.lowercased()
        let best = ColorSlot.allCases.map { ($0.name, editDistance(lowered, $0.name)) }.min { $0.1 < $1.1 }
        guard let best, best.1 <= max(2, lowered.count / 4) else { return nil }
        return best.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
