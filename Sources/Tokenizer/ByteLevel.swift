/// GPT-2's byte-to-character table, the alphabet HF uses to show byte-level tokens
/// ("Ġthe" for " the"). Only needed to present pieces; encoding works on raw bytes.
enum ByteLevel {
    static let characters: [Character] = {
        var table = [Character](repeating: " ", count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            let printable = (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
            if printable {
                table[byte] = Character(Unicode.Scalar(UInt32(byte))!)
            } else {
                table[byte] = Character(Unicode.Scalar(next)!)
                next += 1
            }
        }
        return table
    }()

    static func string(for bytes: some Sequence<UInt8>) -> String {
        String(bytes.map { characters[Int($0)] })
    }
}
