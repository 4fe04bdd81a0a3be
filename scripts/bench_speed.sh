#!/usr/bin/env bash
# cachechat against the fastest native terminal chat program (WeeChat without plugins,
# `weechat -p`) and the floor (a shell printing a line), and on request against oterm and
# elia-chat (PyPI), all on one `cachechat serve`, in tmux at 120x40. Prints one table with
# ratios to cachechat, then `cachechat ask` against curl, then the targets of issue 16 as
# ratios from the same run (docs/BENCHMARKS.md, "Start-up and memory").
#
#   scripts/bench_speed.sh                      # cachechat (remote and built-in), weechat -p, floor
#   scripts/bench_speed.sh --clients all        # and weechat with plugins, oterm, elia (about 5 minutes)
#   scripts/bench_speed.sh --clients cachechat,oterm --runs 5
#   BENCH_FRESH_VENV=1 scripts/bench_speed.sh   # reinstall oterm and elia-chat first
#
# oterm and elia-chat go into two throwaway virtual environments under .venv-bench/
# (gitignored; two because pip cannot satisfy both clients' Textual pins in one: together
# it falls back to oterm 0.6.4). Arguments go to scripts/bench_speed.py.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v tmux >/dev/null || need+=(tmux)
command -v weechat >/dev/null || need+=(weechat-curses)
command -v curl >/dev/null || need+=(curl)
command -v python3 >/dev/null || need+=(python3 python3-venv)
if ((${#need[@]})); then
    if [[ $(id -u) == 0 ]]; then
        echo "bench_speed: installing ${need[*]}" >&2
        apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    else
        echo "bench_speed: missing ${need[*]} (apt-get install ${need[*]}); those clients will be reported as not installed" >&2
    fi
fi

echo "bench_speed: building cachechat (release, static, stripped: scripts/build-release)" >&2
binary=$(scripts/build-release 2>/dev/null)

venvs=.venv-bench
[[ ${BENCH_FRESH_VENV:-0} == 1 ]] && rm -rf "$venvs"
install() { # install VENV PACKAGE
    local venv=$venvs/$1
    if [[ ! -x $venv/bin/$3 ]]; then
        echo "bench_speed: installing $2 into $venv" >&2
        rm -rf "$venv"
        if ! { python3 -m venv "$venv" && "$venv/bin/pip" install -q --disable-pip-version-check "$2"; } >"$venvs/$1.log" 2>&1; then
            echo "bench_speed: installing $2 failed (see $venvs/$1.log); it will be reported as not installed" >&2
        fi
    fi
}
mkdir -p "$venvs"
if [[ " $* " == *oterm* || " $* " == *" all"* ]]; then install oterm oterm oterm; fi
if [[ " $* " == *elia* || " $* " == *" all"* ]]; then install elia elia-chat elia; fi

exec python3 scripts/bench_speed.py \
    --cachechat "$binary" \
    --oterm "$venvs/oterm/bin/oterm" \
    --elia "$venvs/elia/bin/elia" \
    --json .build/bench_speed.json \
    "$@"
