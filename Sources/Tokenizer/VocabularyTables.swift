/// The layout of a vocabulary's tables image (`DSVOCAB2`), the one form a `Vocabulary` is
/// used in: built in memory from a source file, or mapped from the shipped tables file.
///
///     magic        8 bytes  "DSVOCAB2"
///     counts       6 × u32 LE: ids, merges, added tokens, token bytes, piece-table slots,
///                  merge-table slots (both powers of two); zero up to byte 64
///     tokenOffsets (ids + 1) × u32   id's bytes are tokenBytes[off[id]..<off[id+1]]
///     flags        ids × u8           Vocabulary.Flag bits
///     tokenBytes   the bytes of every id, concatenated
///     byteTokens   256 × u32          the id of each single byte
///     addedIDs     added × u32        added tokens, in tokenizer.json order
///     mergedIDs    merges × u32       the id each merge produces, by rank
///     pieceSlots   slots × u32        PieceTable
///     mergeSlots   slots × u64        MergeTable
///
/// Each array starts on a 64-byte boundary; padding is zero, so the same source always
/// gives the same bytes. Little-endian only, like the machines it runs on.
struct VocabularyTables {
    static let magic = "DSVOCAB2"
    static let headerSize = 64

    struct Malformed: Error { let text: String }

    let total, mergeCount, addedCount, blobCount, pieceCapacity, mergeCapacity: Int
    let tokenOffsetsAt, flagsAt, tokenBytesAt, byteTokensAt, addedIDsAt, mergedIDsAt, pieceSlotsAt, mergeSlotsAt: Int
    let size: Int

    init(total: Int, mergeCount: Int, addedCount: Int, blobCount: Int, pieceCapacity: Int, mergeCapacity: Int) {
        (self.total, self.mergeCount, self.addedCount, self.blobCount) = (total, mergeCount, addedCount, blobCount)
        (self.pieceCapacity, self.mergeCapacity) = (pieceCapacity, mergeCapacity)
        var at = Self.headerSize
        func place(_ bytes: Int) -> Int {
            let start = at
            at = (at + bytes + 63) & ~63
            return start
        }
        tokenOffsetsAt = place(4 * (total + 1))
        flagsAt = place(total)
        tokenBytesAt = place(blobCount)
        byteTokensAt = place(4 * 256)
        addedIDsAt = place(4 * addedCount)
        mergedIDsAt = place(4 * mergeCount)
        pieceSlotsAt = place(4 * pieceCapacity)
        mergeSlotsAt = place(8 * mergeCapacity)
        size = at
    }

    /// The layout a tables image declares, after checking it against the image: sizes,
    /// then every array whose values index another one (so no lookup can leave the image).
    static func validated(_ image: UnsafeRawBufferPointer) throws -> VocabularyTables {
        guard image.count >= headerSize, image.prefix(8).elementsEqual(magic.utf8) else {
            throw Malformed(text: "missing \(magic) header")
        }
        let counts = (0..<6).map { Int(UInt32(littleEndian: image.loadUnaligned(fromByteOffset: 8 + 4 * $0, as: UInt32.self))) }
        let layout = VocabularyTables(total: counts[0], mergeCount: counts[1], addedCount: counts[2], blobCount: counts[3],
                                      pieceCapacity: counts[4], mergeCapacity: counts[5])
        guard layout.total > 256, layout.total < 1 << MergeTable.idBits, layout.mergeCount < 1 << MergeTable.idBits,
              layout.pieceCapacity.nonzeroBitCount == 1, layout.pieceCapacity >= 16,
              layout.mergeCapacity.nonzeroBitCount == 1, layout.mergeCapacity >= 2 * layout.mergeCount,
              layout.mergeCapacity >= 16 else {
            throw Malformed(text: "impossible counts \(counts)")
        }
        guard image.count == layout.size else {
            throw Malformed(text: "size \(image.count) bytes, header implies \(layout.size)")
        }
        let base = image.baseAddress!
        let offsets = (base + layout.tokenOffsetsAt).assumingMemoryBound(to: UInt32.self)
        guard offsets[0] == 0, Int(offsets[layout.total]) == layout.blobCount else {
            throw Malformed(text: "token offsets do not span the token bytes")
        }
        for id in 0..<layout.total where offsets[id] > offsets[id + 1] {
            throw Malformed(text: "token offsets decrease at id \(id)")
        }
        func allBelow(_ at: Int, _ count: Int, _ limit: Int) -> Bool {
            let values = (base + at).assumingMemoryBound(to: UInt32.self)
            for index in 0..<count where Int(values[index]) >= limit { return false }
            return true
        }
        guard allBelow(layout.byteTokensAt, 256, layout.total), allBelow(layout.addedIDsAt, layout.addedCount, layout.total),
              allBelow(layout.mergedIDsAt, layout.mergeCount, layout.total) else {
            throw Malformed(text: "ids past the vocabulary")
        }
        let added = (base + layout.addedIDsAt).assumingMemoryBound(to: UInt32.self)
        try checkAddedTokens((0..<layout.addedCount).map { Int(added[$0]) }) { Int(offsets[$0 + 1]) - Int(offsets[$0]) }
        return layout
    }

    /// Added tokens are distinct and not empty (the matcher would loop on an empty one and
    /// index past the end with a repeated one).
    static func checkAddedTokens(_ ids: [Int], length: (Int) -> Int) throws {
        guard Set(ids).count == ids.count else { throw Malformed(text: "an added token is listed twice") }
        if let empty = ids.first(where: { length($0) == 0 }) { throw Malformed(text: "added token \(empty) is empty") }
    }

