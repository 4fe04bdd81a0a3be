import ChatCore
import Foundation
import Synchronization

/// One token per Unicode scalar, added tokens matched literally from a table, and a count
/// of `encode` calls. Span boundaries under it are exact character boundaries, which makes
/// span expectations readable.
final class FakeTokenizer: TextTokenizer, Sendable {
    static let added = [
        "<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>", "<｜User｜>", "<｜Assistant｜>", "<think>", "</think>",
        "｜DSML｜", "<｜tool▁calls▁begin｜>", "<｜tool▁calls▁end｜>", "<｜tool▁call▁begin｜>", "<｜tool▁call▁end｜>",
        "<｜tool▁sep｜>", "<｜tool▁outputs▁begin｜>", "<｜tool▁outputs▁end｜>", "<｜tool▁output▁begin｜>",
        "<｜tool▁output▁end｜>",
    ]
    /// Calls to `encode` and scalars encoded.
    private let counts = Mutex((calls: 0, scalars: 0))

    var encodeCalls: Int { counts.withLock { $0.calls } }
    var encodedScalars: Int { counts.withLock { $0.scalars } }

    func id(forAddedToken content: String) -> Int? {
        Self.added.firstIndex(of: content).map { 1_000_000 + $0 }
    }

    func encode(_ text: String) -> [Int] {
        let scalars = Array(text.unicodeScalars)
        counts.withLock {
            $0.calls += 1
            $0.scalars += scalars.count
        }
        var ids: [Int] = []
        ids.reserveCapacity(scalars.count)
        var i = 0
        outer: while i < scalars.count {
            if scalars[i] == "<" || scalars[i] == "｜" {
                for (n, token) in Self.added.enumerated() {
                    let t = Array(token.unicodeScalars)
                    if i + t.count <= scalars.count, Array(scalars[i..<i + t.count]) == t {
                        ids.append(1_000_000 + n)
                        i += t.count
                        continue outer
                    }
                }
            }
            ids.append(Int(scalars[i].value))
            i += 1
        }
        return ids
    }

    func decode(_ ids: some Collection<Int>) -> String {
        var out = ""
        for id in ids {
            if id >= 1_000_000 { out += Self.added[id - 1_000_000] } else { out.unicodeScalars.append(Unicode.Scalar(UInt32(id))!) }
        }
        return out
    }
}
