import Foundation

/// Two-stage lookup table from a Unicode scalar to its `ScalarClass` bits.
///
/// Stage 1 maps `scalar >> 8` to a 256-entry block in stage 2; identical blocks are shared,
/// so the table is ~47 kB and the blocks in use stay in cache. It is generated, already
/// deduplicated, into ScalarClassData.swift; start-up only base64-decodes it (~0.1 ms).
/// Built once per process and never freed.
struct ScalarClassTable: @unchecked Sendable {
    let stage1: UnsafePointer<UInt16>
    let stage2: UnsafePointer<UInt8>

    static let shared = ScalarClassTable()

    private init() {
        guard let first = Data(base64Encoded: ScalarClassData.stage1, options: .ignoreUnknownCharacters),
              let second = Data(base64Encoded: ScalarClassData.stage2, options: .ignoreUnknownCharacters),
              first.count == 0x1100 * 2, second.count == ScalarClassData.blockCount * 256
        else { fatalError("Tokenizer: ScalarClassData is corrupt; rerun scripts/make_unicode_tables.py") }
        let stage1 = UnsafeMutablePointer<UInt16>.allocate(capacity: 0x1100)
        first.withUnsafeBytes { raw in
            for high in 0..<0x1100 {
                let block = UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: high * 2, as: UInt16.self))
                precondition(Int(block) < ScalarClassData.blockCount, "Tokenizer: ScalarClassData is corrupt")
                stage1[high] = block
            }
        }
        let stage2 = UnsafeMutablePointer<UInt8>.allocate(capacity: second.count)
        second.copyBytes(to: stage2, count: second.count)
        self.stage1 = UnsafePointer(stage1)
        self.stage2 = UnsafePointer(stage2)
    }

    /// Class bits of `scalar` (any value up to U+10FFFF).
    @inline(__always)
    func bits(of scalar: UInt32) -> UInt8 {
        stage2[Int(stage1[Int(scalar >> 8)]) << 8 | Int(scalar & 0xFF)]
    }
}
