import Foundation

/// The loaded contents of a `.vocab` file (format: scripts/make_vocab.py) plus the lookup
/// tables built from it. Immutable after init; the raw pointers make it `@unchecked`
/// Sendable, and they are freed when the last tokenizer using them goes away.
///
/// Start-up cost: one file read (~2.7 MB), a prefix sum over the lengths, and two hash
/// table builds of ~128k entries each, a few milliseconds in a release build. No JSON.
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
    let tokenOffsets: UnsafeMutablePointer<UInt32>
    let tokenBytes: UnsafeMutablePointer<UInt8>
    let flags: UnsafeMutablePointer<UInt8>
    /// Token id of each single byte, the starting symbols of BPE.
    let byteTokens: UnsafeMutablePointer<UInt32>
    let pieces: PieceTable
    let merges: MergeTable
    let addedTokens: AddedTokenMatcher
    let addedTokenIDs: [String: Int]

    init(contentsOf url: URL) throws {
        let path = url.path
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw TokenizerError.unreadableVocabulary(path: path, reason: error.localizedDescription)
        }
        func malformed(_ reason: String) -> TokenizerError { .malformedVocabulary(path: path, reason: reason) }

        let headerSize = 8 + 6 * 4
        guard data.count >= headerSize, data.prefix(8).elementsEqual("DSVOCAB1".utf8) else {
            throw malformed("missing DSVOCAB1 header")
        }
        let header: [Int] = data.withUnsafeBytes { raw in
            (0..<6).map { Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 8 + $0 * 4, as: UInt32.self))) }
        }
        let (total, mergeCount, addedCount, blobCount) = (header[1], header[2], header[3], header[4])
        let expected = headerSize + 2 * total + 12 * mergeCount + 4 * addedCount + blobCount
        guard total > 256, data.count == expected else {
            throw malformed("size \(data.count) bytes, header implies \(expected)")
        }

        let tokenOffsets = UnsafeMutablePointer<UInt32>.allocate(capacity: total + 1)
        let tokenBytes = UnsafeMutablePointer<UInt8>.allocate(capacity: blobCount)
        let flags = UnsafeMutablePointer<UInt8>.allocate(capacity: total)
        let byteTokens = UnsafeMutablePointer<UInt32>.allocate(capacity: 256)
        totalCount = total
        self.tokenOffsets = tokenOffsets
        self.tokenBytes = tokenBytes
        self.flags = flags
        self.byteTokens = byteTokens
        var mergeRows = [UInt32](repeating: 0, count: mergeCount * 3)
        var addedIDs = [Int](repeating: 0, count: addedCount)
        let ok: Bool = data.withUnsafeBytes { raw in
            var cursor = headerSize
            var offset: UInt32 = 0
            for id in 0..<total {
                tokenOffsets[id] = offset
                offset += UInt32(raw[cursor + id])
            }
            tokenOffsets[total] = offset
            cursor += total
            flags.initialize(from: raw.baseAddress!.assumingMemoryBound(to: UInt8.self) + cursor, count: total)
            cursor += total
            for index in 0..<(mergeCount * 3) {
                mergeRows[index] = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: cursor + index * 4, as: UInt32.self))
            }
            cursor += 12 * mergeCount
            for index in 0..<addedCount {
                addedIDs[index] = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: cursor + index * 4, as: UInt32.self)))
            }
            cursor += 4 * addedCount
            tokenBytes.initialize(from: raw.baseAddress!.assumingMemoryBound(to: UInt8.self) + cursor, count: blobCount)
            return Int(offset) == blobCount
        }
        guard ok, mergeRows.allSatisfy({ Int($0) < total }), addedIDs.allSatisfy({ $0 < total }) else {
            throw malformed("inconsistent lengths or ids")
        }

        let wholePieceIDs = (0..<total).filter { flags[$0] & Flag.wholePiece != 0 }
        let pieces = PieceTable(ids: wholePieceIDs, count: wholePieceIDs.count,
                            tokenBytes: tokenBytes, tokenOffsets: tokenOffsets)
        for byte in 0..<256 {
            var value = UInt8(byte)
            let id = pieces.lookup(&value, 1)
            guard id >= 0 else { throw malformed("no token for byte \(byte)") }
            byteTokens[byte] = UInt32(id)
        }
        self.pieces = pieces
        merges = mergeRows.withUnsafeBufferPointer { MergeTable(merges: $0) }

        var contents: [String: Int] = [:]
        var literal: [(bytes: [UInt8], id: Int)] = []
        var normalized: [(bytes: [UInt8], id: Int)] = []
        for id in addedIDs {
            let bytes = Array(UnsafeBufferPointer(start: tokenBytes + Int(tokenOffsets[id]),
                                                  count: Int(tokenOffsets[id + 1] - tokenOffsets[id])))
            contents[String(decoding: bytes, as: UTF8.self)] = id
            if flags[id] & Flag.normalized != 0 { normalized.append((bytes, id)) } else { literal.append((bytes, id)) }
        }
        addedTokenIDs = contents
        addedTokens = AddedTokenMatcher(firstPass: literal, secondPass: normalized)
    }

    deinit {
        tokenOffsets.deallocate()
        tokenBytes.deallocate()
        flags.deallocate()
        byteTokens.deallocate()
        pieces.deallocate()
        merges.deallocate()
    }

    @inline(__always)
    func bytes(of id: Int) -> UnsafeBufferPointer<UInt8> {
        let start = Int(tokenOffsets[id])
        return UnsafeBufferPointer(start: tokenBytes + start, count: Int(tokenOffsets[id + 1]) - start)
    }
}
