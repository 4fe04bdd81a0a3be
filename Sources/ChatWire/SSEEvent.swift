/// One event produced by `SSEDecoder`.
public enum SSEEvent: Sendable, Equatable {
    /// The data of a dispatched event; several `data:` lines are joined with "\n".
    case data(String)
    /// A comment line (`: keep-alive`), without the colon and one leading space.
    case comment(String)
    /// The OpenAI-style end marker `data: [DONE]`.
    case done
    /// An event grew past the decoder's limit; its bytes were dropped up to the next blank
    /// line.
    case tooLarge(limit: Int)
}
