#!/usr/bin/env bash
# Cache-efficiency workloads (docs/BENCHMARKS.md): builds release, runs every workload
# against the built-in emulator under the v3 and v4 cache models through the same
# ChatSession the TUI uses, prints one table and writes every request to a JSON file.
#   scripts/bench_workloads.sh [--json PATH] [--only a,d,g] [--models v3,v4] [--no-store]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product workload-bench >/dev/null
export SWIFT_VERSION_LINE="$(swift --version 2>&1 | head -1)"
args=("$@")
[[ " $* " == *" --json "* ]] || args+=(--json .build/workloads.json)
exec .build/release/workload-bench "${args[@]}"
