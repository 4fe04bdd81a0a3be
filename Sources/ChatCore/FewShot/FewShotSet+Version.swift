extension FewShotSet {
    /// A stable identifier of what the set sends: 16 lowercase hex digits of FNV-1a 64
    /// over a canonical serialisation of the system prompt and the shots.
    ///
    /// Only the prompt content counts: the name, the description and the model do not
    /// change the tokens sent, so editing them keeps the version (and the cache). Two sets
    /// with the same version render to the same prefix. Conversations record the version
    /// they started with (`Conversation.fewShotVersion`).
    ///
    /// Canonical form (UTF-8 bytes, no normalisation of any kind, so CRLF, trailing spaces
    /// and invisible characters all change the version, as they change the tokens):
    ///
    ///     "cachechat-fewshot-1\n"
    ///     "system " + byteCount + "\n" + system + "\n"
    ///     for each shot: "user " + byteCount + "\n" + user + "\n"
    ///                    "assistant " + byteCount + "\n" + assistant + "\n"
    ///
    /// Length prefixes make the form unambiguous (no text can imitate a field boundary).
    /// Changing this form changes every version: never do it without a migration.
    public var contentVersion: String {
        var hash = FNV1a64()
        hash.add("cachechat-fewshot-1\n")
        hash.addField("system", system)
        for shot in shots {
            hash.addField("user", shot.user)
            hash.addField("assistant", shot.assistant)
        }
        return hash.hex
    }
}

/// The 64-bit Fowler–Noll–Vo 1a hash. Not cryptographic: a content fingerprint whose
/// every bit is specified, so versions written today compare equal in any later build.
struct FNV1a64 {
    private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    mutating func add<Bytes: Sequence>(bytes: Bytes) where Bytes.Element == UInt8 {
        for byte in bytes {
            value ^= UInt64(byte)
            value &*= 0x0000_0100_0000_01B3
        }
    }

    mutating func add(_ text: String) { add(bytes: text.utf8) }

    mutating func addField(_ key: String, _ text: String) {
        add("\(key) \(text.utf8.count)\n")
        add(text)
        add("\n")
    }

    var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
