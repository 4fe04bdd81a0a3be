#!/usr/bin/env python3
"""cachechat against other terminal chat clients, on the same emulator, in one run.

Run through scripts/bench_speed.sh, which builds cachechat in release and installs the
other clients. Every client runs in its own tmux server at 120x40 and talks to one
`cachechat serve --speed S --reply-tokens N --log-file LOG`. Measured per client:

launch      spawn (tmux respawn-pane) until the pane shows a non-empty frame that then
            stays unchanged for 50 ms (captures every ~10 ms); the time is that of the
            first capture showing the frame. Median of --runs launches, after one
            unmeasured warm-up launch (first-run files, caches). A capture costs a tmux
            client's start, so captures are ~13 ms apart and this figure is rounded up
            to the next capture: a frame ready 12 ms after spawn counts as ~17 ms.
last output the same launches timed by the pane's output instead: tmux pipes the
            pane's output (`pipe-pane -O`) into a FIFO read here, each read timestamped
            as it arrives, and the launch is the last output before the stable frame's
            50 ms of quiet ended (output after the final frame, even a cursor move,
            counts against the client). Resolution: the FIFO read, under a millisecond.
settled     the last time the frame changed during the 3 s after launch (a client that
            shows a partial frame for 50 ms before its real one is caught here).
idle RSS    VmRSS summed over the client's process tree after 3 s idle (issue 16's
            definition; cachechat unmaps the pages it mapped but does not use after
            2 s without activity, docs/DECISIONS.md 90). PSS likewise.
stream      (chat clients; median of --stream-runs, each a fresh start with fresh state)
            one question typed and sent; the emulator streams an
            N-token reply at S tokens/s and logs when it wrote the last byte
            (`ended_mono`, CLOCK_MONOTONIC = time.monotonic()). "last token after
            server" is the time from that until the pane first shows the reply's end:
            the last "Part K" heading of the reply followed by every line after it,
            exactly (compared letters, digits, '.' and ','; markdown and borders
            ignored), so a partial last line does not count. A client whose view
            stops following the reply never shows its end; then the time is the last
            moment its process tree was busy (over 20% of a core in a 0.25 s window)
            before 5 s of quiet, marked "(cpu)".
mean CPU    CPU time of the client's process tree from pressing send to the reply's
            end on screen, over that wall time (100% = one core): the threads'
            nanosecond counts (/proc/PID/task/TID/schedstat), or utime+stime in 10 ms
            ticks when a thread ended during the reply (the two disagree then).
RSS after   VmRSS of the tree at the end of the stream measurement (3 s after the
            reply's end and the last busy moment); the profiles' "RSS idle" is
            taken 3 s after launch, so both are idle figures.
"""

import argparse
import json
import threading
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

CLK_TCK = os.sysconf("SC_CLK_TCK")
COLS, ROWS = 120, 40
ELIA_SYSTEM = "You are a helpful assistant named Elia."
QUESTIONS = ["Describe cache", "Why Rome?", "Explain latency", "Describe memory", "Why tea?", "Tell me about rivers",
             "Describe streams", "Explain terminal", "Why Swift?", "Describe benchmark"]


# ---------------------------------------------------------------- processes

def proc_children():
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        children.setdefault(int(fields[1]), []).append(int(entry))
    return children


def process_tree(pid):
    children = proc_children()
    tree, todo = [], [pid]
    while todo:
        p = todo.pop()
        tree.append(p)
        todo.extend(children.get(p, []))
    return tree


def cpu_ticks(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total


def cpu_ns(pids):
    """CPU time of the live threads of `pids` in nanoseconds (`/proc/PID/task/TID/schedstat`),
    where the ticks of /proc/PID/stat are 10 ms: a 2,000-token reply at 5,000 tokens/s is
    40-60 ms of CPU, which ticks measure to +-20%."""
    total = 0
    for pid in pids:
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                    total += int(f.read().split()[0])
            except (OSError, ValueError, IndexError):
                continue
    return total


def pss_kib(pids):
    """Proportional set size summed over `pids` (shared pages split between their users)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
    return total


def rss_kib(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            continue
    return total


# ---------------------------------------------------------------- tmux

class Tmux:
    """One tmux server and session per client; the pane is respawned for each run."""

    def __init__(self, name, workdir, env, watch_output=False):
        self.socket = f"bench-speed-{os.getpid()}-{name}"
        self.env = env
        conf = os.path.join(workdir, f"tmux-{name}.conf")
        term = "tmux-256color" if subprocess.run(["infocmp", "tmux-256color"], capture_output=True).returncode == 0 \
            else "screen-256color"
        with open(conf, "w") as f:
            f.write(f"set -g default-terminal {term}\nset -g remain-on-exit on\nset -g status off\n"
                    "set -g history-limit 100\nset -sg escape-time 0\n")
        self.run("-f", conf, "new-session", "-d", "-x", str(COLS), "-y", str(ROWS), "-s", "b", "sleep 86400")
        # The pane's output is also piped (`pipe-pane -O`, which stays through respawns) into
        # a FIFO read here, each read timestamped as it arrives (the "last output" launch
        # figure). Launches only: reading a long stream's output would take CPU from the
        # client measured. (A tmux control-mode client did the same until tmux 3.3a's
        # server crashed with it attached while weechat started: a segfault, reproducible.)
        self.outputs = []
        self.watching = False
        if not watch_output:
            return
        self.fifo = os.path.join(workdir, f"output-{name}.fifo")
        if os.path.exists(self.fifo):
            os.remove(self.fifo)
        os.mkfifo(self.fifo)
        threading.Thread(target=self._read_output, daemon=True).start()
        self.run("pipe-pane", "-O", "-t", "b", f"exec cat > {shlex_quote(self.fifo)}")
        self.watching = True

    def stop_watching(self):
        """Stops piping the pane's output, before streams are measured."""
        if self.watching:
            self.watching = False
            self.run("pipe-pane", "-t", "b", check=False)

    def _read_output(self):
        fd = os.open(self.fifo, os.O_RDONLY)
        try:
            while True:
                data = os.read(fd, 65536)
                if not data:
                    return
                self.outputs.append(time.monotonic())
        finally:
            os.close(fd)

    def run(self, *args, check=True):
        result = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, env=self.env,
                                timeout=20)
        if check and result.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)}: {result.stderr.strip()}")
        return result.stdout

    def respawn(self, command):
        self.run("respawn-pane", "-k", "-t", "b", command)

    def capture(self):
        return self.run("capture-pane", "-p", "-t", "b")

    def pane(self):
        out = self.run("display-message", "-p", "-t", "b", "#{pane_pid} #{pane_dead} #{pane_dead_status}").split()
        return int(out[0]), out[1] == "1", (out[2] if len(out) > 2 else "")

    def keys(self, *keys, literal=False):
        self.run("send-keys", "-t", "b", *(["-l"] if literal else []), *keys)

    def close(self):
        try:
            pid, dead, _ = self.pane()
            if not dead:
                stop_tree(pid)
        except Exception:
            pass
        self.stop_watching()
        self.run("kill-server", check=False)


