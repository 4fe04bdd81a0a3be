#!/usr/bin/env bash
# The TUI's own benchmarks, headless through the real App code (release build):
# the frame after a keystroke in a 2,000-message, ~1.6M-token conversation, the draft's
# prediction when typing pauses, CPU per streamed token (40,000 against 2,000 tokens), and a
# 5,000-token reply streamed at 10,000 tokens/s over loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product tui-bench >/dev/null
exec .build/release/tui-bench "$@"
