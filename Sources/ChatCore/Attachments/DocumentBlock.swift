/// The byte-stable text of an attached document as a request carries it.
///
///     <document name="report.md">
///     TEXT
///     </document>
///
/// The header holds only the name; the text follows exactly (a final newline of its own
/// is kept, and the closing line still starts on a new line). Nothing else — no path, no
/// date, no token count — so the block is the same bytes wherever the file is attached.
/// Changing this form moves every cached document: never do it casually.
public enum DocumentBlock {
    /// The block for one attachment.
    public static func render(_ attachment: Attachment) -> String {
        "<document name=\"\(escapedName(attachment.name))\">\n" + attachment.text + "\n</document>"
    }

    /// The name with the characters that would end or break the header replaced
    /// (`"`, `<`, `>`, `&` and line breaks as XML character references).
    static func escapedName(_ name: String) -> String {
        var out = ""
        for scalar in name.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