def stop_tree(pid, grace=3.0):
    tree = process_tree(pid)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for p in tree:
            try:
                os.kill(p, sig)
            except OSError:
                pass
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and any(os.path.exists(f"/proc/{p}") and not zombie(p) for p in tree):
            time.sleep(0.05)


def zombie(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
        return stat[stat.rindex(")") + 2] == "Z"
    except OSError:
        return True


def shell_command(argv, env):
    quoted = " ".join(shlex_quote(a) for a in argv)
    assignments = " ".join(f"{k}={shlex_quote(v)}" for k, v in env.items())
    return f"exec env {assignments} {quoted}"


def shlex_quote(s):
    import shlex
    return shlex.quote(str(s))


# ---------------------------------------------------------------- screen matching

def normalize(text):
    return re.sub(r"[^a-z0-9.,]", "", text.lower())


def crop_panel(lines):
    """Cuts every line at a vertical rule (a side panel) right of column 40, if there is one."""
    counts = {}
    for line in lines:
        for c in range(40, len(line)):
            if line[c] == "│":
                counts[c] = counts.get(c, 0) + 1
    ruled = sorted(c for c, n in counts.items() if n >= 0.6 * len(lines))
    if not ruled:
        return lines
    return [line[:ruled[0]] for line in lines]


def end_target(reply_tail):
    """The reply's last "## Part K" heading and everything after it, or None when the tail
    cannot identify the end (no heading, a code block, or a last line not ending a sentence)."""
    at = reply_tail.rfind("## Part ")
    if at < 0:
        return None
    block = reply_tail[at:]
    if "```" in block or not block.rstrip().endswith("."):
        return None
    lines = [l for l in block.split("\n") if l.strip()]
    heading = normalize(lines[0])
    body = normalize("".join(lines[1:]))
    if not body:
        return None
    return heading, body


def shows_end(screen, target):
    heading, body = target
    lines = crop_panel(screen.split("\n"))
    norm = [normalize(l) for l in lines]
    found = None
    for i, n in enumerate(norm):
        if n == heading or (n.startswith(heading) and not n[len(heading):][:1].isdigit()):
            found = i
    if found is None:
        return False
    return "".join(norm[found + 1:]).startswith(body)


# ---------------------------------------------------------------- clients

class Client:
    name = ""
    chat = True
    submit = ["Enter"]
    quit_keys = []

    def __init__(self, args, url, workdir):
        self.args, self.url, self.workdir = args, url, workdir

    def prepare(self, state):
        """Writes config into a fresh state directory; returns (argv, env)."""
        raise NotImplementedError

    def version(self):
        return "?"

    def stored_reply(self, state):
        """The last reply as the client saved it, where that can be read."""
        return None


class Cachechat(Client):
    name = "cachechat"
    quit_keys = ["C-q"]

    def prepare(self, state):
        env = {"HOME": state, "XDG_DATA_HOME": f"{state}/data", "XDG_CONFIG_HOME": f"{state}/config",
               "DEEPSEEK_BASE_URL": self.url, "DEEPSEEK_API_KEY": "sk-bench"}
        return [self.args.cachechat, "--model", "deepseek-chat"], env

    def version(self):
        return run_text([self.args.cachechat, "--version"]).strip().replace("cachechat ", "")


class CachechatBuiltIn(Cachechat):
    """cachechat on its built-in endpoint (no base URL, no key): launch and memory only."""
    name = "cachechat-builtin"
    chat = False

    def prepare(self, state):
        env = {"HOME": state, "XDG_DATA_HOME": f"{state}/data", "XDG_CONFIG_HOME": f"{state}/config",
               "XDG_STATE_HOME": f"{state}/state"}
        return [self.args.cachechat, "--model", "deepseek-chat"], env


class Oterm(Client):
    name = "oterm"
    quit_keys = ["C-q"]

    def python(self):
        return os.path.join(os.path.dirname(self.args.oterm), "python")

    def prepare(self, state):
        data = f"{state}/oterm"
        os.makedirs(data, exist_ok=True)
        # The splash screen is an animation, switched off; the endpoint is oterm's
        # documented `openaiCompatible` provider.
        with open(f"{data}/config.json", "w") as f:
            json.dump({"theme": "textual-dark", "splash-screen": False,
                       "openaiCompatible": {"emulator": {"base_url": self.url + "/v1", "api_key": "sk-bench"}}}, f)
        env = {"HOME": state, "XDG_DATA_HOME": f"{state}/data", "XDG_CONFIG_HOME": f"{state}/config",
               "OTERM_DATA_DIR": data}
        # One saved chat on that provider, so oterm opens on it (no model picker to drive).
        seed = ("import asyncio\nfrom oterm.store.store import Store\nfrom oterm.types import ChatModel\n"
                "async def main():\n    s = await Store.get_store()\n"
                "    await s.save_chat(ChatModel(name='bench', model='deepseek-chat', provider='openai-compat/emulator'))\n"
                "asyncio.run(main())\n")
        result = subprocess.run([self.python(), "-c", seed], env={**os.environ, **env}, capture_output=True, text=True,
                                timeout=120)
        if result.returncode != 0:
            raise RuntimeError("could not create oterm's chat: " + result.stderr.strip()[-300:])
        return [self.args.oterm], env

    def stored_reply(self, state):
        import sqlite3
        try:
            with sqlite3.connect(f"{state}/oterm/store.db") as db:
                row = db.execute("SELECT text FROM message WHERE author = 'assistant' ORDER BY id DESC LIMIT 1").fetchone()
            return row[0] if row else ""
        except Exception:
            return None

    def version(self):
        return run_text([self.python(), "-c", "import importlib.metadata as m; print(m.version('oterm'))"]).strip()


class Elia(Client):
    name = "elia"
    submit = ["C-j"]
    quit_keys = ["Escape"]

    def prepare(self, state):
        config = f"{state}/config/elia"
        os.makedirs(config, exist_ok=True)
        with open(f"{config}/config.toml", "w") as f:
            f.write(f'default_model = "emulator"\nsystem_prompt = "{ELIA_SYSTEM}"\n\n[[models]]\nid = "emulator"\n'
                    f'name = "openai/deepseek-chat"\ndisplay_name = "deepseek-chat (emulator)"\nprovider = "emulator"\n'
                    f'api_base = "{self.url}/v1"\napi_key = "sk-bench"\n')
        # litellm would otherwise fetch its model price list from the network when it loads.
        env = {"HOME": state, "XDG_DATA_HOME": f"{state}/data", "XDG_CONFIG_HOME": f"{state}/config",
               "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
        return [self.args.elia], env

    def version(self):
        python = os.path.join(os.path.dirname(self.args.elia), "python")
        return run_text([python, "-c", "import importlib.metadata as m; print(m.version('elia-chat'))"]).strip()


class WeeChat(Client):
    name = "weechat"
    chat = False
    quit_keys = ["/quit", "Enter"]

    def prepare(self, state):
        return [self.args.weechat, "--dir", f"{state}/weechat"], {"HOME": state}

    def version(self):
        return run_text([self.args.weechat, "--version"]).strip()


class WeeChatNoPlugins(WeeChat):
    """`weechat -p`: WeeChat without its plugins, the fastest native terminal chat program."""
    name = "weechat-p"

    def prepare(self, state):
        return [self.args.weechat, "-p", "--dir", f"{state}/weechat"], {"HOME": state}


class Floor(Client):
    """The floor: a shell that prints one line and waits."""
    name = "floor"
    chat = False
    quit_keys = ["C-c"]

    def prepare(self, state):
        return ["/bin/sh", "-c", "echo ready; exec sleep 86400"], {"HOME": state}

    def version(self):
        return "/bin/sh"


def run_text(argv):
    """The first line a command prints, for versions."""
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=60).stdout.strip()
        return out.split("\n")[0][:40] or "?"
    except Exception as error:
        return f"? ({type(error).__name__})"


# ---------------------------------------------------------------- measurements

class Failed(Exception):
    pass


def pane_failure(tmux, what):
    screen = "\n".join(l for l in tmux.capture().split("\n") if l.strip())
    return Failed(f"{what}; the pane shows: {screen[-400:]!r}" if screen else f"{what}; the pane is empty")


def launch(tmux, client, state, timeout):
    """Spawns the client and waits for its stable frame; returns a dict of measurements."""
    argv, env = client.prepare(state)
    t0 = time.monotonic()
    tmux.respawn(shell_command(argv, env))
    frame, first, polls = None, None, 0
    while True:
        now = time.monotonic()
        if now - t0 > timeout:
            raise pane_failure(tmux, f"no stable frame within {timeout:.0f} s")
        screen = tmux.capture()
        polls += 1
        if polls % 10 == 0:
            _, dead, status = tmux.pane()
            if dead:
                raise pane_failure(tmux, "exited while starting" + (f" (status {status})" if status else ""))
        if screen.strip():
            if screen != frame:
                frame, first = screen, now
            elif now - first >= 0.05:
                break
        time.sleep(0.01)
    stable = first - t0
    pid, dead, status = tmux.pane()
    if dead:
        raise pane_failure(tmux, "exited while starting" + (f" (status {status})" if status else ""))
    quiet_end = first + 0.05
    outputs = [t for t in list(tmux.outputs) if t0 <= t <= quiet_end]
    output_s = (max(outputs) - t0) if outputs else None
    return {"pid": pid, "t0": t0, "launch_s": stable, "output_s": output_s, "frame": frame}


def idle(tmux, started, seconds=3.0):
    pid, t0, frame = started["pid"], started["t0"], started["frame"]
    tree = process_tree(pid)
    ticks0, w0 = cpu_ticks(tree), time.monotonic()
    last_change = started["launch_s"]
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        screen = tmux.capture()
        if screen != frame and screen.strip():
            frame, last_change = screen, time.monotonic() - t0
        time.sleep(0.1)
    tree = process_tree(pid)
    late = None
    if frame != started["frame"]:
        pairs = zip(started["frame"].split("\n"), frame.split("\n"))
        late = next(([a.strip()[:80], b.strip()[:80]] for a, b in pairs if a != b), None)
    return {"settled_s": last_change, "late_change": late, "idle_rss_kib": rss_kib(tree), "idle_pss_kib": pss_kib(tree),
            "idle_cpu_pct": 100.0 * (cpu_ticks(tree) - ticks0) / CLK_TCK / (time.monotonic() - w0)}


def quit_client(tmux, client, pid):
    try:
        for key in client.quit_keys:
            tmux.keys(key, literal=key.startswith("/"))
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if tmux.pane()[1]:
                return
            time.sleep(0.05)
    except Exception:
        pass
    stop_tree(pid)


class RequestLogReader:
    def __init__(self, path):
        self.path, self.offset = path, 0

    def skip_to_end(self):
        self.offset = os.path.getsize(self.path) if os.path.exists(self.path) else 0

    def new_entries(self):
        if not os.path.exists(self.path):
            return []
        with open(self.path, "rb") as f:
            f.seek(self.offset)
            data = f.read()
        complete = data[:data.rfind(b"\n") + 1]
        self.offset += len(complete)
        return [json.loads(line) for line in complete.decode().splitlines() if line.strip()]


def stream(tmux, client, state, log, question, timeouts):
    started = launch(tmux, client, state, timeouts.launch)
    time.sleep(1.5)  # let it finish start-up work (model lookups, history) before typing
    pid = started["pid"]
    tmux.keys(question, literal=True)
    time.sleep(0.5)
    log.skip_to_end()
    tree = process_tree(pid)
    samples = [(time.monotonic(), cpu_ticks(tree))]
    precise = [(samples[0][0], cpu_ns(tree))]
    t_send = samples[0][0]
    tmux.keys(*client.submit)
    entry, target, seen_at = None, None, None
    others, followups = [], []
    checked = t_send
    last_busy = t_send
    peak = 0.0
    while True:
        now = time.monotonic()
        ticks = cpu_ticks(tree)
        samples.append((now, ticks))
        precise.append((now, cpu_ns(tree)))
        # Busy: over 20% of a core in the last 0.25 s.
        for t_old, ticks_old in reversed(samples):
            if now - t_old >= 0.25:
                window = 100.0 * (ticks - ticks_old) / CLK_TCK / (now - t_old)
                if seen_at is None:
                    peak = max(peak, window)
                if window > 20:
                    last_busy = now
                break
        if now - checked > 0.5:  # the tree and liveness only twice a second: polling costs CPU too
            checked = now
            tree = process_tree(pid)
            if tmux.pane()[1]:
                raise pane_failure(tmux, "exited during the reply")
        for e in log.new_entries():
            if entry is None and e.get("method") == "POST" and e.get("path", "").endswith("chat/completions"):
                if e.get("status") != 200 or e.get("outcome") != "complete":
                    raise pane_failure(tmux, f"the emulator answered {e.get('status')} ({e.get('outcome')})")
                entry = e
                target = end_target(entry.get("reply_tail", ""))
            elif entry is None:
                others.append(f"{e.get('method')} {e.get('path')} {e.get('status')}")
            else:
                followups.append({"request": f"{e.get('method')} {e.get('path')} {e.get('status')}",
                                  "after_server_s": e["ended_mono"] - entry["ended_mono"]})
        if entry is None:
            if now - t_send > timeouts.request:
                raise pane_failure(tmux, f"no chat request reached the emulator within {timeouts.request:.0f} s"
                                   + (f" (it saw: {', '.join(others)})" if others else ""))
            time.sleep(0.025)
            continue
        server_end = entry["ended_mono"]
        if seen_at is None and target is not None and shows_end(tmux.capture(), target):
            seen_at = time.monotonic()
        if seen_at is not None and (now - max(seen_at, last_busy) >= 3 or now - seen_at > 10):
            break
        if seen_at is None and now - last_busy >= 5 and now - server_end >= 5:
            break  # idle for 5 s and the end is still not on screen: it will not come
        if now - server_end > timeouts.reply:
            raise pane_failure(tmux, f"the reply's end was not on screen {timeouts.reply:.0f} s after the server finished")
        time.sleep(0.025)
    cpu_done = max(last_busy, server_end)
    end = seen_at if seen_at is not None else cpu_done
    ticks_end = interpolate(samples, end)
    # The threads' own nanosecond counts, unless a thread ended during the reply (its time
    # is then only in the process's ticks): they agree within two ticks otherwise.
    cpu_s = (ticks_end - samples[0][1]) / CLK_TCK
    ns_s = (interpolate(precise, end) - precise[0][1]) / 1e9
    if abs(ns_s - cpu_s) <= 2.0 / CLK_TCK:
        cpu_s = ns_s
    result = {
        "last_token_s": end - server_end, "by": "screen" if seen_at is not None else "cpu",
        "cpu_busy_until_after_server_s": cpu_done - server_end,
        "mean_cpu_pct": 100.0 * cpu_s / (end - t_send),
        "cpu_s": cpu_s,
        "peak_cpu_pct": peak,
        "reply_bytes": entry.get("bytes"),
        "rss_after_kib": rss_kib(process_tree(pid)),
        "server_stream_s": server_end - entry["started_mono"],
        "send_to_server_end_s": server_end - t_send,
        "completion_tokens": entry.get("completion_tokens"),
        "end_detectable": target is not None,
        "requests_before": others,
        "requests_after": followups,
    }
    stop_tree(pid)
    stored = client.stored_reply(state)
    if stored is not None:
        result["stored_reply_complete"] = stored.rstrip().endswith(entry.get("reply_tail", "").rstrip())
    return result


def interpolate(samples, t):
    for (t1, c1), (t2, c2) in zip(samples, samples[1:]):
        if t1 <= t <= t2:
            return c1 + (c2 - c1) * ((t - t1) / (t2 - t1) if t2 > t1 else 0)
    return samples[-1][1]


# ---------------------------------------------------------------- emulator

def start_emulator(cachechat, speed, reply_tokens, log_path, workdir):
    argv = [cachechat, "serve", "--port", "0", "--memory", "--speed", str(speed), "--reply-tokens", str(reply_tokens)]
    if log_path:
        argv += ["--log-file", log_path]
    out = open(os.path.join(workdir, f"serve-{speed}.out"), "w+")
    process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "HOME": workdir})
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        out.seek(0)
        match = re.search(r"http://[0-9.]+:\d+", out.read())
        if match:
            return process, match.group(0)
        if process.poll() is not None:
            break
        time.sleep(0.05)
    process.kill()
    out.seek(0)
    raise SystemExit(f"bench_speed: the emulator did not start: {out.read()[-500:]}")


