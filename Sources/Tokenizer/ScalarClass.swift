/// How the DeepSeek pre-tokenizer regexes see one Unicode scalar, as a bit set.
///
/// The low four bits are derived from the Hugging Face oracle by
/// scripts/make_unicode_tables.py; the high four are fixed ASCII/range facts the regexes
/// spell out literally (`fixedBits(of:)`, mirrored in the script, which folds both into
/// `ScalarClassData`). `\p{L}` and `\p{M}` share a bit because the regexes cannot tell them
/// apart, likewise `\p{P}` and `\p{S}` (see PreTokenizer.swift).
enum ScalarClass {
    /// `\p{L}` or `\p{M}`.
    static let letterOrMark: UInt8 = 1
    /// `\p{P}` or `\p{S}`.
    static let punctuationOrSymbol: UInt8 = 2
    /// `\s` as onig defines it (White_Space minus U+001C...U+001F).
    static let whitespace: UInt8 = 4
    /// `\p{N}`.
    static let number: UInt8 = 8
    /// `[一-龥぀-ゟ゠-ヿ]`: U+4E00...U+9FA5, U+3040...U+309F, U+30A0...U+30FF.
    static let cjk: UInt8 = 16
    /// `[A-Za-z]`.
    static let asciiLetter: UInt8 = 32
    /// ``[!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~]``.
    static let asciiPunctuation: UInt8 = 64
    /// `[\r\n]`.
    static let newline: UInt8 = 128

    static func fixedBits(of scalar: UInt32) -> UInt8 {
        var bits: UInt8 = 0
        if (0x4E00...0x9FA5).contains(scalar) || (0x3040...0x30FF).contains(scalar) { bits |= cjk }
        if (0x41...0x5A).contains(scalar) || (0x61...0x7A).contains(scalar) { bits |= asciiLetter }
        if (0x21...0x2F).contains(scalar) || (0x3A...0x40).contains(scalar)
            || (0x5B...0x60).contains(scalar) || (0x7B...0x7E).contains(scalar) {
            bits |= asciiPunctuation
        }
        if scalar == 0x0A || scalar == 0x0D { bits |= newline }
        return bits
    }
}
