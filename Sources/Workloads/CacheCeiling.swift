import ChatCore

/// The most a request could hit under a cache model's rules, from the token arrays sent
/// so far — plain comparisons, independent of `PrefixCache` and its hashing, so that a
/// gap between the emulator's hit and this ceiling shows a product (or emulator) bug.
///
/// Time plays no part: everything sent before a request counts as built. A request that
/// goes out while the cache it needs is still being constructed shows below its ceiling.
///
/// - v3: the longest prefix shared with an earlier *prompt*, rounded down to 64.
/// - v4: the longest stored unit that is a prefix of the prompt, rounded down to 128.
///   Units (docs/EMULATOR.md): end of each input, end of each output, every 4,096 tokens
///   of an input, and the longest 128-aligned prefix a request shares with an earlier
///   request (prompt and output) when longer than what it hit.
public struct CacheCeiling: Sendable {
    public let kind: CacheModelKind
    public let unit: Int
    public let longTextInterval: Int
    /// Everything sent: prompt, then (once known) the reply as the next request renders it.
    private var sequences: [[Int]] = []
    private var promptLengths: [Int] = []
    /// v4 units: (index into `sequences`, length).
    private var units: [(source: Int, length: Int)] = []

    public init(kind: CacheModelKind, longTextInterval: Int = 4096) {
        self.kind = kind
        unit = kind.defaultUnit
        self.longTextInterval = longTextInterval
    }

    public struct Bound: Sendable, Hashable {
        /// The ceiling under the model's rules.
        public var ceiling: Int
        /// The longest prefix shared with anything sent before (prompt or output), in whole
        /// units: what an ideal prefix cache with the same granularity would hit.
        public var ideal: Int
        /// Which earlier request the ceiling comes from (nil: none).
        public var source: Int?
    }

    static func commonPrefix(_ a: [Int], _ b: [Int]) -> Int {
        let n = min(a.count, b.count)
        var i = 0
        while i < n && a[i] == b[i] { i += 1 }
        return i
    }

    /// Registers a request as sent (in send order) and returns its bound. Its reply joins
    /// with `completed(_:sequence:)`.
    public mutating func send(prompt: [Int]) -> (index: Int, bound: Bound) {
        let shared = sequences.map { Self.commonPrefix(prompt, $0) }
        var ideal = (shared.max() ?? 0) / unit * unit
        var ceiling = 0
        var source: Int? = nil
        switch kind {
        case .v3:
            for (i, length) in shared.enumerated() {
                let reachable = min(length, promptLengths[i]) / unit * unit
                if reachable > ceiling { ceiling = reachable; source = i }
            }
        case .v4:
            for u in units where u.length >= unit && u.length <= prompt.count && u.length <= shared[u.source] {
                let reachable = u.length / unit * unit
                if reachable > ceiling { ceiling = reachable; source = u.source }
            }
        }
        ideal = max(ideal, ceiling)
        let index = sequences.count
        sequences.append(prompt)
        promptLengths.append(prompt.count)
        if kind == .v4 {
            // The longest 128-aligned prefix shared with an earlier request, stored after a miss on it.
            let common = (shared.max() ?? 0) / unit * unit
            if common > ceiling { units.append((index, common)) }
            var boundary = longTextInterval
            while boundary < prompt.count {
                units.append((index, boundary))
                boundary += longTextInterval
            }
            if !prompt.isEmpty { units.append((index, prompt.count)) }
        }
        return (index, Bound(ceiling: ceiling, ideal: ideal, source: source))
    }

    /// Adds the reply of request `index`: `sequence` is its prompt followed by the reply as
    /// the next request will render it (`ChatTemplate.continuation`).
    public mutating func completed(_ index: Int, sequence: [Int]) {
        guard sequence.count > promptLengths[index], sequence.starts(with: sequences[index]) else { return }
        sequences[index] = sequence
        if kind == .v4 { units.append((index, sequence.count)) }
    }
}
