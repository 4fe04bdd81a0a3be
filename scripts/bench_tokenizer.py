#!/usr/bin/env python3
"""Benchmark half of scripts/bench_tokenizer.sh (run that instead).

    bench_tokenizer.py TOKENIZER_BENCH_BINARY CORPUS_FILE TOKENIZER_JSON

Measures, on the same corpus and one thread each:
  swift     our Tokenizer (the tokenizer-bench executable; best of 3, JSON on stdout)
  hf        Hugging Face `tokenizers` (the exact reference), one encode of the whole text
  tiktoken  tiktoken's Rust core built from DeepSeek's vocabulary, best of 3

tiktoken approximation (it cannot express DeepSeek's pre-tokenizer exactly):
  * mergeable_ranks = {token bytes: token id}. tiktoken merges the pair whose
    concatenation has the lowest rank; DeepSeek's ids follow merge order closely but BPE
    here is defined by the merge list, so a few pieces merge differently.
  * one pat_str: the three Split regexes joined as one alternation, so a number or a CJK
    run starts a new piece but, unlike the real three-stage split, a letter run can
    continue into CJK characters and `\\s+(?!\\S)` looks past digits/CJK.
  The table shows how many ids it gets right; it is a speed reference, not an oracle.
"""
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

import tiktoken
from tokenizers import Tokenizer

PAT = (r"""\p{N}{1,3}|[一-龥぀-ゟ゠-ヿ]+|[!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+"""
       r"""|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+| ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+""")


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {chr(c): b for b, c in zip(bs, cs)}


def make_tiktoken(tokenizer_json):
    j = json.load(open(tokenizer_json, encoding="utf-8"))
    u2b = bytes_to_unicode()
    ranks = {}
    for tok, i in j["model"]["vocab"].items():
        if all(ch in u2b for ch in tok):
            ranks[bytes(u2b[ch] for ch in tok)] = i
    return tiktoken.Encoding("deepseek-v4-approx", pat_str=PAT, mergeable_ranks=ranks, special_tokens={})


def best_of(n, fn):
    best, result = float("inf"), None
    for _ in range(n):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def timed_ms(fn):
    """Milliseconds for one call, or the error (tiktoken's regex overflows its stack on a
    1 MB whitespace run and raises a Rust panic, a BaseException)."""
    try:
        t0 = time.perf_counter()
        fn()
        return f"{(time.perf_counter() - t0) * 1000:.1f}"
    except BaseException as error:  # noqa: B036 - pyo3 panics are BaseException
        return "fails: " + type(error).__name__


def agreement(a, b):
    """Percentage of `b` before the first differing id."""
    same = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return 100.0 * same / max(len(b), 1)


def main(binary, corpus_path, tokenizer_json):
    text = open(corpus_path, encoding="utf-8", newline="").read()  # keep CR bytes as the Swift side sees them
    mb = len(text.encode("utf-8")) / 1e6

    swift = json.loads(subprocess.run([binary, corpus_path], capture_output=True, text=True, check=True).stdout)

    hf = Tokenizer.from_file(tokenizer_json)
    hf_seconds, hf_ids = best_of(1, lambda: hf.encode(text, add_special_tokens=False).ids)

    t0 = time.perf_counter()
    tk = make_tiktoken(tokenizer_json)
    tk_build = time.perf_counter() - t0
    tk_seconds, tk_ids = best_of(3, lambda: tk.encode_ordinary(text))

    word = "abcdefghij" * 10_000
    spaces = " " * 1_000_000
    hf_word = timed_ms(lambda: hf.encode(word, add_special_tokens=False))
    hf_spaces = timed_ms(lambda: hf.encode(spaces, add_special_tokens=False))
    tk_word = timed_ms(lambda: tk.encode_ordinary(word))
    tk_spaces = timed_ms(lambda: tk.encode_ordinary(spaces))

    # Exactness on this corpus: every Swift id against HF's.
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8", delete=False) as f:
        json.dump([text], f, ensure_ascii=False)
    swift_ids = json.loads(subprocess.run([binary, f.name, "--ids"], capture_output=True, text=True, check=True).stdout)
    os.unlink(f.name)

    swift_mbs, hf_mbs, tk_mbs = swift["mb_per_s"], mb / hf_seconds, mb / tk_seconds
    print(f"\ncorpus: {mb:.2f} MB, {len(hf_ids)} tokens (HF); one thread each\n")
    print(f"{'tokenizer':<12}{'MB/s':>9}{'vs tiktoken':>13}{'vs HF':>9}{'tokens':>10}  exact vs HF")
    ok = "all ids equal" if swift_ids == hf_ids else f"DIFFERENT ({agreement(swift_ids, hf_ids):.1f}% prefix)"
    print(f"{'swift (ours)':<12}{swift_mbs:>9.2f}{swift_mbs / tk_mbs:>12.2f}x{swift_mbs / hf_mbs:>8.2f}x{swift['tokens']:>10}  {ok}")
    lines = text[:300_000].split("\n")
    same_lines = sum(1 for line in lines if tk.encode_ordinary(line) == hf.encode(line, add_special_tokens=False).ids)
    print(f"{'tiktoken':<12}{tk_mbs:>9.2f}{1.0:>12.2f}x{tk_mbs / hf_mbs:>8.2f}x{len(tk_ids):>10}  "
          f"approximation: {100.0 * same_lines / len(lines):.0f}% of sampled lines tokenized identically")
    print(f"{'HF':<12}{hf_mbs:>9.2f}{hf_mbs / tk_mbs:>12.2f}x{1.0:>8.2f}x{len(hf_ids):>10}  reference")
    print(f"\n{'pathological input (ms)':<28}{'swift':>10}{'tiktoken':>26}{'HF':>10}")
    print(f"{'100 kB single word':<28}{swift['word_100kb_ms']:>10.1f}{tk_word:>26}{hf_word:>10}")
    print(f"{'1 MB whitespace run':<28}{swift['spaces_1mb_ms']:>10.1f}{tk_spaces:>26}{hf_spaces:>10}")
    print(f"{'1 MB whitespace + word':<28}{swift['spaces_1mb_then_word_ms']:>10.1f}")
    print(f"\nswift: vocabulary load {swift['load_ms']:.1f} ms (first use of DeepSeekTokenizer.shared, cold process); "
          f"RSS after load {swift['rss_after_load_kb'] / 1024:.1f} MB; peak RSS {swift['peak_rss_kb'] / 1024:.1f} MB "
          f"(includes the corpus, its String copy and the ids)")
    print(f"tiktoken: building the Encoding from the vocabulary took {tk_build * 1000:.0f} ms")
    resources = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Sources/Tokenizer/Resources")
    vocab, tables = os.path.join(resources, "deepseek-v4.vocab"), os.path.join(resources, "deepseek-v4.tables")
    print(f"vocabulary: source {os.path.getsize(vocab) / 1e6:.2f} MB, shipped tables (mapped in place) "
          f"{os.path.getsize(tables) / 1e6:.2f} MB (tokenizer.json: {os.path.getsize(tokenizer_json) / 1e6:.2f} MB)")


if __name__ == "__main__":
    main(*sys.argv[1:4])
