import Foundation

/// Two-stage lookup table from a Unicode scalar to its `ScalarClass` bits.
///
/// Stage 1 maps `scalar >> 8` to a 256-entry block in stage 2; identical blocks are shared,
/// so the whole table is a few tens of kilobytes and the common blocks stay in cache.
/// Built once per process from the run-length ranges in `ScalarClassData` (well under a
/// millisecond) and never freed.
struct ScalarClassTable: @unchecked Sendable {
    let stage1: UnsafePointer<UInt16>
    let stage2: UnsafePointer<UInt8>
    let blockCount: Int

    static let shared = ScalarClassTable()

    private init() {
        guard let packed = Data(base64Encoded: ScalarClassData.base64, options: .ignoreUnknownCharacters),
              packed.count == ScalarClassData.rangeCount * 4
        else { fatalError("Tokenizer: ScalarClassData is corrupt; rerun scripts/make_unicode_tables.py") }
        let entries: [UInt32] = packed.withUnsafeBytes { raw in
            (0..<ScalarClassData.rangeCount).map { UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)) }
        }
        let scalarCount = 0x110000
        var flat = [UInt8](repeating: 0, count: scalarCount)
        for (index, entry) in entries.enumerated() {
            let start = Int(entry & 0xFF_FFFF)
            let end = index + 1 < entries.count ? Int(entries[index + 1] & 0xFF_FFFF) : scalarCount
            let bits = UInt8(entry >> 24)
            for scalar in start..<end { flat[scalar] = bits }
        }
        for scalar in 0..<0x10000 { flat[scalar] |= ScalarClass.fixedBits(of: UInt32(scalar)) }

        let stage1 = UnsafeMutablePointer<UInt16>.allocate(capacity: scalarCount >> 8)
        var blocks: [[UInt8]] = []
        var blockIndex: [[UInt8]: UInt16] = [:]
        for high in 0..<(scalarCount >> 8) {
            let block = Array(flat[(high << 8)..<((high + 1) << 8)])
            if let existing = blockIndex[block] {
                stage1[high] = existing
            } else {
                let index = UInt16(blocks.count)
                blocks.append(block)
                blockIndex[block] = index
                stage1[high] = index
            }
        }
        let stage2 = UnsafeMutablePointer<UInt8>.allocate(capacity: blocks.count << 8)
        for (index, block) in blocks.enumerated() {
            block.withUnsafeBufferPointer { (stage2 + (index << 8)).update(from: $0.baseAddress!, count: 256) }
        }
        self.stage1 = UnsafePointer(stage1)
        self.stage2 = UnsafePointer(stage2)
        self.blockCount = blocks.count
    }

    /// Class bits of `scalar` (any value up to U+10FFFF).
    @inline(__always)
    func bits(of scalar: UInt32) -> UInt8 {
        stage2[Int(stage1[Int(scalar >> 8)]) << 8 | Int(scalar & 0xFF)]
    }
}
