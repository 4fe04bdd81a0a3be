/// Finds the two shapes of broken TOML that crash TOMLKit's parser, before TOMLKit sees them.
///
/// toml++ 3.4.0 (vendored by TOMLKit 0.6.0) asserts instead of reporting an error when
/// - a table header has no key after `[` or `[[`: `[#x]`, `[ =`, `[[[1]]]`, a lone `[`
///   (marzer/tomlplusplus#301, fixed upstream after 3.4.0);
/// - an array element starts with `}`: `a = [}]`, `a = [1, }]`.
/// The assertion aborts a debug build; in a release build it is an "assume", so undefined
/// behaviour. Found by Tests/FuzzTests; the inputs are regression tests there.
///
/// The scan follows just enough TOML to know where a header can be: outside strings,
/// comments and multi-line array or inline-table values, at the start of a line.
enum TOMLCrashGuard {
    /// What is wrong, with the 1-based line and column, or nil.
    static func problem(in text: String) -> (line: Int, column: Int, message: String)? {
        let scalars = Array(text.unicodeScalars)
        var i = 0, line = 1, lineStart = 0
        var open: [Unicode.Scalar] = []  // the [ and { of the value being read
        var expectingElement = false  // after `[` or `,` in an array
        var inValue = false
        var atLineStart = true
        func peek(_ offset: Int) -> Unicode.Scalar? { i + offset < scalars.count ? scalars[i + offset] : nil }
        while i < scalars.count {
            let c = scalars[i]
            let depth = open.count
            if expectingElement, c != "\n", c != " ", c != "\t", c != "\r", c != "#" {
                expectingElement = false
                if c == "}" { return (line, i - lineStart + 1, "an array element cannot start with `}`") }
            }
            switch c {
            case "\n":
                line += 1
                lineStart = i + 1
                atLineStart = true
                if depth == 0 { inValue = false }
                i += 1
                continue
            case " ", "\t", "\r":
                i += 1
                continue
            case "#":
                while i < scalars.count, scalars[i] != "\n" { i += 1 }
                continue
            case "\"", "'":
                skipString(scalars, &i, &line, &lineStart)
            case "[" where depth == 0 && !inValue && atLineStart:
                var j = i + 1
                if j < scalars.count, scalars[j] == "[" { j += 1 }
                while j < scalars.count, scalars[j] == " " || scalars[j] == "\t" { j += 1 }
                if j < scalars.count, !startsKeyOrCloses(scalars[j]) {
                    return (line, j - lineStart + 1, "a table header must start with a key: [name] or [[name]]")
                }
                while i < scalars.count, scalars[i] != "\n", scalars[i] != "#" { i += 1 }  // the rest is the header
                continue
            case "=" where depth == 0:
                inValue = true
                i += 1
            case "[", "{":
                if inValue || depth > 0 {
                    open.append(c)
                    expectingElement = c == "["
                }
                i += 1
            case "]", "}":
                if !open.isEmpty { open.removeLast() }
                i += 1
            case ",":
                expectingElement = open.last == "["
                i += 1
            default:
                i += 1
            }
            atLineStart = false
        }
        return nil
    }

    private static func startsKeyOrCloses(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "a"..."z", "A"..."Z", "0"..."9", "_", "-", "\"", "'", "]": true
        default: false
        }
    }

    /// Moves past a string starting at `i` (basic or literal, single- or multi-line).
    private static func skipString(_ s: [Unicode.Scalar], _ i: inout Int, _ line: inout Int, _ lineStart: inout Int) {
        let quote = s[i]
        let triple = i + 2 < s.count && s[i + 1] == quote && s[i + 2] == quote
        i += triple ? 3 : 1
        while i < s.count {
            let c = s[i]
            if c == "\\" && quote == "\"" {
                i += 1  // the escaped character is skipped below (a newline still counts)
                if i < s.count, s[i] != "\n" { i += 1 }
                continue
            }
            if c == "\n" {
                if !triple { return }  // an unterminated one-line string: TOMLKit reports it
                line += 1
                lineStart = i + 1
            }
            if c == quote {
                if !triple {
                    i += 1
                    return
                }
                if i + 2 < s.count, s[i + 1] == quote, s[i + 2] == quote {
                    i += 3
                    while i < s.count, s[i] == quote { i += 1 }  // up to two quotes end the content
                    return
                }
            }
            i += 1
        }
    }
}
