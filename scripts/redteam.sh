#!/usr/bin/env bash
# Hardening II (issue 17) at full size: slowloris with 1,100 connections, 1,100 distinct
# user ids, 20 MB replies, and a disk that fills during a reply (on a 4 MiB tmpfs, root
# only). Prints one table: case | tried | survived. The suite runs small versions of each
# (ServeAbuseTests, JournalBoundsTests, ...).
#   scripts/redteam.sh [slowloris] [ids] [huge] [disk]    (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product cachechat >/dev/null
# 1,100 client sockets in this shell plus the server's own.
ulimit -n 4096 2>/dev/null || true
exec python3 scripts/redteam.py "$(swift build --show-bin-path)/cachechat" "$@"
