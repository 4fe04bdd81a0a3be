#!/usr/bin/env bash
# libFuzzer runs of the pure decoders: scripts/fuzz.sh [TARGET|all] [RUNS]
# Targets: the files in Fuzz/ (SSEDecoder, StreamParser, KeyDecoder, Markdown, Sanitizer).
# Builds the package's modules once with coverage instrumentation (release, in .build/fuzz),
# links each target against their objects, runs it for RUNS executions (default 200000)
# from Fuzz/corpus/TARGET, and prints executions and findings. Crashes land in
# .build/fuzz/findings/TARGET/crash-*; replay one with `.build/fuzz/bin/TARGET FILE`.
# The CI counterpart, which also covers JSON, TOML and the tokenizer: `swift test --filter FuzzTests`.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-all}
runs=${2:-200000}
build=.build/fuzz
flags=(-c release --build-path "$build" -Xswiftc -sanitize=fuzzer)

swift build "${flags[@]}" --target ChatWire >/dev/null
swift build "${flags[@]}" --target TerminalUI >/dev/null
release=$(swift build "${flags[@]}" --show-bin-path)

objects() {  # the object files of the given modules
    for module in "$@"; do ls "$release/$module.build/"*.o; done
}

mkdir -p "$build/bin"
targets=()
if [[ $target == all ]]; then
    for file in Fuzz/*.swift; do targets+=("$(basename "$file" .swift)"); done
else
    targets=("$target")
fi

status=0
for name in "${targets[@]}"; do
    case $name in
        KeyDecoder|Markdown) modules=(TerminalUI) ;;
        *) modules=(ChatWire ChatCore Tokenizer) ;;
    esac
    swiftc -sanitize=fuzzer -parse-as-library -O -I "$release/Modules" "Fuzz/$name.swift" \
        $(objects "${modules[@]}") -o "$build/bin/$name"
    corpus="$build/corpus/$name"
    findings="$build/findings/$name"
    mkdir -p "$corpus" "$findings"
    [[ -d Fuzz/corpus/$name ]] && cp -n Fuzz/corpus/$name/* "$corpus/" 2>/dev/null || true
    log="$build/$name.log"
    # SWIFT_BACKTRACE off: libFuzzer's own handler must see the trap to save the input.
    if SWIFT_BACKTRACE=enable=no "$build/bin/$name" -runs="$runs" -max_len=4096 -seed=1 \
        -artifact_prefix="$findings/" "$corpus" >"$log" 2>&1; then
        result="no findings"
    else
        result="FINDING: $(ls -t "$findings" | head -1) (see $log)"
        status=1
    fi
    executions=$(grep -Eo '^#[0-9]+' "$log" | tail -1 | tr -d '#')
    coverage=$(grep -Eo 'cov: [0-9]+' "$log" | tail -1)
    printf '%-14s %10s executions  %-10s %s\n' "$name" "${executions:-0}" "${coverage:-}" "$result"
done
exit $status
