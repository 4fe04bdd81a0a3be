extension String {
    /// The text without the scalars `isSpace` accepts at either end, taken scalar by scalar
    /// (not by `Character`: a combining mark after a space does not hide the space). One
    /// view, no reversed collections: those were generic first uses before the first frame.
    public func trimmingScalars(_ isSpace: (Unicode.Scalar) -> Bool) -> Substring.UnicodeScalarView {
        let scalars = unicodeScalars
        var start = scalars.startIndex, end = scalars.endIndex
        while start < end, isSpace(scalars[start]) { start = scalars.index(after: start) }
        while end > start, isSpace(scalars[scalars.index(before: end)]) { end = scalars.index(before: end) }
        return scalars[start..<end]
    }
}
