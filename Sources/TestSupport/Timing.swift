import Foundation

/// Timings for scaling checks: the cost of an operation on a large input against the same
/// operation on a small one, measured in the same run so the machine's speed cancels out.
/// Nothing here compares with an absolute time.
public enum Timing {
    /// Seconds `body` takes once.
    public static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// The fastest of `runs` measurements. Load on a busy machine only ever adds time, so
    /// the minimum is the closest estimate of what the work itself costs.
    public static func fastest(of runs: Int = 5, _ body: () throws -> Void) rethrows -> Double {
        var best = Double.infinity
        for _ in 0..<runs { best = min(best, try seconds(body)) }
        return best
    }

    /// Cost per unit at `large` units against `small` units, each the fastest of `runs`,
    /// runs interleaved so a burst of load hits both sizes alike. `cost(n)` does the work
    /// for `n` units and returns the seconds it took (setup can stay outside the timing).
    public static func perUnitRatio(small: Int, large: Int, runs: Int = 3, _ cost: (Int) throws -> Double) rethrows -> Double {
        _ = try cost(small)  // warm up
        var bestSmall = Double.infinity, bestLarge = Double.infinity
        for _ in 0..<runs {
            bestSmall = min(bestSmall, try cost(small) / Double(small))
            bestLarge = min(bestLarge, try cost(large) / Double(large))
        }
        return bestLarge / bestSmall
    }
}