def ask_vs_curl(args, workdir, runs):
    """Wall time of a one-line `cachechat ask` (process start, config, request, print, saved
    in a fresh history) against the same streamed request made by curl, alternating, after
    one warm-up each; medians in ms."""
    process, url = start_emulator(args.cachechat, 0, 20, None, workdir)
    home = tempfile.mkdtemp(prefix="ask-", dir=workdir)
    env = {**os.environ, "HOME": home, "XDG_DATA_HOME": f"{home}/data", "XDG_CONFIG_HOME": f"{home}/config",
           "XDG_STATE_HOME": f"{home}/state"}
    body = json.dumps({"model": "deepseek-chat", "stream": True, "messages": [{"role": "user", "content": "Hello there"}]})
    commands = {
        "ask": [args.cachechat, "ask", "--base-url", url, "--api-key", "sk-bench", "--model", "deepseek-chat", "Hello there"],
        "curl": ["curl", "-sS", "-N", url + "/chat/completions", "-H", "Authorization: Bearer sk-bench",
                 "-H", "Content-Type: application/json", "-d", body],
    }
    times = {"ask": [], "curl": []}
    try:
        for run in range(runs + 1):
            for name, argv in commands.items():
                t0 = time.monotonic()
                result = subprocess.run(argv, env=env, capture_output=True, timeout=60)
                elapsed = time.monotonic() - t0
                if result.returncode != 0:
                    raise Failed(f"{name} exited {result.returncode}: {result.stderr.decode(errors='replace')[-300:]}")
                if run > 0:
                    times[name].append(elapsed * 1000)
    finally:
        process.terminate()
        process.wait()
    ask, curl = statistics.median(times["ask"]), statistics.median(times["curl"])
    return {"ask_ms": ask, "curl_ms": curl, "ratio": ask / curl, "runs": runs}


