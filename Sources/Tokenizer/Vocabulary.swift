import Foundation

/// The loaded contents of a `.vocab` file (format: scripts/make_vocab.py) plus the lookup
/// tables built from it. Immutable after init; the raw pointers make it `@unchecked`
/// Sendable, and they are freed when the last tokenizer using them goes away.
///
/// Start-up cost: one file read (~2.7 MB), a prefix sum over the lengths, and two hash
/// table builds of ~128k entries each (1 MB and 2 MB), a few milliseconds in a release
/// build. No JSON.
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
        guard total < 1 << MergeTable.idBits, mergeCount < 1 << MergeTable.idBits else {
            throw malformed("\(total) ids and \(mergeCount) merges exceed the 17-bit tables")
        }

        // Validate everything before allocating, so a bad file throws without leaking.
        var mergeRows = [UInt32](repeating: 0, count: mergeCount * 3)
        var addedIDs = [Int](repeating: 0, count: addedCount)
        var byteTokenIDs = [UInt32](repeating: UInt32.max, count: 256)
        let lengthsAt = headerSize, flagsAt = lengthsAt + total, mergesAt = flagsAt + total
        let addedAt = mergesAt + 12 * mergeCount, blobAt = addedAt + 4 * addedCount
        let blobLength: Int = data.withUnsafeBytes { raw in
            var offset = 0
            for id in 0..<total {
                let length = Int(raw[lengthsAt + id])
                if length == 1 && raw[flagsAt + id] & Flag.wholePiece != 0 && offset < blobCount {
                    byteTokenIDs[Int(raw[blobAt + offset])] = UInt32(id)
                }
                offset += length
            }
            mergeRows.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[mergesAt..<addedAt])) }
            #if _endian(big)
            for index in mergeRows.indices { mergeRows[index] = UInt32(littleEndian: mergeRows[index]) }
            #endif
            for index in 0..<addedCount {
                addedIDs[index] = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: addedAt + index * 4, as: UInt32.self)))
            }
            return offset
        }
        guard blobLength == blobCount, mergeRows.allSatisfy({ Int($0) < total }), addedIDs.allSatisfy({ $0 < total }) else {
            throw malformed("inconsistent lengths or ids")
        }
        if let missing = byteTokenIDs.firstIndex(of: UInt32.max) { throw malformed("no token for byte \(missing)") }

        let tokenOffsets = UnsafeMutablePointer<UInt32>.allocate(capacity: total + 1)
        let tokenBytes = UnsafeMutablePointer<UInt8>.allocate(capacity: max(blobCount, 1))
        let flags = UnsafeMutablePointer<UInt8>.allocate(capacity: total)
        let byteTokens = UnsafeMutablePointer<UInt32>.allocate(capacity: 256)
        data.withUnsafeBytes { raw in
            var offset: UInt32 = 0
            for id in 0..<total {
                tokenOffsets[id] = offset
                offset += UInt32(raw[lengthsAt + id])
            }
            tokenOffsets[total] = offset
            let bytes = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            flags.initialize(from: bytes + flagsAt, count: total)
            tokenBytes.initialize(from: bytes + blobAt, count: blobCount)
        }
        byteTokens.initialize(from: byteTokenIDs, count: 256)
        totalCount = total
        self.tokenOffsets = tokenOffsets
        self.tokenBytes = tokenBytes
        self.flags = flags
        self.byteTokens = byteTokens

        var wholePieceIDs: [Int] = []
        wholePieceIDs.reserveCapacity(total)
        for id in 0..<total where flags[id] & Flag.wholePiece != 0 { wholePieceIDs.append(id) }
        pieces = PieceTable(ids: wholePieceIDs, count: wholePieceIDs.count, tokenBytes: tokenBytes, tokenOffsets: tokenOffsets)
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
