/// A grid of ``Cell``s that a frame is painted into, with the rows written since the
/// last ``markClean()`` recorded in ``dirtyRows``.
///
/// It is a reference type so a ``Painter`` (and the widgets it is handed to) can draw into
/// sub-rects of one buffer; take a ``copy()`` to keep the last presented frame for
/// ``diff(from:)``. Writes keep wide cells consistent: overwriting either half of a wide
/// cell blanks the other half.
public final class ScreenBuffer {
    public private(set) var size: Size
    private(set) var cells: [Cell]
    private var dirty: [Bool]
    /// Counts whole-buffer painters made (`Painter(buffer)`) and resizes: a widget that
    /// skips repainting an area it painted last frame checks that nothing has begun a
    /// frame over it since (``ChatScreen`` and its cache panel).
    public private(set) var paintings = 0

    /// A buffer of blank cells.
    public init(size: Size, fill: Cell = .blank()) {
        self.size = size
        self.cells = Array(repeating: fill, count: size.width * size.height)
        self.dirty = Array(repeating: true, count: size.height)
    }

    private init(size: Size, cells: [Cell], dirty: [Bool]) {
        self.size = size
        self.cells = cells
        self.dirty = dirty
    }

    /// An independent copy (the arrays are copied on write, so this is cheap — until either
    /// buffer is written, when the written one copies every cell).
    public func copy() -> ScreenBuffer { ScreenBuffer(size: size, cells: cells, dirty: dirty) }

    /// A copy with storage of its own from the start, to be kept up to date with
    /// ``copyRows(_:from:)``: writing to either buffer later copies nothing else.
    public func detachedCopy() -> ScreenBuffer {
        ScreenBuffer(size: size, cells: cells.map { $0 }, dirty: dirty)
    }

    /// Makes `rows` the same as in `source` (of the same size), cell by cell; other rows
    /// and the dirty marks are left alone. What a terminal keeps of the last frame after
    /// presenting the next: only the rows that were written, not all of them.
    public func copyRows(_ rows: [Int], from source: ScreenBuffer) {
        precondition(source.size == size, "copyRows between buffers of different sizes")
        for y in rows where y >= 0 && y < size.height {
            let base = y * size.width
            for x in 0..<size.width where cells[base + x] != source.cells[base + x] { cells[base + x] = source.cells[base + x] }
        }
    }

    /// The whole buffer as a rect at the origin.
    public var bounds: Rect { Rect(size: size) }

    /// Rows written since the last ``markClean()``, ascending.
    public var dirtyRows: [Int] { dirty.indices.filter { dirty[$0] } }

    /// Forgets which rows were written (call after presenting).
    public func markClean() { dirty = Array(repeating: false, count: size.height) }

    /// Marks every row dirty, e.g. after the terminal lost its contents.
    public func markAllDirty() { dirty = Array(repeating: true, count: size.height) }

    /// Changes the size, dropping everything (all rows become dirty and blank).
    public func resize(to newSize: Size) {
        paintings += 1
        size = newSize
        cells = Array(repeating: .blank(), count: newSize.width * newSize.height)
        dirty = Array(repeating: true, count: newSize.height)
    }

    /// The cell at a position; out-of-range positions read as blank.
    public subscript(x: Int, y: Int) -> Cell {
        guard x >= 0, y >= 0, x < size.width, y < size.height else { return .blank() }
        return cells[y * size.width + x]
    }

    /// One row of cells.
    public func row(_ y: Int) -> ArraySlice<Cell> {
        guard y >= 0, y < size.height else { return [] }
        return cells[(y * size.width)..<((y + 1) * size.width)]
    }

    /// Fills a rect (clipped to the buffer) with a cell.
    public func fill(_ rect: Rect, with cell: Cell = .blank()) {
        let r = rect.intersection(bounds)
        guard !r.isEmpty else { return }
        for y in r.y..<r.maxY {
            for x in r.x..<r.maxX { put(cell, x: x, y: y) }
        }
    }

    /// Clears the whole buffer to blank cells of `style`.
    public func clear(_ style: Style = .plain) {
        paintings += 1
        fill(bounds, with: .blank(style))
    }

    func beginPainting() { paintings += 1 }

    /// Writes one grapheme cluster at `(x, y)`: width 1 or 2 (a wide cluster also writes the
    /// continuation cell). Returns false, writing nothing, if it does not fit before `limitX`.
    @discardableResult
    public func put(_ text: String, width: Int, style: Style, x: Int, y: Int, limitX: Int? = nil) -> Bool {
        let limit = min(limitX ?? size.width, size.width)
        guard y >= 0, y < size.height, x >= 0, width >= 1, x + width <= limit else { return false }
        put(Cell(text, width: width, style: style), x: x, y: y)
        if width == 2 { put(.continuation(style), x: x + 1, y: y) }
        return true
    }

    /// Writes one cell, repairing any wide cell it cuts in half.
    func put(_ cell: Cell, x: Int, y: Int) {
        let index = y * size.width + x
        let old = cells[index]
        if old == cell { return }
        if old.isContinuation && !cell.isContinuation && x > 0 {
            // Cutting the right half off a wide cell: blank its left half.
            let lead = index - 1
            if cells[lead].width == 2 { cells[lead] = .blank(cells[lead].style) }
        }
        if old.width == 2 && cell.width != 2 && x + 1 < size.width {
            // Overwriting the left half: blank the orphaned continuation.
            if cells[index + 1].isContinuation { cells[index + 1] = .blank(old.style) }
        }
        cells[index] = cell
        dirty[y] = true
    }

    /// Sets the style of existing cells in a rect, keeping their text (e.g. a selection or cursor).
    public func restyle(_ rect: Rect, _ transform: (Style) -> Style) {
        let r = rect.intersection(bounds)
        guard !r.isEmpty else { return }
        for y in r.y..<r.maxY {
            for x in r.x..<r.maxX {
                let index = y * size.width + x
                let style = transform(cells[index].style)
                if style != cells[index].style {
                    cells[index].style = style
                    dirty[y] = true
                }
            }
        }
    }
}
