/// Curses colour pairs allocated lazily, one per distinct (foreground, background).
///
/// Pair 0 is the terminal default and is never allocated. When the terminal's
/// `COLOR_PAIRS` run out, further combinations fall back to pair 0 (default colours,
/// attributes kept) rather than redefining a pair that cells on screen still use.
struct ColorPairTable: Sendable {
    struct Key: Hashable, Sendable {
        var foreground: Int32
        var background: Int32
    }

    /// `COLOR_PAIRS`: valid pair numbers are 1..<capacity.
    let capacity: Int
    private(set) var pairs: [Key: Int32] = [:]

    init(capacity: Int) { self.capacity = max(0, capacity) }

    /// The pair for a combination, and whether it is new (the caller must `init_pair` it).
    mutating func pair(foreground: Int32, background: Int32) -> (number: Int32, isNew: Bool) {
        if foreground == -1 && background == -1 { return (0, false) }
        let key = Key(foreground: foreground, background: background)
        if let number = pairs[key] { return (number, false) }
        let next = pairs.count + 1
        guard next < capacity else { return (0, false) }
        pairs[key] = Int32(next)
        return (Int32(next), true)
    }
}
