/// A file (or standard input) attached to a conversation: its name, its exact text and a
/// fingerprint of that text.
///
/// Requests carry attachments as a document block after the pinned prefix (system prompt,
/// few-shot set) and before the history, one user message per attachment, rendered by
/// `DocumentBlock` with the same bytes in every conversation, so the same file attached
/// anywhere hits the cache another request filled (docs/DECISIONS.md 51).
///
/// The name is what the header shows and never a machine's absolute path: the file's
/// base name, a path relative to an attached folder, or `stdin`.
public struct Attachment: Sendable, Hashable, Codable {
    public var name: String
    /// The text exactly as decoded (a leading U+FEFF kept; see `AttachmentText`).
    public var text: String
    /// `Attachment.hash(of:)` of `text`.
    public var hash: String
    /// Where the text was read from (an absolute path), to notice when the file changes;
    /// nil for standard input. Never sent.
    public var path: String?

    public init(name: String, text: String, path: String? = nil) {
        self.name = name
        self.text = text
        self.path = path
        hash = Self.hash(of: text)
    }

    /// 16 lowercase hex digits of FNV-1a 64 over a length-prefixed form of the text's UTF-8
    /// bytes. Every byte counts (CRLF, a BOM, trailing spaces): they all change the tokens.
    /// Changing this form changes every stored hash: never do it without a migration.
    public static func hash(of text: String) -> String {
        var hash = FNV1a64()
        hash.add("cachechat-attachment-1\n")
        hash.addField("text", text)
        return hash.hex
    }

    /// The user message the request carries for this attachment.
    public var templateMessage: TemplateMessage { .user(DocumentBlock.render(self)) }

    /// What the ledger keeps of an attachment: enough to find its text again.
    public var reference: Reference { Reference(name: name, hash: hash) }

    /// An attachment as a plan record or a conversation refers to it.
    public struct Reference: Sendable, Hashable, Codable {
        public var name: String
        public var hash: String

        public init(name: String, hash: String) {
            self.name = name
            self.hash = hash
        }
    }
}

extension Attachment {
    /// Tokens of the document's text alone, as the server counts them.
    public func textTokens(_ tokenizer: any TextTokenizer) -> Int { tokenizer.encode(text).count }
}
