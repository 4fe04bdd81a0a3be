import Foundation

/// Runs a user-configured command (such as `api_key_command`) through `/bin/sh -c`.
public enum ShellCommand {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The first line of the command's standard output. Its standard error goes to
    /// ours, so a password manager can still prompt.
    public static func firstLine(_ command: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let output = Pipe()
        process.standardOutput = output
        do {
            try process.run()
        } catch {
            throw Failure(description: "could not start /bin/sh: \(error.localizedDescription)")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "it exited with status \(process.terminationStatus)")
        }
        let text = String(decoding: data, as: UTF8.self)
        return text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
    }
}
