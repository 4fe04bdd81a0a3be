import Foundation
import Testing

/// Golden-file snapshot assertions for text (screens, rendered Markdown, key traces).
///
/// Golden files live next to the test file in `__Snapshots__/<TestName>/<case>.txt`.
/// A missing golden is written and the test fails once ("recorded, check it and re-run");
/// `RECORD_SNAPSHOTS=1` rewrites all goldens the run touches without failing. On a
/// mismatch the failure shows a line diff (`-` golden, `+` actual).
public enum Snapshot {
    /// Whether this run re-records goldens (`RECORD_SNAPSHOTS=1`).
    public static var isRecording: Bool {
        let value = ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] ?? ""
        return value == "1" || value.lowercased() == "true"
    }

    /// Compares `actual` with the golden file `<case>.txt` of the calling test.
    /// - Parameters:
    ///   - name: the case name (file name without `.txt`).
    ///   - testName: defaults to the calling function's name without its argument list.
    public static func assertMatches(
        _ actual: String, named name: String, testName: String = #function, filePath: String = #filePath,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let url = goldenURL(named: name, testName: testName, filePath: filePath)
        let normalized = actual.hasSuffix("\n") ? actual : actual + "\n"
        let existing = try? String(contentsOf: url, encoding: .utf8)
        if isRecording || existing == nil {
            do {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try normalized.write(to: url, atomically: true, encoding: .utf8)
            } catch {
                Issue.record("Could not write snapshot \(url.path): \(error)", sourceLocation: sourceLocation)
                return
            }
            if existing == nil && !isRecording {
                Issue.record("No golden file yet; recorded \(url.path). Check it and re-run.", sourceLocation: sourceLocation)
            }
            return
        }
        guard let existing, existing != normalized else { return }
        let diff = SnapshotDiff.lineDiff(expected: existing, actual: normalized)
        Issue.record("""
            Snapshot \(testFolder(testName))/\(name) does not match (re-record with RECORD_SNAPSHOTS=1):
            \(diff)
            """, sourceLocation: sourceLocation)
    }

    /// The golden file's location.
    public static func goldenURL(named name: String, testName: String, filePath: String) -> URL {
        URL(fileURLWithPath: filePath).deletingLastPathComponent()
            .appendingPathComponent("__Snapshots__")
            .appendingPathComponent(testFolder(testName))
            .appendingPathComponent(name + ".txt")
    }

    /// "screenAt80x24()" → "screenAt80x24"; "resize(to:)" → "resize".
    static func testFolder(_ testName: String) -> String {
        String(testName.prefix { $0 != "(" })
    }
}
