import Foundation
import Synchronization

/// Runs the real `cachechat` binary built next to the test bundle.
public enum CachechatProcess {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        public var seconds: Double
    }

    /// The binary in the same build folder as the running test bundle.
    public static var binary: URL {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        // On Linux the runner may be the .xctest file itself or a file inside a bundle folder.
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("cachechat")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: ".build/debug/cachechat")
    }

    /// A clean environment: a private HOME and XDG folders, no DeepSeek variables unless given.
    public static func environment(home: URL, extra: [String: String] = [:]) -> [String: String] {
        var environment: [String: String] = [
            "HOME": home.path,
            "XDG_CONFIG_HOME": home.appendingPathComponent("config").path,
            "XDG_DATA_HOME": home.appendingPathComponent("data").path,
            "XDG_STATE_HOME": home.appendingPathComponent("state").path,
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "NO_PROXY": "127.0.0.1,localhost",
        ]
        for (key, value) in extra { environment[key] = value }
        return environment
    }

    /// Runs the binary with `arguments`; through `launcher` (a program and its arguments,
    /// such as `setpriv …`) when given, which gets the binary's path and `arguments` after its own.
    public static func run(_ arguments: [String], environment: [String: String], stdin: String? = nil,
                           timeout: Double = 60, through launcher: [String] = []) throws -> Result {
        let process = Process()
        if let program = launcher.first {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = Array(launcher.dropFirst()) + [binary.path] + arguments
        } else {
            process.executableURL = binary
            process.arguments = arguments
        }
        process.environment = environment
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        let started = Date()
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        // Read both pipes concurrently so a chatty child never blocks on a full pipe.
        let stdoutData = LockedData(), stderrData = LockedData()
        let group = DispatchGroup()
        for (pipe, sink) in [(out, stdoutData), (err, stderrData)] {
            group.enter()
            DispatchQueue.global().async {
                sink.set(pipe.fileHandleForReading.readDataToEndOfFile())
                group.leave()
            }
        }
        if group.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            group.wait()
        }
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdoutData.get(), as: UTF8.self),
                      stderr: String(decoding: stderrData.get(), as: UTF8.self), seconds: Date().timeIntervalSince(started))
    }

    /// A fresh temporary directory for one test.
    public static func temporaryHome() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cachechat-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

private final class LockedData: Sendable {
    private let data = Mutex(Data())
    func set(_ value: Data) { data.withLock { $0 = value } }
    func get() -> Data { data.withLock { $0 } }
}
