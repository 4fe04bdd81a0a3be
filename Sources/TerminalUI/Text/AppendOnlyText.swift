/// Text that only grows: a streaming reply.
///
/// A value whose contents are the first `utf8Count` bytes of a shared buffer. Appending at
/// the tip extends the buffer in place (amortised O(1), never a copy of what is there);
/// a copy made earlier keeps seeing exactly what it saw, and appending to such a stale copy
/// first gives it a buffer of its own. So the App's state can hold the reply as a value
/// while the transcript reads only the bytes added since its last frame.
///
/// Not thread-safe (not `Sendable`): the App's loop is its only user.
public struct AppendOnlyText: Equatable {
    final class Storage {
        var text: String
        init(_ text: String) { self.text = text }
    }

    private var storage: Storage
    /// Bytes of UTF-8 this value holds.
    public private(set) var utf8Count: Int

    public init(_ text: String = "") {
        storage = Storage(text)
        utf8Count = text.utf8.count
    }

    public var isEmpty: Bool { utf8Count == 0 }

    /// Appends `piece` (whole characters: stream deltas end on character boundaries).
    public mutating func append(_ piece: String) {
        guard !piece.isEmpty else { return }
        if storage.text.utf8.count != utf8Count {
            storage = Storage(prefix(utf8Count))
        }
        storage.text.append(piece)
        utf8Count = storage.text.utf8.count
    }

    /// The whole text.
    public var string: String { prefix(utf8Count) }

    /// The text from byte `offset` to the end (what arrived since a reader's last look).
    public func suffix(fromUTF8 offset: Int) -> String {
        let start = max(0, min(offset, utf8Count))
        guard start < utf8Count else { return "" }
        let utf8 = storage.text.utf8
        let from = utf8.index(utf8.startIndex, offsetBy: start)
        let to = utf8.index(utf8.startIndex, offsetBy: utf8Count)
        return String(decoding: utf8[from..<to], as: UTF8.self)
    }

    private func prefix(_ count: Int) -> String {
        if count == storage.text.utf8.count { return storage.text }
        let utf8 = storage.text.utf8
        return String(decoding: utf8[utf8.startIndex..<utf8.index(utf8.startIndex, offsetBy: count)], as: UTF8.self)
    }

    /// True when both are views of the same buffer (one may be longer).
    public func sharesStorage(with other: AppendOnlyText) -> Bool { storage === other.storage }

    public static func == (lhs: AppendOnlyText, rhs: AppendOnlyText) -> Bool {
        lhs.utf8Count == rhs.utf8Count && (lhs.storage === rhs.storage || lhs.string == rhs.string)
    }
}