def stream_profiles(args, workdir, env, question, timeouts, profiles):
    """cachechat streaming replies of several lengths and speeds, each from its own emulator:
    mean and peak CPU, the last token's lag, CPU per token and RSS after."""
    rows = []
    for spec in profiles:
        tokens, speed = (int(x) for x in spec.split("@"))
        log_path = os.path.join(workdir, f"profile-{tokens}-{speed}.jsonl")
        open(log_path, "w").close()
        process, url = start_emulator(args.cachechat, speed, tokens, log_path, workdir)
        tmux = Tmux(f"profile-{tokens}", workdir, env)
        try:
            client = Cachechat(args, url, workdir)
            state = tempfile.mkdtemp(prefix=f"profile-{tokens}-", dir=workdir)
            idle_started = launch(tmux, client, state, timeouts.launch)
            idle_rss = idle(tmux, idle_started)["idle_rss_kib"] / 1024
            quit_client(tmux, client, idle_started["pid"])
            state = tempfile.mkdtemp(prefix=f"profile-{tokens}-", dir=workdir)
            measured = stream(tmux, client, state, RequestLogReader(log_path), question, timeouts)
            measured.update(tokens=tokens, speed=speed, idle_rss_mib=idle_rss, rss_after_mib=measured.pop("rss_after_kib") / 1024)
            rows.append(measured)
            print(f"profile {tokens:,} tokens at {speed:,}/s: mean CPU {measured['mean_cpu_pct']:.1f}%, peak "
                  f"{measured['peak_cpu_pct']:.0f}%, last token {measured['last_token_s'] * 1000:.0f} ms after the server, "
                  f"{measured['cpu_s'] * 1e6 / tokens:.0f} µs CPU per token, RSS {idle_rss:.1f} → {measured['rss_after_mib']:.1f} MiB",
                  flush=True)
        except Exception as error:
            print(f"profile {spec}: failed: {error}", flush=True)
        finally:
            tmux.close()
            process.terminate()
            process.wait()
    return rows


