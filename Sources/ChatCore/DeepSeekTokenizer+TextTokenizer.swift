#if canImport(Tokenizer)
import Tokenizer

extension DeepSeekTokenizer: TextTokenizer {}

/// The shared DeepSeek tokenizer, loaded at its first use instead of where it is handed
/// over: the TUI builds its runtime before the first frame, and a frame without a token to
/// count should not wait for the vocabulary (docs/DECISIONS.md 99).
public struct LazyDeepSeekTokenizer: TextTokenizer {
    public init() {}
    public func encode(_ text: String) -> [Int] { DeepSeekTokenizer.shared.encode(text) }
    public func id(forAddedToken content: String) -> Int? { DeepSeekTokenizer.shared.id(forAddedToken: content) }
}

extension ChatTemplate {
    /// A template over the shared DeepSeek tokenizer.
    public static var deepSeek: ChatTemplate { ChatTemplate(tokenizer: DeepSeekTokenizer.shared) }
}
#endif
