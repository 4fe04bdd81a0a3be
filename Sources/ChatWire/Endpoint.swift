/// An OpenAI-compatible chat endpoint and the key used with it.
public struct Endpoint: Sendable, Equatable {
    /// Without a trailing slash, e.g. `https://api.deepseek.com` or `http://127.0.0.1:8787/v1`.
    public var baseURL: String
    public var apiKey: String?
    public var keySource: KeySource?
    /// The built-in endpoint's name: its requests cost nothing real, so budgets skip them.
    public static let builtInName = "local emulator"

    /// A short name for status lines ("local emulator", a profile name, the host).
    public var displayName: String

    public init(baseURL: String, apiKey: String?, keySource: KeySource?, displayName: String? = nil) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.keySource = keySource
        self.displayName = displayName ?? Endpoint.host(of: baseURL)
    }

    public func url(_ path: String) -> String { baseURL + path }

    /// The same endpoint at its beta base URL (chat prefix completion): `/beta` in place of
    /// a trailing `/v1`, so `https://api.deepseek.com` becomes `https://api.deepseek.com/beta`.
    public var beta: Endpoint {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        if base.hasSuffix("/v1") { base.removeLast(3) }
        var copy = self
        copy.baseURL = base.hasSuffix("/beta") ? base : base + "/beta"
        return copy
    }

    /// Headers every request carries; the key only ever leaves the process here.
    public var headers: [HTTPHeader] {
        var headers = [HTTPHeader("Content-Type", "application/json"), HTTPHeader("Accept", "application/json, text/event-stream")]
        if let apiKey { headers.append(HTTPHeader("Authorization", "Bearer \(apiKey)")) }
        return headers
    }

    /// The host (and port) of a URL, without any `user:password@` it carries: this is what
    /// the history and the screen show, so a password in the base URL must not reach them.
    public static func host(of url: String) -> String {
        var rest = Substring(url)
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { return String(authority[authority.index(after: at)...]) }
        return String(authority)
    }
}
