#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Puts the process in a UTF-8 locale before curses starts: ncursesw decides how to
/// encode wide characters from `LC_CTYPE`, and in the "C" locale CJK and emoji come out
/// as escaped garbage.
enum LocaleSetup {
    /// Adopts the user's locale; when its character set is not UTF-8 (unset `LANG`,
    /// `LANG=C`, a Latin-1 locale), switches `LC_CTYPE` alone to C.UTF-8.
    static func ensureUTF8() {
        _ = setlocale(LC_ALL, "")
        if !isUTF8(codeset: currentCodeset()) {
            if setlocale(LC_CTYPE, "C.UTF-8") == nil { _ = setlocale(LC_CTYPE, "en_US.UTF-8") }
        }
    }

    static func currentCodeset() -> String {
        guard let codeset = nl_langinfo(nl_item(CODESET)) else { return "" }
        return String(cString: codeset)
    }

    /// "UTF-8", "utf8", "UTF8" all count.
    static func isUTF8(codeset: String) -> Bool {
        codeset.lowercased().filter { $0 != "-" } == "utf8"
    }
}
