#if canImport(Tokenizer)
import Tokenizer

extension DeepSeekTokenizer: TextTokenizer {}

extension ChatTemplate {
    /// A template over the shared DeepSeek tokenizer.
    public static var deepSeek: ChatTemplate { ChatTemplate(tokenizer: DeepSeekTokenizer.shared) }
}
#endif
