#!/usr/bin/env python3
"""Regenerates scripts/code-order.txt: the functions a cachechat session runs, which
scripts/build-release asks lld to place first and together (DECISIONS 79).

Runs the release binary under valgrind's callgrind (exact: every function that runs, not a
sample) through what a person does — the TUI on its built-in endpoint at 120x40 in tmux
(start, two questions and their replies, F1, F3 twice, Ctrl-O, the /model picker, a draft
typed and cleared, Ctrl-Q) and two `ask`s against `cachechat serve` — and keeps the names
that are in the binary's symbol table, sorted (stable diffs; the names group by module).

    scripts/profile_code_order.py        # about 3 minutes; needs valgrind and tmux

Re-run it after large changes: a function missing from the list still works, it only
lands among the code that is not read in at start (the benchmark's idle RSS shows it).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "scripts", "code-order.txt")


def run(*argv, **kwargs):
    return subprocess.run(argv, check=True, **kwargs)


def tmux(*args):
    return subprocess.run(["tmux", "-L", "code-order", *args], capture_output=True, text=True).stdout


def wait_for(predicate, what, timeout=300):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate(tmux("capture-pane", "-p", "-t", "p")):
            return
        time.sleep(1)
    raise SystemExit(f"profile_code_order: timed out waiting for {what}; the pane shows:\n{tmux('capture-pane', '-p', '-t', 'p')}")


def callgrind(binary, out, argv, env):
    return ["env", *[f"{k}={v}" for k, v in env.items()], "valgrind", "--tool=callgrind", "--demangle=no",
            f"--callgrind-out-file={out}", binary, *argv]


def main():
    for tool in ("valgrind", "tmux", "strip", "nm"):
        if not shutil.which(tool):
            raise SystemExit(f"profile_code_order: needs {tool}")
    run(os.path.join(ROOT, "scripts", "build-release"), stdout=subprocess.DEVNULL)
    work = tempfile.mkdtemp(prefix="code-order-")
    # valgrind 3.19 cannot read the DWARF 5 the toolchain writes: symbols only.
    binary = os.path.join(work, "cachechat")
    run("strip", "--strip-debug", "-o", binary, os.path.join(ROOT, ".build", "static", "release", "cachechat"))
    home = os.path.join(work, "home")
    os.makedirs(home)
    env = {"HOME": home, "TERM": "xterm-256color", "LANG": "C.UTF-8"}
    outputs = []

    # The TUI on its built-in endpoint.
    out = os.path.join(work, "tui.callgrind")
    outputs.append(out)
    tmux("kill-server")
    command = " ".join(callgrind(binary, out, [], env)) + f" 2>{work}/tui.err"
    tmux("new-session", "-d", "-s", "p", "-x", "120", "-y", "40", command)
    wait_for(lambda s: "F1" in s, "the first frame")
    for question in ("Hello there, explain caching in two lines", "And again with more detail"):
        tmux("send-keys", "-t", "p", "-l", question)
        # Under callgrind the keys arrive faster than they are read: Enter after the text
        # is on screen, so it is not read in the same burst (a paste, a new line).
        wait_for(lambda s, q=question: "› " + q in s, "the typed question")
        tmux("send-keys", "-t", "p", "Enter")
        wait_for(lambda s, q=question: q in s and "Message" in s and "Esc stops" not in s, "a reply")
        time.sleep(3)
    for keys, pause in ((["F1"], 4), (["Escape"], 3), (["F3"], 3), (["F3"], 3), (["C-o"], 5), (["Escape"], 3),
                        (["-l", "/model"], 2), (["Enter"], 5), (["Escape"], 3),
                        (["-l", "typing a draft with a few words"], 3), (["C-u"], 2), (["C-q"], 0)):
        tmux("send-keys", "-t", "p", *keys)
        time.sleep(pause)
    deadline = time.monotonic() + 120
    while not os.path.exists(out) or os.path.getsize(out) == 0:
        if time.monotonic() > deadline:
            raise SystemExit(f"profile_code_order: the TUI did not quit; the pane shows:\n{tmux('capture-pane', '-p', '-t', 'p')}")
        time.sleep(1)
    tmux("kill-server")

    # `ask` against `serve`, a new conversation and a continued one.
    serve = subprocess.Popen([binary, "serve", "--memory", "--port", "0", "--speed", "0", "--reply-tokens", "40"],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, **env})
    url = None
    for line in serve.stdout:
        match = re.search(r"listening on (http://\S+)", line)
        if match:
            url = match.group(1)
            break
    try:
        if not url:
            raise SystemExit("profile_code_order: `cachechat serve` did not say where it listens")
        for index, extra in enumerate((["Hello there"], ["--continue", "And more"])):
            out = os.path.join(work, f"ask{index}.callgrind")
            outputs.append(out)
            run(*callgrind(binary, out, ["ask", "--base-url", url, "--api-key", "sk-profile", *extra], env),
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    finally:
        serve.terminate()
        serve.wait()

    ran = set()
    for out in outputs:
        with open(out) as file:
            for line in file:
                match = re.match(r"^c?fn=\(\d+\) (.+)$", line.rstrip("\n"))
                if match:
                    ran.add(match.group(1))
    symbols = set()
    for line in subprocess.run(["nm", binary], capture_output=True, text=True, check=True).stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            symbols.add(parts[2])
    order = sorted(ran & symbols)
    with open(OUT, "w") as file:
        file.write("\n".join(order) + "\n")
    print(f"profile_code_order: {len(order)} functions ran ({len(ran)} with the shared libraries'); wrote {OUT}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
