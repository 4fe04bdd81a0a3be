import ChatCore
import Foundation

/// Keeps a ``PrefixCache`` on disk as an append-only journal of fixed-size records, so
/// the cache survives a restart. Each request appends its mutations in one `write`; on
/// open the journal is replayed and, when mostly stale, rewritten from a snapshot
/// (to a temporary file, then renamed, so a crash never leaves half a journal).
public final class CacheJournal {
    public let path: String
    private var handle: FileHandle?
    /// The file's size as this journal last wrote it.
    public private(set) var size = 0
    private static let recordSize = 41
    private static let magic = Array("CCEMUJ1\n".utf8)

    public init(path: String) {
        self.path = path
    }

    deinit { try? handle?.close() }

    /// Replays the journal into `cache` (creating the file when missing), then compacts it.
    public func open(into cache: inout PrefixCache, now: Double) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var records = 0
        if let data = FileManager.default.contents(atPath: path), data.count >= Self.magic.count,
           Array(data.prefix(Self.magic.count)) == Self.magic {
            var offset = Self.magic.count
            data.withUnsafeBytes { raw in
                while offset + Self.recordSize <= raw.count {
                    if let mutation = Self.decode(raw, at: offset) { cache.apply(mutation) }
                    offset += Self.recordSize
                    records += 1
                }
            }
        }
        cache.sweep(now: now)
        if records == 0 || records > 2 * max(cache.entryCount, 1) + 1024 {
            try rewrite(cache.snapshot())
        }
        try reopen()
    }

    /// Whether the file is open now (see `close`).
    public var isOpen: Bool { handle != nil }

    /// Releases the file descriptor; the next `append` opens the file again.
    public func close() {
        try? handle?.close()
        handle = nil
    }

    private func reopen() throws {
        handle = FileHandle(forWritingAtPath: path)
        size = Int(try handle?.seekToEnd() ?? 0)
    }

    /// Appends `mutations`; returns the bytes written.
    @discardableResult
    public func append(_ mutations: [CacheMutation]) -> Int {
        guard !mutations.isEmpty else { return 0 }
        if handle == nil { try? reopen() }
        guard let handle else { return 0 }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(mutations.count * Self.recordSize)
        for mutation in mutations { Self.encode(mutation, into: &bytes) }
        guard (try? handle.write(contentsOf: bytes)) != nil else { return 0 }
        size += bytes.count
        return bytes.count
    }

    private func rewrite(_ mutations: [CacheMutation]) throws {
        var bytes = Self.magic
        for mutation in mutations { Self.encode(mutation, into: &bytes) }
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes)) else {
            throw EmulatorFailure("cannot write the cache journal \(temporary)")
        }
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
    }

    static func encode(_ mutation: CacheMutation, into bytes: inout [UInt8]) {
        switch mutation {
        case .unit(let hash, let entry):
            bytes.append(1)
            append(hash.high, &bytes); append(hash.low, &bytes)
            append(UInt64(bitPattern: Int64(entry.length)), &bytes)
            append(entry.readyAt.bitPattern, &bytes); append(entry.lastUsed.bitPattern, &bytes)
        case .block(let hash, let lastSeen):
            bytes.append(2)
            append(hash.high, &bytes); append(hash.low, &bytes)
            append(0, &bytes); append(0, &bytes); append(lastSeen.bitPattern, &bytes)
        }
    }

    static func decode(_ raw: UnsafeRawBufferPointer, at offset: Int) -> CacheMutation? {
        func word(_ index: Int) -> UInt64 {
            var value: UInt64 = 0
            for byte in 0..<8 { value |= UInt64(raw[offset + 1 + index * 8 + byte]) << (8 * UInt64(byte)) }
            return value
        }
        let hash = PrefixHash(high: word(0), low: word(1))
        switch raw[offset] {
        case 1:
            let entry = CacheEntry(length: Int(Int64(bitPattern: word(2))), readyAt: Double(bitPattern: word(3)),
                                   lastUsed: Double(bitPattern: word(4)))
            return .unit(hash, entry)
        case 2:
            return .block(hash, lastSeen: Double(bitPattern: word(4)))
        default:
            return nil
        }
    }

    private static func append(_ value: UInt64, _ bytes: inout [UInt8]) {
        for byte in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(byte)))) }
    }
}

public struct EmulatorFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
