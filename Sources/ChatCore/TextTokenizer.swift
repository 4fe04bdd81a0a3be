/// The slice of a tokenizer that chat templates need.
///
/// `DeepSeekTokenizer` conforms (see `DeepSeekTokenizer+TextTokenizer.swift`); tests inject
/// fakes to count calls or to get one token per character.
public protocol TextTokenizer: Sendable {
    /// Token ids of `text`, matching added tokens literally (HF `add_special_tokens=False`).
    func encode(_ text: String) -> [Int]
    /// The id of an added (special) token such as `<｜User｜>`, or nil if it has none.
    func id(forAddedToken content: String) -> Int?
}
