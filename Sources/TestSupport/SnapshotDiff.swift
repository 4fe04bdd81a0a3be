/// A small line diff for snapshot failures (LCS; goldens are at most a few hundred lines).
public enum SnapshotDiff {
    /// Lines prefixed with "  " (same), "- " (only in expected) or "+ " (only in actual);
    /// runs of unchanged lines longer than `context` around changes are elided.
    public static func lineDiff(expected: String, actual: String, context: Int = 2) -> String {
        let a = expected.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = actual.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var lcs = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var ops: [(Character, String)] = []
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                ops.append((" ", a[i])); i += 1; j += 1
            } else if j < b.count, i == a.count || lcs[i][j + 1] >= lcs[i + 1][j] {
                ops.append(("+", b[j])); j += 1
            } else {
                ops.append(("-", a[i])); i += 1
            }
        }
        let changed = ops.indices.filter { ops[$0].0 != " " }
        var out: [String] = []
        var lastPrinted = -1
        for index in ops.indices {
            let near = changed.contains { abs($0 - index) <= context }
            guard near else { continue }
            if lastPrinted >= 0 && index > lastPrinted + 1 { out.append("  …") }
            out.append("\(ops[index].0) \(ops[index].1)")
            lastPrinted = index
        }
        return out.joined(separator: "\n")
    }
}
