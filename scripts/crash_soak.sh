#!/usr/bin/env bash
# Long crash-safety run: SIGKILLs `cachechat ask --continue` and the TUI (tmux) at random
# moments during streamed replies, and the store-level writer, many times; then checks
# that nothing committed was lost (docs/FAULTS.md).
#   scripts/crash_soak.sh [KILLS=500] [SEED=random]
set -euo pipefail
cd "$(dirname "$0")/.."
kills="${1:-500}"
seed="${2:-$RANDOM$RANDOM}"
echo "crash soak: $kills kills, seed $seed (replay: scripts/crash_soak.sh $kills $seed)"
swift build --build-tests
CACHECHAT_CRASH_KILLS="$kills" CACHECHAT_CRASH_SEED="$seed" \
  swift test --skip-build --filter 'CrashSafetyTests|HistoryTests.CrashTests'
