/// What the ``SyntaxHighlighter`` knows about one language.
public struct CodeLanguage: Hashable, Sendable {
    public var name: String
    public var keywords: Set<String>
    public var lineComment: [String]
    public var blockComments: Bool
    public var quotes: Set<Character>
    public var tripleQuotes: Bool
    /// Shell words may contain "-" (`--flag`).
    public var dashInWords: Bool

    /// The language for a fence info string, or nil for unknown ones.
    public init?(fenceName: String) {
        let key = fenceName.lowercased()
        guard let found = CodeLanguage.all.first(where: { $0.aliases.contains(key) }) else { return nil }
        self = found.language
    }

    init(_ name: String, keywords: String, lineComment: [String] = ["//"], blockComments: Bool = true,
         quotes: Set<Character> = ["\""], tripleQuotes: Bool = false, dashInWords: Bool = false) {
        self.name = name
        self.keywords = Set(keywords.split(separator: " ").map(String.init))
        self.lineComment = lineComment
        self.blockComments = blockComments
        self.quotes = quotes
        self.tripleQuotes = tripleQuotes
        self.dashInWords = dashInWords
    }

    static let all: [(aliases: Set<String>, language: CodeLanguage)] = [
        (["swift"], CodeLanguage("swift", keywords: """
            actor any as associatedtype async await break case catch class continue default defer deinit do else enum \
            extension fallthrough false fileprivate for func guard if import in init inout internal is let nil \
            nonisolated open operator private protocol public repeat rethrows return self Self some static struct \
            subscript super switch throw throws true try typealias var where while
            """)),
        (["python", "py", "python3"], CodeLanguage("python", keywords: """
            and as assert async await break class continue def del elif else except False finally for from global if \
            import in is lambda None nonlocal not or pass raise return True try while with yield match case self
            """, lineComment: ["#"], blockComments: false, quotes: ["\"", "'"], tripleQuotes: true)),
        (["javascript", "js", "jsx", "typescript", "ts", "tsx", "mjs"], CodeLanguage("javascript", keywords: """
            async await break case catch class const continue debugger default delete do else export extends false \
            finally for function if import in instanceof let new null of return static super switch this throw true \
            try typeof undefined var void while yield interface type enum implements readonly private public \
            protected abstract as from declare namespace keyof
            """, quotes: ["\"", "'", "`"])),
        (["rust", "rs"], CodeLanguage("rust", keywords: """
            as async await break const continue crate dyn else enum extern false fn for if impl in let loop match mod \
            move mut pub ref return self Self static struct super trait true type unsafe use where while Some None Ok Err
            """)),
        (["go", "golang"], CodeLanguage("go", keywords: """
            break case chan const continue default defer else fallthrough for func go goto if import interface map \
            package range return select struct switch type var nil true false
            """, quotes: ["\"", "`"])),
        (["c", "h", "cpp", "c++", "cc", "hpp", "cxx", "objc"], CodeLanguage("c", keywords: """
            auto break case char const continue default do double else enum extern float for goto if inline int long \
            register restrict return short signed sizeof static struct switch typedef union unsigned void volatile \
            while bool true false NULL nullptr class namespace template typename public private protected virtual \
            new delete using include define ifdef ifndef endif
            """, quotes: ["\"", "'"])),
        (["json", "jsonc", "json5"], CodeLanguage("json", keywords: "true false null", lineComment: ["//"], blockComments: true)),
        (["shell", "sh", "bash", "zsh", "console", "shellsession", "fish"], CodeLanguage("shell", keywords: """
            if then else elif fi for while until do done case esac in function return export local echo cd exit \
            set unset source alias sudo
            """, lineComment: ["#"], blockComments: false, quotes: ["\"", "'"], dashInWords: true)),
    ]
}
