import ChatCore
import Foundation

/// What cachechat remembers between runs that is neither configuration nor history: the
/// theme, thinking mode and model last chosen in the app (each with when it was chosen),
/// and the unsent draft of each conversation.
///
/// config.toml is the user's file and is never rewritten; a choice made in the app is kept
/// here instead. At start the newer of the two wins (`newer(config:changed:remembered:)`),
/// so editing config.toml after choosing in the app takes effect, and the other way round.
public struct RememberedState: Codable, Equatable, Sendable {
    public struct Stamped<Value: Codable & Equatable & Sendable>: Codable, Equatable, Sendable {
        public var value: Value
        public var changed: Date
        public init(_ value: Value, changed: Date) {
            self.value = value
            self.changed = changed
        }
    }

    public var theme: Stamped<String>?
    public var thinking: Stamped<Bool>?
    public var model: Stamped<String>?
    /// The model ids each endpoint listed last (`GET /models`), by endpoint identity: the
    /// picker and completion have them at once, and offline.
    public var endpointModels: [String: [String]]?
    /// Unsent drafts by conversation (`RememberedState.draftKey`).
    public var drafts: [String: String] = [:]
    /// The last balance reading by endpoint and key (`balanceKey`): the panel shows it from
    /// the first frame until the reading asked for at start replaces it. (The history keeps
    /// every reading, but by host only: not whose account it was.)
    public var balances: [String: BalanceReading]?

    public init() {}

    /// The key of an account's balance: the endpoint's identity (name and base URL) and the
    /// account's tag.
    public static func balanceKey(endpointIdentity: String, account: String) -> String { endpointIdentity + "|" + account }

    /// A 64-bit FNV-1a digest of an API key, in hex: tells accounts apart in state.json
    /// without keeping the key or anything it could be recovered from (a key has far more
    /// than 64 bits of randomness); "" for no key.
    public static func accountTag(ofKey key: String) -> String {
        guard !key.isEmpty else { return "" }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return "key-" + String(hash, radix: 16)
    }

    /// The key of a conversation's draft; a conversation not yet saved has "new".
    public static func draftKey(_ id: ConversationID?) -> String { id.map { String($0.rawValue) } ?? "new" }

    /// The value to start with: the config file's when it was changed after the app's
    /// choice (or there is no choice), else the remembered one.
    public static func newer<Value>(config: Value?, changed: Date?, remembered: Stamped<Value>?) -> Value? {
        guard let remembered else { return config }
        guard let config, let changed else { return remembered.value }
        return changed > remembered.changed ? config : remembered.value
    }
}

/// Where `RememberedState` lives: a file, or memory for tests.
public protocol RememberedStateStore: AnyObject {
    /// The state, and a problem to show when the file could not be read (it is then
    /// left alone and an empty state is used).
    func load() -> (state: RememberedState, problem: String?)
    /// Writes the state; returns a problem to show when it could not be written.
    func save(_ state: RememberedState) -> String?
}

public final class InMemoryRememberedStateStore: RememberedStateStore {
    public var state: RememberedState
    public private(set) var saves = 0
    public init(_ state: RememberedState = RememberedState()) { self.state = state }
    public func load() -> (state: RememberedState, problem: String?) { (state, nil) }
    public func save(_ state: RememberedState) -> String? {
        self.state = state
        saves += 1
        return nil
    }
}

/// `$XDG_STATE_HOME/cachechat/state.json` (default `~/.local/state`), written atomically
/// with mode 0600 (drafts are private).
public final class FileRememberedStateStore: RememberedStateStore {
    public let path: String

    public init(path: String) { self.path = path }

    /// ISO 8601 as `.iso8601` writes and reads it ("2026-12-05T12:55:11Z"), by `UTCDay`:
    /// Foundation's formatter starts ICU, which the TUI otherwise no longer needs at start
    /// (DECISIONS 85). Other ISO forms a hand may have written are read by Foundation.
    static let dateEncoding = JSONEncoder.DateEncodingStrategy.custom { date, encoder in
        var container = encoder.singleValueContainer()
        try container.encode(UTCDay.iso8601(date))
    }

    static let dateDecoding = JSONDecoder.DateDecodingStrategy.custom { decoder in
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        if let date = UTCDay.parseISO8601(text) ?? ISO8601DateFormatter().date(from: text) { return date }
        throw DecodingError.dataCorruptedError(in: container, debugDescription: "Expected an ISO 8601 date, not “\(text)”.")
    }

    public convenience init(environment: [String: String]) {
        let base: String
        if let value = environment["XDG_STATE_HOME"], value.hasPrefix("/") {
            base = value
        } else {
            base = (environment["HOME"] ?? NSHomeDirectory()) + "/.local/state"
        }
        self.init(path: base + "/cachechat/state.json")
    }

    public func load() -> (state: RememberedState, problem: String?) {
        guard let data = FileManager.default.contents(atPath: path) else { return (RememberedState(), nil) }
        if let state = RememberedStateReader.decode(data) { return (state, nil) }
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = Self.dateDecoding
            return (try decoder.decode(RememberedState.self, from: data), nil)
        } catch {
            return (RememberedState(), "\(path) could not be read (\(error)); drafts and choices from earlier runs are not restored. It is replaced when cachechat next saves.")
        }
    }

    public func save(_ state: RememberedState) -> String? {
        do {
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = Self.dateEncoding
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let data = try encoder.encode(state)
            let directory = (path as NSString).deletingLastPathComponent
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
            return nil
        } catch {
            return "Could not save drafts and choices to \(path): \(error)"
        }
    }
}
