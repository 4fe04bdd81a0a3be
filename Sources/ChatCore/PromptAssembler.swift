/// Turns a layout into ids and spans.
///
/// Hugging Face `tokenizers` splits on added tokens before anything else, so the text
/// between two special tokens (a segment) is encoded on its own; that is what makes
/// per-segment caching exact. A boundary inside a segment at character c maps to the
/// token index LCP(encode(segment[..<c]), encode(segment)) - a token belongs to the
/// earlier piece only if that piece's text alone produces it - and boundaries are kept
/// monotonic with a running maximum (whitespace can merge across a boundary).
struct PromptAssembler {
    /// Identifies one encode request by position, for the counter's memo.
    struct Slot: Hashable {
        var owner: Int
        var ordinal: Int
    }

    var encode: (String, Slot) -> [Int]
    var special: (String) -> [Int]

    struct Output {
        var ids: [Int]
        var tokenCount: Int
        var spans: [MessageSpan]
    }

    /// - Parameter spans: false skips the spans (`Output.spans` is empty) and with them the
    ///   boundary encodes: a boundary inside a segment costs an encode of the segment up to
    ///   it, so a turn that merges n messages (V4's consecutive user and tool messages, or
    ///   consecutive system messages) would cost O(n²) tokenizer work. The ids and the
    ///   count do not depend on the spans.
    func assemble(_ pieces: [TemplatePiece], messages: [TemplateMessage], keepIDs: Bool, spans wantSpans: Bool = true) -> Output {
        var ids: [Int] = []
        var total = 0
        var floor = 0
        var previousKey: (owner: Int, content: Bool)?
        var starts = [Int](repeating: 0, count: pieces.count)
        var ordinals: [Int: Int] = [:]

        func slot(_ owner: Int) -> Slot {
            let n = ordinals[owner, default: 0]
            ordinals[owner] = n + 1
            return Slot(owner: owner, ordinal: n)
        }
        func keyChanged(_ piece: TemplatePiece) -> Bool {
            defer { previousKey = (piece.owner, piece.isContent) }
            guard let key = previousKey else { return true }
            return key.owner != piece.owner || key.content != piece.isContent
        }

        var i = 0
        while i < pieces.count {
            if case .special(let token) = pieces[i].kind {
                if keyChanged(pieces[i]) { floor = max(floor, total) }
                starts[i] = floor
                let tokenIDs = special(token)
                total += tokenIDs.count
                if keepIDs { ids += tokenIDs }
                i += 1
                continue
            }
            var j = i
            while j < pieces.count, case .text = pieces[j].kind { j += 1 }
            let owner = pieces[i].owner
            let segment = j - i == 1 ? pieces[i].string : pieces[i..<j].map(\.string).joined()
            let segmentIDs = encode(segment, slot(owner))
            var prefix = ""
            for k in i..<j where wantSpans {
                if k > i { prefix += pieces[k - 1].string }
                if keyChanged(pieces[k]) {
                    let local: Int
                    if prefix.isEmpty {
                        local = 0
                    } else if prefix.utf8.count == segment.utf8.count {
                        local = segmentIDs.count
                    } else {
                        local = Self.commonPrefix(encode(prefix, slot(owner)), segmentIDs)
                    }
                    floor = max(floor, total + local)
                }
                starts[k] = floor
            }
            total += segmentIDs.count
            if keepIDs { ids += segmentIDs }
            i = j
        }
        return Output(ids: ids, tokenCount: total, spans: wantSpans ? spans(pieces, starts, total, messages) : [])
    }

    private func spans(
        _ pieces: [TemplatePiece], _ starts: [Int], _ total: Int, _ messages: [TemplateMessage]
    ) -> [MessageSpan] {
        var byOwner: [Int: MessageSpan] = [:]
        var order: [Int] = []
        for (k, piece) in pieces.enumerated() {
            let start = starts[k]
            let end = k + 1 < pieces.count ? starts[k + 1] : total
            if var span = byOwner[piece.owner] {
                span.end = end
                if piece.isContent { span.contentStart = start; span.contentEnd = end }
                byOwner[piece.owner] = span
            } else {
                let role = piece.owner < messages.count ? messages[piece.owner].role : nil
                var span = MessageSpan(
                    messageIndex: piece.owner, role: role, start: start, end: end,
                    contentStart: -1, contentEnd: -1)
                if piece.isContent { span.contentStart = start; span.contentEnd = end }
                byOwner[piece.owner] = span
                order.append(piece.owner)
            }
        }
        var result = order.map { owner -> MessageSpan in
            var span = byOwner[owner]!
            if span.contentStart < 0 { span.contentStart = span.end; span.contentEnd = span.end }
            return span
        }
        result.sort { ($0.start, $0.end, $0.messageIndex) < ($1.start, $1.end, $1.messageIndex) }
        return result
    }

    static func commonPrefix(_ a: [Int], _ b: [Int]) -> Int {
        var n = 0
        let limit = min(a.count, b.count)
        while n < limit, a[n] == b[n] { n += 1 }
        return n
    }
}
