import Foundation

/// Why a vocabulary file could not be loaded, phrased for the person who has to fix it.
public enum TokenizerError: Error, CustomStringConvertible, Sendable {
    case unreadableVocabulary(path: String, reason: String)
    case malformedVocabulary(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadableVocabulary(path, reason):
            "Could not read the tokenizer vocabulary at \(path): \(reason)."
        case let .malformedVocabulary(path, reason):
            "The tokenizer vocabulary at \(path) is not valid (\(reason)). A .vocab source file is regenerated with "
                + "scripts/make_vocab.py; the shipped .tables file with RECORD_VOCAB_TABLES=1 swift test --filter shippedTables."
        }
    }
}
