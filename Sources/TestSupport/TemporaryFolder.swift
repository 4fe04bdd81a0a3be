import Foundation

/// A folder under the system temp dir, removed when the test is done with it.
public final class TemporaryFolder {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("cachechat-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    public var databasePath: String { url.appendingPathComponent("cachechat/history.sqlite").path }
}

