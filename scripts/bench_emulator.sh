#!/usr/bin/env bash
# Emulator throughput and cache-lookup benchmark (release build). Arguments go to the
# benchmark, e.g. scripts/bench_emulator.sh --clients 200 --requests 4000
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product emulator-bench >/dev/null
exec .build/release/emulator-bench "$@"
