import ChatCore

/// Where the API key in use came from, with the key itself already masked, so error
/// messages can say which key failed without ever holding the full key.
public struct KeySource: Sendable, Equatable {
    /// E.g. `"--api-key"`, `"DEEPSEEK_API_KEY"`, `"config profile 'work' (api_key_command)"`.
    public let origin: String
    /// E.g. `"sk-…abcd"`; see `mask(_:)`.
    public let maskedKey: String

    /// Records a key's origin; the key is masked immediately and not stored.
    public init(origin: String, key: String) {
        self.origin = origin
        self.maskedKey = Self.mask(key)
    }

    /// Records an origin and an already-masked key.
    public init(origin: String, maskedKey: String) {
        self.origin = origin
        self.maskedKey = maskedKey
    }

    /// Masks a key for display: `sk-…abcd` (the `sk-` prefix is kept only when present),
    /// `…abcd` for other keys, and just `…` for keys shorter than 8 characters.
    /// Surrounding whitespace is ignored.
    public static func mask(_ key: String) -> String {
        let trimmed = Array(key.trimmingScalars(isSpace))
        guard trimmed.count >= 8 else { return "…" }
        var tail = String.UnicodeScalarView()
        for index in (trimmed.count - 4)..<trimmed.count { tail.append(trimmed[index]) }
        let prefix = trimmed[0] == "s" && trimmed[1] == "k" && trimmed[2] == "-" ? "sk-" : ""
        return prefix + "…" + String(tail)
    }

    private static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace
    }

    /// Replaces anything that looks like an API key (`sk-` followed by 8 or more key
    /// characters) in `text` with its mask. Servers sometimes echo the key they rejected.
    public static func redactKeys(in text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var result = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            if i + 3 <= scalars.count, scalars[i] == "s", scalars[i + 1] == "k", scalars[i + 2] == "-",
                i == 0 || !isKeyScalar(scalars[i - 1])
            {
                var end = i + 3
                while end < scalars.count, isKeyScalar(scalars[end]) { end += 1 }
                if end - (i + 3) >= 8 {
                    var key = String.UnicodeScalarView()
                    key.append(contentsOf: scalars[i..<end])
                    result.append(contentsOf: mask(String(key)).unicodeScalars)
                    i = end
                    continue
                }
            }
            result.append(scalars[i])
            i += 1
        }
        return String(result)
    }

    private static func isKeyScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "-", "_", "*", ".": true
        default: false
        }
    }
}
