/// Predicted versus actual cache-hit tokens over time: how far the client's prediction
/// can be trusted on this endpoint.
///
/// Keeps running totals (count, exact matches, absolute error) over every pair and the last
/// `recentCapacity` pairs themselves for a trend line.
public struct PredictionAccuracy: Sendable, Hashable {
    /// One prediction and what the server then reported.
    public struct Pair: Sendable, Hashable {
        public var predicted: Int
        public var actual: Int
        /// `actual - predicted`: positive when the server served more than predicted.
        public var error: Int { actual - predicted }

        public init(predicted: Int, actual: Int) {
            self.predicted = predicted
            self.actual = actual
        }
    }

    public let recentCapacity: Int
    public private(set) var count = 0
    public private(set) var exactMatches = 0
    public private(set) var totalAbsoluteError = 0
    /// The last pairs, oldest first, at most `recentCapacity`.
    public private(set) var recent: [Pair] = []

    public init(recentCapacity: Int = 50) {
        self.recentCapacity = max(0, recentCapacity)
    }

    /// Adds one pair.
    public mutating func record(predicted: Int, actual: Int) {
        let pair = Pair(predicted: predicted, actual: actual)
        count += 1
        if pair.error == 0 { exactMatches += 1 }
        totalAbsoluteError += abs(pair.error)
        guard recentCapacity > 0 else { return }
        recent.append(pair)
        if recent.count > recentCapacity { recent.removeFirst(recent.count - recentCapacity) }
    }

    /// Mean of |predicted − actual| in tokens; nil before the first pair.
    public var meanAbsoluteError: Double? {
        count > 0 ? Double(totalAbsoluteError) / Double(count) : nil
    }

    /// Share (0...1) of exact predictions; nil before the first pair.
    public var exactShare: Double? {
        count > 0 ? Double(exactMatches) / Double(count) : nil
    }

    /// The most recent pair.
    public var last: Pair? { recent.last }
}
