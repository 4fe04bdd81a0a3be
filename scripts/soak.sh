#!/usr/bin/env bash
# Long resource run: thousands of turns through the real ChatApp, headless, against the
# emulator; fails if open descriptors change or memory grows (docs/FAULTS.md, Resources).
#   scripts/soak.sh [TURNS=6000]     (6,000 turns ~ two hours of chatting)
set -euo pipefail
cd "$(dirname "$0")/.."
turns="${1:-6000}"
swift build --build-tests
CACHECHAT_SOAK_TURNS="$turns" swift test --skip-build --filter ResourceSoakTests
