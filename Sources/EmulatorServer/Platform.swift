#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The server's one file of operating-system calls: the request log's file and clocks,
/// the socket option of an abortive close, and the pre-bound socket of the built-in endpoint.
enum Platform {
    /// A loopback TCP socket bound to a free port and listening (close-on-exec, non-blocking).
    static func listeningLoopbackSocket() throws -> (descriptor: Int32, port: Int) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard descriptor >= 0 else { throw EmulatorServer.POSIXFailure("socket", errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0, listen(descriptor, 1024) == 0 else {
            let code = errno
            close(descriptor)
            throw EmulatorServer.POSIXFailure("bind", code)
        }
        let named = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else {
            let code = errno
            close(descriptor)
            throw EmulatorServer.POSIXFailure("getsockname", code)
        }
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// A descriptor appending to `path` (created if missing, mode 0644), or the error's text.
    static func openForAppending(_ path: String) -> Result<Int32, PlatformError> {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        return descriptor < 0 ? .failure(PlatformError(message: String(cString: strerror(errno)))) : .success(descriptor)
    }

    /// Writes all of `bytes`, retrying short writes and EINTR; gives up on other errors.
    static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) {
        var rest = bytes[...]
        while !rest.isEmpty {
            let written = rest.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return }
            rest = rest.dropFirst(written)
        }
    }

    /// CLOCK_MONOTONIC in seconds.
    static func monotonicNow() -> Double { now(CLOCK_MONOTONIC) }

    /// The wall clock in seconds since 1970.
    static func unixNow() -> Double { now(CLOCK_REALTIME) }

    private static func now(_ clock: clockid_t) -> Double {
        var spec = timespec()
        clock_gettime(clock, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// SO_LINGER with a zero timeout: closing sends RST (a server dying mid-reply).
    static let abortiveClose = linger(l_onoff: 1, l_linger: 0)
}

struct PlatformError: Error {
    var message: String
}
