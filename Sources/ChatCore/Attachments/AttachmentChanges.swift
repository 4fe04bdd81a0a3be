/// Which attachments changed on disk since they were attached, and what re-reading them
/// costs: from the first changed document on, nothing of the prompt can come from the
/// cache (a prefix cache; docs/DECISIONS.md 51).
///
/// Pure: the caller reads the files (or fails to) and passes each one's current text
/// hash; the plan is the request the conversation would send with the attached copies.
public struct AttachmentChanges: Sendable, Equatable {
    /// An attachment whose file no longer has the attached text.
    public struct Change: Sendable, Equatable {
        public var index: Int
        public var name: String
        /// nil: the file is gone or unreadable.
        public var currentHash: String?
    }

    public var changes: [Change]
    /// Tokens of the request from the first changed document to its end: they all miss
    /// when the file is re-read.
    public var missTokens: Int
    /// What those tokens cost more as misses than as hits; nil without a price.
    public var extraCost: Double?
    public var currency: Currency?

    public var isEmpty: Bool { changes.isEmpty }

    /// - Parameters:
    ///   - currentHashes: per attachment of `plan`, the hash of the file's text now (nil:
    ///     gone or unreadable).
    public init(plan: RequestPlan, currentHashes: [String?], price: AppliedPrice?) {
        changes = plan.attachments.indices.compactMap { index in
            let now = index < currentHashes.count ? currentHashes[index] : nil
            guard now != plan.attachments[index].hash else { return nil }
            return Change(index: index, name: plan.attachments[index].name, currentHash: now)
        }
        if let first = changes.first, let item = plan.index(of: .attachment(first.index)),
           let span = plan.prompt.span(ofMessage: item) {
            missTokens = plan.prompt.tokenCount - span.start
        } else {
            missTokens = 0
        }
        if let price, !changes.isEmpty {
            extraCost = Double(missTokens) * (price.prices.cacheMiss - price.prices.cacheHit) / 1_000_000
            currency = price.currency
        }
    }

    /// "report.md changed: everything after it misses — 41,200 tokens, $0.012"; nil when
    /// nothing changed.
    public var warning: String? {
        guard let first = changes.first else { return nil }
        let names = changes.map(\.name).joined(separator: ", ")
        let verb = changes.count == 1 ? (first.currentHash == nil ? "is gone" : "changed") : "changed"
        var text = "\(names) \(verb) since attached: re-reading misses everything after \(first.name) — "
            + "\(Formatting.grouped(missTokens)) tokens"
        if let extraCost, let currency { text += ", " + Formatting.money(extraCost, currency: currency) + " more" }
        return text
    }
}

extension RequestPlan {
    /// Tokens of each attached document's item (its block and template tokens), in order.
    public var attachmentTokens: [Int] {
        let tokens = itemTokens.items
        return attachments.indices.map { position in index(of: .attachment(position)).map { tokens[$0] } ?? 0 }
    }

    /// The context-window check made before anything is sent: the largest attachment is
    /// named with its tokens when the whole request does not fit `limit`.
    public func attachmentsFit(limit: Int) throws(AttachmentError) {
        guard prompt.tokenCount > limit, !attachments.isEmpty else { return }
        let tokens = attachmentTokens
        let largest = tokens.indices.max { tokens[$0] < tokens[$1] } ?? 0
        throw .tooLarge(name: attachments[largest].name, tokens: tokens[largest], requestTokens: prompt.tokenCount,
                        limit: limit, model: settings.model)
    }
}
