import Foundation

/// What `serve` asks of its clients. The defaults suit a loopback server; `cachechat serve`
/// sets them from its flags.
public struct ServerPolicy: Sendable {
    /// Bearer keys a client must present. Empty: any key is accepted, and each key gets
    /// its own cache (the emulator's normal mode, loopback only).
    public var acceptedKeys: Set<String> = []
    /// The largest request body read; a larger one gets 413 and is dropped as it arrives.
    /// A 1M-token context is about 4 MB of text, so 32 MiB leaves room for any real request
    /// while bounding what one request can make the server hold.
    public var maxBodyBytes = 32 * 1024 * 1024
    /// Seconds from accepting a connection until its request head has arrived (slowloris).
    public var headerTimeout: Double = 10
    /// Seconds a connection may send nothing while its request body is still arriving.
    public var idleTimeout: Double = 30
    /// Connections held at once, well under the usual 1,024 descriptors. At the limit a new
    /// connection replaces the oldest one whose request has not arrived, so slow clients
    /// cannot starve quick ones (`ConnectionRegistry`).
    public var maxConnections = 512
    public init() {}

    /// Whether `authorization` (the header's value) names an accepted key. Every accepted
    /// key is compared in full, so the time taken says nothing about how much matched.
    public func accepts(authorization: String?) -> Bool {
        guard !acceptedKeys.isEmpty else { return true }
        guard let authorization else { return false }
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return false }
        let presented = Array(parts[1].trimmingCharacters(in: .whitespaces).utf8)
        var found = false
        for key in acceptedKeys where Self.constantTimeEqual(Array(key.utf8), presented) { found = true }
        return found
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for i in 0..<max(a.count, b.count) {
            difference |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0)
        }
        return difference == 0
    }

    /// Whether a listening address only reaches this machine: `localhost`, `127.0.0.0/8`
    /// or `::1`. Anything else (`0.0.0.0`, `::`, a LAN address, a name) may be reachable.
    public static func isLoopback(_ host: String) -> Bool {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if bare == "localhost" || bare == "::1" || bare == "0:0:0:0:0:0:0:1" { return true }
        let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
