import Foundation
import Testing
@testable import Config

/// A config, theme or few-shot file that cannot be read says why, and is never read when
/// it is not a regular file (a FIFO would wait for a writer, /dev/zero never end).
@Suite("files that cannot be read")
struct UnreadableFileTests {
    func problem(_ path: String) -> String? {
        do {
            _ = try TOMLFile.load(path)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func eachKindOfUnreadableFileSaysWhy() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("unreadable-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fifo = folder + "/fifo.toml"
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(problem(fifo) == "cannot be read: it is not a regular file (a FIFO, a device or a folder)")
        let zero = folder + "/zero.toml"
        try FileManager.default.createSymbolicLink(atPath: zero, withDestinationPath: "/dev/zero")
        #expect(problem(zero) == "cannot be read: it is not a regular file (a FIFO, a device or a folder)")
        let dangling = folder + "/dangling.toml"
        try FileManager.default.createSymbolicLink(atPath: dangling, withDestinationPath: folder + "/gone.toml")
        #expect(problem(dangling) == "cannot be read: it is a link to a file that does not exist")
        #expect(problem(folder + "/missing.toml") == "cannot be read: no such file or directory")
        #expect(problem(folder) == "cannot be read: it is not a regular file (a FIFO, a device or a folder)")
        let good = folder + "/good.toml"
        try "a = 1\n".write(toFile: good, atomically: true, encoding: .utf8)
        #expect(problem(good) == nil)
    }
}
