import Foundation
import Synchronization

/// `cachechat serve` as a child process: the real binary's emulator on a free loopback
/// port, with fault plans given at start (`--fault`) or switched while it runs through a
/// fault file (`--fault-file`, reread before every request).
public final class EmulatorProcess: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    public let pid: pid_t
    public let baseURL: String
    public let port: Int
    /// The file of plans (one per line) the server rereads; `setFaults` writes it.
    public let faultFile: URL
    private let directory: URL
    private let stopped = Mutex(false)

    /// Starts `cachechat serve --port PORT --memory` (or `--data-dir DIR`) plus `arguments`
    /// (e.g. `--reply-tokens 24`) and waits for the URL on its first line of output.
    public init(faults: [String] = [], arguments: [String] = [], port: Int = 0, dataDirectory: URL? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("cachechat-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        faultFile = directory.appendingPathComponent("faults")
        try Data().write(to: faultFile)
        let serveArguments = ["serve", "--port", String(port), "--fault-file", faultFile.path]
            + (dataDirectory.map { ["--data-dir", $0.path] } ?? ["--memory"])
            + faults.flatMap { ["--fault", $0] } + arguments
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw Failure(description: "pipe failed") }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        do {
            pid = try Spawn.start(CachechatProcess.binary.path, serveArguments,
                                  environment: CachechatProcess.environment(home: directory), stdout: fds[1])
        } catch {
            close(fds[0])
            close(fds[1])
            throw error
        }
        close(fds[1])
        // The first line names the URL; read byte by byte so nothing after it is lost.
        let reader = FileHandle(fileDescriptor: fds[0], closeOnDealloc: true)
        var line = Data()
        while true {
            let byte = reader.readData(ofLength: 1)
            if byte.isEmpty || byte == Data([0x0A]) { break }
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let range = text.range(of: #"http://[0-9.]+:[0-9]+"#, options: .regularExpression) else {
            kill(pid, SIGKILL)
            Spawn.wait(pid)
            throw Failure(description: "cachechat serve did not print its URL: \(text)")
        }
        baseURL = String(text[range])
        self.port = Int(baseURL.split(separator: ":").last!)!
        // Keep draining stdout so the server never blocks on a full pipe.
        Thread.detachNewThread { _ = reader.readDataToEndOfFile() }
    }

    deinit { stop() }

    /// Replaces the fault plans; the next request sees them (counting `every`/`times` anew).
    public func setFaults(_ plans: [String]) throws {
        try Data((plans.joined(separator: "\n") + "\n").utf8).write(to: faultFile, options: .atomic)
    }

    /// SIGTERM, then waits for the process to exit (SIGKILL after 10 s).
    public func stop() {
        let first = stopped.withLock { stopped -> Bool in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        kill(pid, SIGTERM)
        Spawn.wait(pid, timeout: 10)
        try? FileManager.default.removeItem(at: directory)
    }
}
