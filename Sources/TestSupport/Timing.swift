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

    /// How much dearer the last of `steps` equal steps of growing one structure is than the
    /// first: 1 when the cost per unit does not grow with size, about `steps` when each
    /// unit costs in proportion to what is already there. Each step takes about the same
    /// time when all is well, so a burst of load is as likely to land on either end; each
    /// end is the fastest over `runs` fresh structures. `makeSteps()` returns a closure
    /// over a fresh structure that performs step `i` (0-based) when called.
    public static func growthRatio(runs: Int = 3, steps: Int = 10, _ makeSteps: () -> (Int) -> Void) -> Double {
        precondition(runs > 0 && steps > 1)
        var first = Double.infinity, last = Double.infinity
        for run in 0...runs {  // run 0 warms up and is not counted
            let step = makeSteps()
            var times: [Double] = []
            for i in 0..<steps { times.append(seconds { step(i) }) }
            guard run > 0 else { continue }
            first = min(first, times[0])
            last = min(last, times[steps - 1])
        }
        return last / first
    }
}
