/// A run of changed cells in one row: the backend rewrites `columns` of `row`.
public struct RowSpan: Hashable, Sendable, CustomStringConvertible {
    public var row: Int
    public var columns: Range<Int>

    public init(row: Int, columns: Range<Int>) {
        self.row = row
        self.columns = columns
    }

    public var description: String { "row \(row) [\(columns.lowerBound)..<\(columns.upperBound)]" }
}

extension ScreenBuffer {
    /// The spans that must be rewritten to turn `previous` (what the terminal shows) into
    /// this buffer. Only ``dirtyRows`` are compared; a size change rewrites every row.
    ///
    /// Within a row, changed columns closer than `gap` cells are merged into one span
    /// (moving the cursor costs about as much as rewriting a few cells). Spans never start
    /// on a continuation cell nor end in the middle of a wide cell.
    public func diff(from previous: ScreenBuffer?, gap: Int = 4) -> [RowSpan] {
        guard let previous, previous.size == size else {
            return (0..<size.height).map { RowSpan(row: $0, columns: 0..<size.width) }.filter { !$0.columns.isEmpty }
        }
        var spans: [RowSpan] = []
        for y in dirtyRows {
            let base = y * size.width
            var start: Int? = nil
            var end = 0
            for x in 0..<size.width where cells[base + x] != previous.cells[base + x] {
                if let s = start, x - end <= gap {
                    start = s
                } else if let s = start {
                    spans.append(widened(RowSpan(row: y, columns: s..<end)))
                    start = x
                } else {
                    start = x
                }
                end = x + 1
            }
            if let s = start { spans.append(widened(RowSpan(row: y, columns: s..<end))) }
        }
        return merged(spans)
    }

    /// Widens a span so it covers whole wide cells.
    private func widened(_ span: RowSpan) -> RowSpan {
        var lower = span.columns.lowerBound, upper = span.columns.upperBound
        let base = span.row * size.width
        while lower > 0 && cells[base + lower].isContinuation { lower -= 1 }
        while upper < size.width && cells[base + upper].isContinuation { upper += 1 }
        if upper > lower, cells[base + upper - 1].width == 2, upper < size.width { upper += 1 }
        return RowSpan(row: span.row, columns: lower..<upper)
    }

    /// Merges overlapping spans of the same row produced by widening.
    private func merged(_ spans: [RowSpan]) -> [RowSpan] {
        var out: [RowSpan] = []
        for span in spans {
            if let last = out.last, last.row == span.row, span.columns.lowerBound <= last.columns.upperBound {
                out[out.count - 1].columns = last.columns.lowerBound..<max(last.columns.upperBound, span.columns.upperBound)
            } else {
                out.append(span)
            }
        }
        return out
    }

    /// The characters of a row as plain text (continuations skipped), for tests and dumps.
    public func text(ofRow y: Int) -> String {
        row(y).reduce(into: "") { line, cell in line += cell.text }
    }
}
