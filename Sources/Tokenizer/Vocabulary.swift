import Foundation

/// A DeepSeek vocabulary and its lookup tables, in one flat image laid out as it is used
/// (`VocabularyTables`). Immutable after init; the raw pointers make it `@unchecked`
/// Sendable, and the image is unmapped or freed when the last tokenizer using it goes away.
///
/// The tables file must not be changed in place while a process uses it (like the binary
/// itself): the mapping shows the new bytes, which were never checked, and a truncated file
/// raises SIGBUS. Installs replace it (a new file renamed over the old one), as SwiftPM's
/// resource copy does.
///
/// Two sources:
/// - a tables file (`DSVOCAB2`, shipped as the bundled resource): memory-mapped and used in
///   place. Opening it reads the header and checks the arrays that index others (token
///   offsets, merged ids, byte and added ids) — about 0.1 ms — so no copy, no hash table
///   build and no heap: pages the screen never needs are never read;
/// - a source file (`DSVOCAB1`, written by scripts/make_vocab.py from tokenizer.json): the
///   image is built in memory (a few milliseconds). `tablesImage(fromSourceAt:)` writes
///   that image, which is how the shipped tables file is made (and a test checks it still
///   matches its source).
final class Vocabulary: @unchecked Sendable {
    enum Flag {
        static let model: UInt8 = 1
        static let added: UInt8 = 2
        static let special: UInt8 = 4
        static let normalized: UInt8 = 8
        static let wholePiece: UInt8 = 16
    }

    let totalCount: Int
    /// `tokenOffsets[id]..<tokenOffsets[id + 1]` are the id's bytes in `tokenBytes`.
    let tokenOffsets: UnsafePointer<UInt32>
    let tokenBytes: UnsafePointer<UInt8>
    let flags: UnsafePointer<UInt8>
    /// Token id of each single byte, the starting symbols of BPE.
    let byteTokens: UnsafePointer<UInt32>
    let pieces: PieceTable
    let merges: MergeTable
    /// The added tokens, found in text and looked up by their bytes (no dictionary of them:
    /// hashing 1,283 non-ASCII strings was a third of the tokenizer's start).
    let addedTokens: AddedTokenMatcher
    /// Whether the image is a mapped file (unmapped at deinit) or built here (freed).
    let isMapped: Bool
    private let image: UnsafeRawBufferPointer

    /// Opens a tables file in place or builds the tables from a source file, by its magic.
    convenience init(contentsOf url: URL) throws {
        let path = url.path
        let file = try MappedFile(path: path)
        if file.bytes.count >= 8, file.bytes.prefix(8).elementsEqual(VocabularyTables.magic.utf8) {
            let layout: VocabularyTables
            do {
                layout = try VocabularyTables.validated(file.bytes)
            } catch let reason as VocabularyTables.Malformed {
                file.unmap()
                throw TokenizerError.malformedVocabulary(path: path, reason: reason.text)
            }
            self.init(image: file.bytes, layout: layout, mapped: true)
        } else {
            defer { file.unmap() }
            guard file.bytes.count >= 8, file.bytes.prefix(8).elementsEqual("DSVOCAB1".utf8) else {
                throw TokenizerError.malformedVocabulary(
                    path: path, reason: "neither a DSVOCAB1 source file nor a \(VocabularyTables.magic) tables file")
            }
            let built: UnsafeMutableRawBufferPointer
            do {
                built = try VocabularyTables.build(fromSource: file.bytes)
            } catch let reason as VocabularyTables.Malformed {
                throw TokenizerError.malformedVocabulary(path: path, reason: reason.text)
            }
            let layout = try! VocabularyTables.validated(UnsafeRawBufferPointer(built))
            self.init(image: UnsafeRawBufferPointer(built), layout: layout, mapped: false)
        }
    }

    /// The tables image for the source file at `url`: what the shipped tables file holds.
    static func tablesImage(fromSourceAt url: URL) throws -> [UInt8] {
        let file = try MappedFile(path: url.path)
        defer { file.unmap() }
        do {
            let built = try VocabularyTables.build(fromSource: file.bytes)
            defer { built.deallocate() }
            return Array(built)
        } catch let reason as VocabularyTables.Malformed {
            throw TokenizerError.malformedVocabulary(path: url.path, reason: reason.text)
        }
    }

    private init(image: UnsafeRawBufferPointer, layout: VocabularyTables, mapped: Bool) {
        self.image = image
        isMapped = mapped
        let base = image.baseAddress!
        let total = layout.total
        totalCount = total
        tokenOffsets = (base + layout.tokenOffsetsAt).assumingMemoryBound(to: UInt32.self)
        flags = (base + layout.flagsAt).assumingMemoryBound(to: UInt8.self)
        tokenBytes = (base + layout.tokenBytesAt).assumingMemoryBound(to: UInt8.self)
        byteTokens = (base + layout.byteTokensAt).assumingMemoryBound(to: UInt32.self)
        pieces = PieceTable(slots: (base + layout.pieceSlotsAt).assumingMemoryBound(to: UInt32.self),
                            capacity: layout.pieceCapacity, idLimit: total, tokenBytes: tokenBytes,
                            tokenOffsets: tokenOffsets)
        merges = MergeTable(slots: (base + layout.mergeSlotsAt).assumingMemoryBound(to: UInt64.self),
                            capacity: layout.mergeCapacity,
                            mergedIDs: (base + layout.mergedIDsAt).assumingMemoryBound(to: UInt32.self),
                            count: layout.mergeCount)

        let addedIDs = (base + layout.addedIDsAt).assumingMemoryBound(to: UInt32.self)
        var literal: [(bytes: [UInt8], id: Int)] = []
        var normalized: [(bytes: [UInt8], id: Int)] = []
        literal.reserveCapacity(layout.addedCount)
        for index in 0..<layout.addedCount {
            let id = Int(addedIDs[index])
            let start = Int(tokenOffsets[id]), end = Int(tokenOffsets[id + 1])
            let bytes = Array(UnsafeBufferPointer(start: tokenBytes + start, count: end - start))
            if flags[id] & Flag.normalized != 0 { normalized.append((bytes, id)) } else { literal.append((bytes, id)) }
        }
        addedTokens = AddedTokenMatcher(firstPass: literal, secondPass: normalized)
    }

    deinit {
        if isMapped {
            munmap(UnsafeMutableRawPointer(mutating: image.baseAddress), image.count)
        } else {
            image.deallocate()
        }
    }

    @inline(__always)
    func bytes(of id: Int) -> UnsafeBufferPointer<UInt8> {
        let start = Int(tokenOffsets[id])
        return UnsafeBufferPointer(start: tokenBytes + start, count: Int(tokenOffsets[id + 1]) - start)
    }
}

/// A file mapped read-only and private; `unmap()` when it is no longer used (unless a
/// `Vocabulary` took it over).
struct MappedFile {
    let bytes: UnsafeRawBufferPointer

    init(path: String) throws {
        // Non-blocking, so that a FIFO is refused below instead of waiting for a writer.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { throw Self.failure(path, errno) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw Self.failure(path, errno) }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw TokenizerError.unreadableVocabulary(path: path, reason: "not a regular file")
        }
        let size = Int(status.st_size)
        guard size > 0 else { throw TokenizerError.malformedVocabulary(path: path, reason: "the file is empty") }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else {
            throw Self.failure(path, errno)
        }
        bytes = UnsafeRawBufferPointer(start: address, count: size)
    }

    func unmap() { munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count) }

    private static func failure(_ path: String, _ code: Int32) -> TokenizerError {
        .unreadableVocabulary(path: path, reason: String(cString: strerror(code)))
    }
}