    /// Builds the tables image from a source file's bytes (`DSVOCAB1`, scripts/make_vocab.py:
    /// magic, 6 × u32 counts, a length byte and a flag byte per id, (left, right, merged)
    /// u32 triples in rank order, added ids, the concatenated token bytes), checking all of
    /// it first. The caller owns (deallocates) the result.
    static func build(fromSource data: UnsafeRawBufferPointer) throws -> UnsafeMutableRawBufferPointer {
        let headerSize = 8 + 6 * 4
        guard data.count >= headerSize, data.prefix(8).elementsEqual("DSVOCAB1".utf8) else {
            throw Malformed(text: "missing DSVOCAB1 header")
        }
        let header = (0..<6).map { Int(UInt32(littleEndian: data.loadUnaligned(fromByteOffset: 8 + $0 * 4, as: UInt32.self))) }
        let (total, mergeCount, addedCount, blobCount) = (header[1], header[2], header[3], header[4])
        let expected = headerSize + 2 * total + 12 * mergeCount + 4 * addedCount + blobCount
        guard total > 256, data.count == expected else {
            throw Malformed(text: "size \(data.count) bytes, header implies \(expected)")
        }
        guard total < 1 << MergeTable.idBits, mergeCount < 1 << MergeTable.idBits else {
            throw Malformed(text: "\(total) ids and \(mergeCount) merges exceed the 17-bit tables")
        }
        let lengthsAt = headerSize, flagsAt = lengthsAt + total, mergesAt = flagsAt + total
        let addedAt = mergesAt + 12 * mergeCount, blobAt = addedAt + 4 * addedCount

        // Check everything before allocating the image.
        var byteTokenIDs = [UInt32](repeating: UInt32.max, count: 256)
        var blobLength = 0, wholePieces = 0
        for id in 0..<total {
            let length = Int(data[lengthsAt + id])
            let isWhole = data[flagsAt + id] & Vocabulary.Flag.wholePiece != 0
            if length == 1 && isWhole && blobLength < blobCount { byteTokenIDs[Int(data[blobAt + blobLength])] = UInt32(id) }
            if isWhole { wholePieces += 1 }
            blobLength += length
        }
        var mergeRows = [UInt32](repeating: 0, count: mergeCount * 3)
        for index in mergeRows.indices {
            mergeRows[index] = UInt32(littleEndian: data.loadUnaligned(fromByteOffset: mergesAt + 4 * index, as: UInt32.self))
        }
        let addedIDs = (0..<addedCount).map {
            UInt32(littleEndian: data.loadUnaligned(fromByteOffset: addedAt + $0 * 4, as: UInt32.self))
        }
        guard blobLength == blobCount, mergeRows.allSatisfy({ Int($0) < total }), addedIDs.allSatisfy({ Int($0) < total }) else {
            throw Malformed(text: "inconsistent lengths or ids")
        }
        if let missing = byteTokenIDs.firstIndex(of: UInt32.max) { throw Malformed(text: "no token for byte \(missing)") }
        try checkAddedTokens(addedIDs.map(Int.init)) { Int(data[lengthsAt + $0]) }

        let layout = VocabularyTables(total: total, mergeCount: mergeCount, addedCount: addedCount, blobCount: blobCount,
                                      pieceCapacity: PieceTable.capacity(for: wholePieces),
                                      mergeCapacity: MergeTable.capacity(for: mergeCount))
        let image = UnsafeMutableRawBufferPointer.allocate(byteCount: layout.size, alignment: 64)
        image.initializeMemory(as: UInt8.self, repeating: 0)
        let base = image.baseAddress!
        base.copyMemory(from: magic, byteCount: 8)
        for (index, value) in [total, mergeCount, addedCount, blobCount, layout.pieceCapacity, layout.mergeCapacity].enumerated() {
            base.storeBytes(of: UInt32(value).littleEndian, toByteOffset: 8 + 4 * index, as: UInt32.self)
        }
        let offsets = (base + layout.tokenOffsetsAt).assumingMemoryBound(to: UInt32.self)
        var offset: UInt32 = 0
        for id in 0..<total {
            offsets[id] = offset
            offset += UInt32(data[lengthsAt + id])
        }
        offsets[total] = offset
        (base + layout.flagsAt).copyMemory(from: data.baseAddress! + flagsAt, byteCount: total)
        (base + layout.tokenBytesAt).copyMemory(from: data.baseAddress! + blobAt, byteCount: blobCount)
        (base + layout.byteTokensAt).assumingMemoryBound(to: UInt32.self).update(from: byteTokenIDs, count: 256)
        (base + layout.addedIDsAt).assumingMemoryBound(to: UInt32.self).update(from: addedIDs, count: addedCount)

        let flags = (base + layout.flagsAt).assumingMemoryBound(to: UInt8.self)
        let bytes = (base + layout.tokenBytesAt).assumingMemoryBound(to: UInt8.self)
        PieceTable.build(into: (base + layout.pieceSlotsAt).assumingMemoryBound(to: UInt32.self),
                         capacity: layout.pieceCapacity,
                         ids: (0..<total).lazy.filter { flags[$0] & Vocabulary.Flag.wholePiece != 0 },
                         tokenBytes: bytes, tokenOffsets: offsets)
        mergeRows.withUnsafeBufferPointer {
            MergeTable.build(merges: $0, slots: (base + layout.mergeSlotsAt).assumingMemoryBound(to: UInt64.self),
                             capacity: layout.mergeCapacity,
                             mergedIDs: (base + layout.mergedIDsAt).assumingMemoryBound(to: UInt32.self))
        }
        return image
    }
}
