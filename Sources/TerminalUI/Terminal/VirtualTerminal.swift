/// An in-memory ``Terminal`` for tests: a grid of cells updated only through the
/// spans of ``ScreenBuffer/diff(from:)``, exactly like a real backend, so a diff bug shows
/// up as a wrong snapshot. Also counts what it wrote, for tests of incremental redraw.
public final class VirtualTerminal: Terminal {
    public private(set) var size: Size
    /// What the "screen" shows.
    public private(set) var grid: [[Cell]]
    public private(set) var cursor: Point?
    public private(set) var palette: Palette = .dark
    /// Cells written by the last ``present(_:cursor:)``.
    public private(set) var lastWrittenCells = 0
    /// Rows touched by the last ``present(_:cursor:)``.
    public private(set) var lastWrittenRows: [Int] = []
    public private(set) var presentCount = 0
    private var previous: ScreenBuffer?

    public init(size: Size) {
        self.size = size
        self.grid = VirtualTerminal.blankGrid(size)
    }

    /// Simulates the user resizing the window: the screen content is lost.
    public func resize(to newSize: Size) {
        size = newSize
        grid = VirtualTerminal.blankGrid(newSize)
        previous = nil
    }

    public func present(_ buffer: ScreenBuffer, cursor: Point?) {
        if buffer.size != size || previous?.size != buffer.size {
            previous = nil
            if buffer.size != size { size = buffer.size }
            grid = VirtualTerminal.blankGrid(size)
        }
        let spans = buffer.diff(from: previous)
        lastWrittenCells = 0
        lastWrittenRows = []
        for span in spans {
            if lastWrittenRows.last != span.row { lastWrittenRows.append(span.row) }
            for x in span.columns {
                grid[span.row][x] = buffer[x, span.row]
                lastWrittenCells += 1
            }
        }
        self.cursor = cursor
        buffer.markClean()
        previous = buffer.copy()
        presentCount += 1
    }

    public func setPalette(_ palette: Palette) {
        self.palette = palette
        previous = nil
    }

    public func invalidate() { previous = nil }

    /// The characters on screen, one line per row, trailing spaces trimmed, with the
    /// cursor (if shown) not marked. Wide characters appear once.
    public func textSnapshot() -> String {
        grid.map { row in
            var line = ""
            for cell in row where !cell.isContinuation { line += cell.text }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }

    /// One character per cell giving the foreground slot (``ColorSlot/snapshotCode``),
    /// uppercase/lowercase as defined there; a background slot shows instead where the
    /// cell is blank. Continuation cells repeat their lead's code. Preceded by a legend
    /// of the codes used.
    public func styleSnapshot() -> String {
        var used: [ColorSlot] = []
        let rows = grid.map { row in
            String(row.map { cell -> Character in
                let slot = (cell.text == " " || cell.text.isEmpty) && cell.style.background != nil
                    ? cell.style.background! : cell.style.foreground
                if !used.contains(slot) { used.append(slot) }
                return slot.snapshotCode
            })
        }
        let legend = used.sorted { $0.rawValue < $1.rawValue }.map { "\($0.snapshotCode)=\($0.name)" }.joined(separator: " ")
        return "legend: " + legend + "\n" + rows.joined(separator: "\n")
    }

    /// Text snapshot framed with a border and the cursor position, for golden files.
    public func framedSnapshot() -> String {
        let edge = "+" + String(repeating: "-", count: size.width) + "+"
        let body = grid.map { row in "|" + row.map { $0.isContinuation ? "" : $0.text }.joined() + "|" }
        let cursorLine = cursor.map { "cursor: \($0)" } ?? "cursor: hidden"
        return ([edge] + body + [edge, cursorLine]).joined(separator: "\n")
    }

    private static func blankGrid(_ size: Size) -> [[Cell]] {
        Array(repeating: Array(repeating: .blank(), count: size.width), count: size.height)
    }
}
