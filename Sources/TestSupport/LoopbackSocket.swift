import Glibc

/// A TCP socket bound to 127.0.0.1 on a port the kernel picks, and the port. With `backlog`
/// it listens; without, it only holds the port (connections to it are refused).
public func loopbackSocket(listening backlog: Int32? = nil, reuseAddress: Bool = false) throws -> (descriptor: Int32, port: Int) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw ServerError("socket() failed: errno \(errno)") }
    if reuseAddress {
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
    }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ready = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, length) == 0 && (backlog.map { listen(fd, $0) == 0 } ?? true) && getsockname(fd, $0, &length) == 0
        }
    }
    guard ready else {
        let code = errno
        close(fd)
        throw ServerError("bind/listen on 127.0.0.1 failed: errno \(code)")
    }
    return (fd, Int(UInt16(bigEndian: address.sin_port)))
}