def profile_table(rows):
    out = ["| reply | mean CPU % | peak CPU % | last token after server ms | CPU µs per token | RSS idle → after MiB |",
           "|---|--:|--:|--:|--:|--:|"]
    for r in rows:
        out.append(f"| {r['tokens']:,} tokens at {r['speed']:,}/s | {r['mean_cpu_pct']:.1f} | {r['peak_cpu_pct']:.0f} | "
                   f"{r['last_token_s'] * 1000:.0f} | {r['cpu_s'] * 1e6 / r['tokens']:.0f} | "
                   f"{r['idle_rss_mib']:.1f} → {r['rss_after_mib']:.1f} |")
    return "\n".join(out)


def targets(results, ask, profiles=()):
    """The issue's targets as ratios from this run."""
    lines = []
    def ratio(a, b, key):
        ra, rb = results.get(a, {}).get(key), results.get(b, {}).get(key)
        return ra / rb if ra and rb else None
    def say(label, value, goal, unit="×"):
        if value is None:
            lines.append(f"- {label}: not measured")
        else:
            lines.append(f"- {label}: {value:.2f}{unit} (target ≤ {goal}{unit}) — {'met' if value <= goal else 'not met'}")
    say("launch, built-in endpoint / weechat -p, by last output", ratio("cachechat-builtin", "weechat-p", "output_ms"), 0.5)
    say("launch, remote endpoint / weechat -p, by last output", ratio("cachechat", "weechat-p", "output_ms"), 0.5)
    say("launch, built-in endpoint / weechat -p, by capture polls (~13 ms apart)",
        ratio("cachechat-builtin", "weechat-p", "launch_ms"), 0.5)
    say("launch, remote endpoint / weechat -p, by capture polls (~13 ms apart)", ratio("cachechat", "weechat-p", "launch_ms"), 0.5)
    say("idle RSS / weechat -p", ratio("cachechat-builtin", "weechat-p", "idle_rss_mib"), 1.0)
    say("idle PSS / weechat -p", ratio("cachechat-builtin", "weechat-p", "idle_pss_mib"), 1.0)
    if ask:
        say(f"`cachechat ask` one line / curl ({ask['ask_ms']:.0f} ms / {ask['curl_ms']:.0f} ms)", ask["ratio"], 2.0)
    by = {(r["tokens"], r["speed"]): r for r in profiles}
    slow = next((r for r in profiles if r["speed"] <= 50), None)
    if slow:
        say(f"CPU streaming at {slow['speed']} tok/s", slow["mean_cpu_pct"], 3, unit="%")
    fast = next((r for r in profiles if r["speed"] == 2000), None)
    if fast:
        say("CPU streaming at 2,000 tok/s", fast["mean_cpu_pct"], 10, unit="%")
        say("last token after the server's last byte at 2,000 tok/s", fast["last_token_s"] * 1000, 50, unit=" ms")
    long, short = by.get((40000, 5000)), by.get((2000, 5000))
    if long and short:
        say("CPU per token, 40,000-token reply / 2,000-token reply", (long["cpu_s"] / 40000) / (short["cpu_s"] / 2000), 1.2)
        if long.get("reply_bytes"):
            grown = (long["rss_after_mib"] - long["idle_rss_mib"]) * 1024 * 1024 / long["reply_bytes"]
            say("RSS growth over a 40,000-token reply / its bytes on the wire (SSE; tui-bench gives it against the text)", grown, 3.0)
    return "\n".join(lines)


