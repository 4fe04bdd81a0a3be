import Glibc

/// A loopback TCP port that refuses connections for as long as this value lives: a socket
/// bound to it that never listens. Nothing else can be given the port meanwhile — a port
/// that was bound and closed again could be handed to a server another test started in
/// parallel, and "connection refused" then got a reply (seen once in CI).
public final class RefusingPort: @unchecked Sendable {
    public let port: Int
    private let descriptor: Int32

    public init() throws {
        (descriptor, port) = try loopbackSocket()
    }

    deinit { close(descriptor) }
}
