import CSQLiteShim
import Foundation

/// A problem with the history database, phrased so a person knows what to do next.
///
/// Every message names the file. SQLite's own text is kept in `detail` for logs; it never
/// contains message contents or keys (the store is never given a key).
public struct StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        case cannotOpen, damaged, busy, readOnly, diskFull, newerSchema
        case notFound, invalidState, other
    }

    public var kind: Kind
    public var path: String
    public var message: String
    public var detail: String?

    public init(_ kind: Kind, path: String, message: String, detail: String? = nil) {
        self.kind = kind
        self.path = path
        self.message = message
        self.detail = detail
    }

    public var description: String { message }

    static func notFound(_ what: String, path: String) -> StoreError {
        StoreError(.notFound, path: path, message: "There is no \(what) in \(path).")
    }

    static func newerSchema(path: String) -> StoreError {
        StoreError(.newerSchema, path: path, message: """
            The history database \(path) was written by a newer cachechat. Upgrade cachechat, \
            or set XDG_DATA_HOME to another folder to start a separate history.
            """)
    }

    static func readOnlyNeedsUpgrade(path: String) -> StoreError {
        StoreError(.readOnly, path: path, message: """
            The history database \(path) cannot be written, and this cachechat needs to upgrade it \
            before reading. Make it writable (chmod u+w \(path)) and run cachechat once.
            """)
    }

    /// Maps an SQLite or file-system failure to an actionable message about `path`.
    static func wrapping(_ error: any Error, path: String, busyTimeout: TimeInterval) -> StoreError {
        if let error = error as? StoreError { return error }
        guard let db = error as? SQLiteError else {
            return StoreError(.other, path: path, message: "Cannot use the history database \(path): \(error).")
        }
        let detail = db.message ?? "SQLite error \(db.extendedCode)"
        let folder = (path as NSString).deletingLastPathComponent
        switch db.code {
        case SQLITE_CANTOPEN, SQLITE_PERM, SQLITE_AUTH:
            return StoreError(.cannotOpen, path: path, message: """
                Cannot open the history database \(path) (\(detail)). Check that \(folder) exists \
                and that you can write to it and to the file (ls -l \(path)), or set XDG_DATA_HOME \
                to a writable folder.
                """, detail: detail)
        case SQLITE_NOTADB, SQLITE_CORRUPT:
            return StoreError(.damaged, path: path, message: """
                The history database \(path) is damaged or is not a cachechat database (\(detail)). \
                Move it aside (mv \(path) \(path).broken) and cachechat will start a new, empty history.
                """, detail: detail)
        case SQLITE_BUSY, SQLITE_LOCKED:
            return StoreError(.busy, path: path, message: """
                The history database \(path) stayed locked by another process for more than \
                \(String(format: "%g", busyTimeout)) seconds. Close other cachechat sessions using it \
                (fuser \(path)) and try again.
                """, detail: detail)
        case SQLITE_READONLY:
            return StoreError(.readOnly, path: path, message: """
                The history database \(path) is read-only (\(detail)). Make it and its folder \
                writable (chmod u+w \(path) \(folder)).
                """, detail: detail)
        case SQLITE_FULL:
            return StoreError(.diskFull, path: path, message: """
                The disk holding \(path) is full. Free some space and try again; nothing already \
                saved was lost.
                """, detail: detail)
        default:
            return StoreError(.other, path: path, message: """
                The history database \(path) failed: \(detail).
                """, detail: detail)
        }
    }
}