def reply_text(url, messages):
    body = json.dumps({"model": "deepseek-chat", "stream": False, "messages": messages}).encode()
    request = urllib.request.Request(url + "/chat/completions", body,
                                     {"Authorization": "Bearer sk-bench", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)["choices"][0]["message"]["content"]


def pick_question(url):
    """A question whose reply ends in a way the screen check can recognise, for every
    request shape the clients send (a bare user message; elia adds its system prompt)."""
    for question in QUESTIONS:
        shapes = [[{"role": "user", "content": question}],
                  [{"role": "system", "content": ELIA_SYSTEM}, {"role": "user", "content": question}]]
        if all(end_target(reply_text(url, shape)[-400:]) for shape in shapes):
            return question
    raise SystemExit("bench_speed: no candidate question gives a recognisable reply end")


# ---------------------------------------------------------------- report

def machine():
    info = {"nproc": os.cpu_count(), "kernel": platform.release()}
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for key in ("Model name", "Vendor ID", "CPU family", "Model", "Thread(s) per core", "Hypervisor vendor"):
            m = re.search(rf"^{re.escape(key)}:\s*(.+)$", lscpu, re.M)
            if m:
                info[key] = m.group(1).strip()
    except OSError:
        pass
    with open("/proc/meminfo") as f:
        info["memory_gib"] = round(int(f.readline().split()[1]) / 1024 / 1024, 1)
    info["load_before"] = os.getloadavg()
    return info


def fmt_ratio(value, base, floor=None):
    if value is None or base is None:
        return ""
    if floor is not None and base < floor:
        return f"≥{value / floor:,.0f}×" if value / floor >= 10 else f"≥{value / floor:.1f}×"
    if base <= 0:
        return ""
    r = value / base
    return f"{r:,.0f}×" if r >= 10 else f"{r:.1f}×"


def cell(text):
    return " ".join(str(text).replace("|", "/").split())


def table(results, order):
    base = results.get("cachechat", {})
    bl = base.get("launch_ms"); bi = base.get("idle_rss_mib"); bs = base.get("last_token_s"); ba = base.get("rss_after_mib")
    bo = base.get("output_ms")
    rows = ["| client | version | launch ms (median) | × | last output ms | × | settled ms | idle RSS MiB | × | idle PSS MiB "
            "| last token after server s | × | mean CPU % | RSS after MiB | × |",
            "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for name in order:
        r = results.get(name)
        if r is None:
            continue
        if "error" in r and "launch_ms" not in r:
            rows.append("| " + " | ".join([name, r.get("version", ""), "failed: " + cell(r["error"])] + [""] * 12) + " |")
            continue
        output = r.get("output_ms")
        cells = [name, r.get("version", ""), f"{r['launch_ms']:,.0f}", fmt_ratio(r["launch_ms"], bl),
                 f"{output:,.1f}" if output is not None else "—", fmt_ratio(output, bo) if output and bo else "",
                 f"{r['settled_ms']:,.0f}", f"{r['idle_rss_mib']:.1f}", fmt_ratio(r["idle_rss_mib"], bi),
                 f"{r.get('idle_pss_mib', 0):.1f}"]
        if "stream_error" in r:
            cells += ["failed: " + cell(r["stream_error"]), "", "", "", ""]
        elif "last_token_s" in r:
            mark = " (cpu)" if r["by"] == "cpu" else ""
            cells += [f"{r['last_token_s']:.2f}{mark}",
                      "1×" if name == "cachechat" else fmt_ratio(r["last_token_s"], bs, floor=0.03),
                      f"{r['mean_cpu_pct']:.0f}", f"{r['rss_after_mib']:.1f}", fmt_ratio(r["rss_after_mib"], ba)]
        else:
            cells += ["—", "", "", "", ""]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


# ---------------------------------------------------------------- main

class Timeouts:
    def __init__(self, args):
        self.launch, self.request, self.reply = args.launch_timeout, 60.0, args.reply_timeout


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cachechat", required=True)
    parser.add_argument("--oterm")
    parser.add_argument("--elia")
    parser.add_argument("--weechat", default=shutil.which("weechat"))
    parser.add_argument("--clients", default="cachechat,cachechat-builtin,weechat-p,floor",
                        help="comma-separated: cachechat, cachechat-builtin, weechat-p, floor, weechat, oterm, elia; "
                             "'all' for every one")
    parser.add_argument("--ask-runs", type=int, default=10, help="one-line `cachechat ask` against curl, runs each (0: skip)")
    parser.add_argument("--profiles", default="500@50,5000@2000,2000@5000,40000@5000",
                        help="cachechat streams TOKENS@SPEED, comma-separated, each from its own emulator ('' skips)")
    parser.add_argument("--runs", type=int, default=3, help="measured launches per client (after one warm-up)")
    parser.add_argument("--stream-runs", type=int, default=3, help="streamed replies per chat client (median)")
    parser.add_argument("--speed", type=float, default=2000)
    parser.add_argument("--reply-tokens", type=int, default=5000)
    parser.add_argument("--launch-timeout", type=float, default=60)
    parser.add_argument("--reply-timeout", type=float, default=240)
    parser.add_argument("--json", help="write every measurement here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="bench-speed-")
    log_path = os.path.join(workdir, "requests.jsonl")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
           "HOME": workdir, "TMPDIR": workdir}
    info = machine()
    emulator, url = start_emulator(args.cachechat, args.speed, args.reply_tokens, log_path, workdir)
    calibration, calibration_url = start_emulator(args.cachechat, 0, args.reply_tokens, None, workdir)
    try:
        question = pick_question(calibration_url)
    except BaseException:
        emulator.terminate()  # the main emulator too: nothing else will stop it
        raise
    finally:
        calibration.terminate()
        calibration.wait()
    print(f"emulator {url}: {args.reply_tokens:,} tokens at {args.speed:,.0f}/s; question {question!r}", flush=True)

    kinds = {"cachechat": Cachechat, "cachechat-builtin": CachechatBuiltIn, "oterm": Oterm, "elia": Elia,
             "weechat": WeeChat, "weechat-p": WeeChatNoPlugins, "floor": Floor}
    order = [c.strip() for c in args.clients.split(",") if c.strip()]
    if order == ["all"]:
        order = ["cachechat", "cachechat-builtin", "weechat-p", "floor", "weechat", "oterm", "elia"]
    results = {}
    log = RequestLogReader(log_path)
    timeouts = Timeouts(args)
    try:
        for name in order:
            client = kinds[name](args, url, workdir)
            result = results[name] = {}
            binary = {"cachechat": args.cachechat, "cachechat-builtin": args.cachechat, "oterm": args.oterm,
                      "elia": args.elia, "weechat": args.weechat, "weechat-p": args.weechat, "floor": "/bin/sh"}[name]
            if not binary or not os.path.exists(binary):
                result["error"] = f"not installed ({binary or 'no path given'})"
                print(f"{name}: {result['error']}", flush=True)
                continue
            result["version"] = client.version()
            tmux = Tmux(name, workdir, env, watch_output=True)
            try:
                state = tempfile.mkdtemp(prefix=f"{name}-launch-", dir=workdir)
                launches = []
                for run in range(args.runs + 1):
                    started = launch(tmux, client, state, timeouts.launch)
                    measured = {**idle(tmux, started), "launch_s": started["launch_s"], "output_s": started["output_s"]}
                    quit_client(tmux, client, started["pid"])
                    if run > 0:
                        launches.append(measured)
                    label = "warm-up" if run == 0 else f"run {run}"
                    shown = f"{measured['output_s'] * 1000:,.1f} ms" if measured["output_s"] is not None else "none seen"
                    print(f"{name} {label}: stable {measured['launch_s'] * 1000:,.0f} ms, last output {shown}, settled "
                          f"{measured['settled_s'] * 1000:,.0f} ms, idle RSS {measured['idle_rss_kib'] / 1024:.1f} MiB, "
                          f"idle CPU {measured['idle_cpu_pct']:.1f}%", flush=True)
                result["launches"] = launches
                result["launch_ms"] = statistics.median(m["launch_s"] for m in launches) * 1000
                outputs = [m["output_s"] for m in launches if m["output_s"] is not None]
                if len(outputs) == len(launches):
                    result["output_ms"] = statistics.median(outputs) * 1000
                result["settled_ms"] = statistics.median(m["settled_s"] for m in launches) * 1000
                result["idle_rss_mib"] = statistics.median(m["idle_rss_kib"] for m in launches) / 1024
                result["idle_pss_mib"] = statistics.median(m["idle_pss_kib"] for m in launches) / 1024
                result["idle_cpu_pct"] = statistics.median(m["idle_cpu_pct"] for m in launches)
            except Failed as failure:
                result["error"] = str(failure)
                print(f"{name}: failed: {failure}", flush=True)
            except Exception as error:
                result["error"] = f"{type(error).__name__}: {error}"
                print(f"{name}: failed: {result['error']}", flush=True)
            tmux.stop_watching()
            if client.chat and "error" not in result:
                streams = []
                for run in range(args.stream_runs):
                    try:
                        state = tempfile.mkdtemp(prefix=f"{name}-stream-", dir=workdir)
                        measured = stream(tmux, client, state, log, question, timeouts)
                        measured["rss_after_mib"] = measured.pop("rss_after_kib") / 1024
                        streams.append(measured)
                        print(f"{name} stream {run + 1}: last token {measured['last_token_s']:.2f} s after the server "
                              f"finished (by {measured['by']}; busy until {measured['cpu_busy_until_after_server_s']:.2f} s), "
                              f"mean CPU {measured['mean_cpu_pct']:.0f}%, RSS after {measured['rss_after_mib']:.1f} MiB, "
                              f"server stream {measured['server_stream_s']:.2f} s"
                              + (f", stored reply complete: {measured['stored_reply_complete']}"
                                 if "stored_reply_complete" in measured else "")
                              + (f", later requests: " + ", ".join(f"{r['request']} at +{r['after_server_s']:.2f} s"
                                                                   for r in measured["requests_after"])
                                 if measured["requests_after"] else ""), flush=True)
                    except Failed as failure:
                        result["stream_error"] = str(failure)
                        print(f"{name} stream {run + 1}: failed: {failure}", flush=True)
                        break
                    except Exception as error:
                        result["stream_error"] = f"{type(error).__name__}: {error}"
                        print(f"{name} stream {run + 1}: failed: {result['stream_error']}", flush=True)
                        break
                if streams:
                    result.pop("stream_error", None)
                    result["streams"] = streams
                    for key in ("last_token_s", "mean_cpu_pct", "rss_after_mib"):
                        result[key] = statistics.median(m[key] for m in streams)
                    result["by"] = "screen" if all(m["by"] == "screen" for m in streams) else "cpu"
            tmux.close()
    finally:
        emulator.terminate()
        emulator.wait()

    print()
    print(f"Machine: {info.get('nproc')} cores, {info.get('Model name', '?')}, {info.get('memory_gib')} GiB, "
          f"Linux {info.get('kernel')}; load average before {', '.join(f'{x:.2f}' for x in info['load_before'])}, "
          f"after {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"Versions: " + ", ".join(f"{n} {results[n].get('version', '?')}" for n in order if n in results))
    print(f"Reply: {args.reply_tokens:,} tokens at {args.speed:,.0f} tokens/s; {COLS}x{ROWS} tmux; "
          f"launch = median of {args.runs} after a warm-up, stream figures median of {args.stream_runs}; "
          f"× = ratio to cachechat")
    print()
    print(table(results, order))
    ask = None
    if args.ask_runs > 0:
        try:
            ask = ask_vs_curl(args, workdir, args.ask_runs)
        except Exception as error:
            print(f"ask against curl: failed: {error}")
    profiles = []
    if args.profiles and "cachechat" in order:
        print()
        profiles = stream_profiles(args, workdir, env, question, timeouts, [p for p in args.profiles.split(",") if p])
        if profiles:
            print()
            print(profile_table(profiles))
    print()
    print("Targets:")
    print(targets(results, ask, profiles))
    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, "w") as f:
            json.dump({"machine": info, "ask_vs_curl": ask, "profiles": profiles, "question": question, "speed": args.speed, "reply_tokens": args.reply_tokens,
                       "results": results}, f, indent=2, default=str)
        print(f"\nAll measurements: {args.json}")
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    else:
        print(f"Kept {workdir}")


if __name__ == "__main__":
    main()
