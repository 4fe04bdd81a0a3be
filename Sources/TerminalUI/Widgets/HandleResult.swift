/// What a key handler did, as a flag set (like htop's handler results). Handlers only
/// change state and report; the event loop decides to paint a frame.
public struct HandleResult: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The widget used the event (do not offer it to anyone else).
    public static let handled = HandleResult(rawValue: 1 << 0)
    /// Something visible changed: paint a new frame.
    public static let redraw = HandleResult(rawValue: 1 << 1)
    /// The user asked to send / run what was typed (editor Enter, command line Enter).
    public static let submit = HandleResult(rawValue: 1 << 2)
    /// The user confirmed (dialog button, list item chosen).
    public static let confirm = HandleResult(rawValue: 1 << 3)
    /// The user dismissed the widget (Esc).
    public static let cancel = HandleResult(rawValue: 1 << 4)
    /// A text change the App may react to (e.g. re-run the cache prediction for a draft).
    public static let textChanged = HandleResult(rawValue: 1 << 5)

    /// The event was not for this widget.
    public static let ignored: HandleResult = []
    /// Shorthand for a handled event that changed what is shown.
    public static let changed: HandleResult = [.handled, .redraw]

    public var description: String {
        let names: [(HandleResult, String)] = [(.handled, "handled"), (.redraw, "redraw"), (.submit, "submit"),
                                               (.confirm, "confirm"), (.cancel, "cancel"), (.textChanged, "textChanged")]
        let parts = names.filter { contains($0.0) }.map(\.1)
        return parts.isEmpty ? "ignored" : parts.joined(separator: "|")
    }
}
