#!/usr/bin/env python3
"""Long versions of the hardening II abuse cases (issue 17), against the built binary.

Run through scripts/redteam.sh. Each case prints nothing while it runs and adds one row
to the table printed at the end: case | tried | survived. "Survived" means what the case
says after its name: requests answered, the server still up, descriptors bounded, no
crash, the history intact. Every wait is for a state, with a safety limit.
"""
import json
import resource
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BINARY = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/cachechat"
ROWS = []


def row(name, tried, survived, note=""):
    ROWS.append((name, tried, survived, note))


def environment(home, extra=None):
    env = {
        "HOME": home, "XDG_CONFIG_HOME": home + "/config", "XDG_DATA_HOME": home + "/data",
        "XDG_STATE_HOME": home + "/state", "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8", "NO_PROXY": "127.0.0.1,localhost",
    }
    env.update(extra or {})
    return env


class Serve:
    """`cachechat serve` on a free port; stops on exit."""

    def __init__(self, home, arguments):
        self.process = subprocess.Popen([BINARY, "serve", "--port", "0"] + arguments, env=environment(home),
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                        # the usual limit, which 1,100 ids used to exhaust
                                        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024)))
        line = self.process.stdout.readline().decode()
        url = next(word for word in line.split() if word.startswith("http://"))
        self.port = int(url.rsplit(":", 1)[1])
        threading.Thread(target=self.process.stdout.read, daemon=True).start()

    def alive(self):
        return self.process.poll() is None

    def descriptors(self):
        return len(os.listdir(f"/proc/{self.process.pid}/fd"))

    def stop(self):
        if self.alive():
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def chat_body(question="Hello", user=None):
    body = {"model": "deepseek-chat", "messages": [{"role": "user", "content": question}]}
    if user is not None:
        body["user_id"] = user
    return json.dumps(body).encode()


def request(port, body, key="sk-redteam-0001", limit=120):
    """One POST; returns the status code, or None when the connection failed."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=limit) as s:
            head = (f"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {key}\r\n"
                    f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode()
            s.sendall(head + body)
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
            return int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.1 ") else None
    except OSError:
        return None


def slowloris(connections=1100, good=20):
    """Many connections that never finish their head; quick requests must still be answered."""
    home = tempfile.mkdtemp(prefix="redteam-")
    serve = Serve(home, ["--memory", "--speed", "0"])
    slow = []
    try:
        for _ in range(connections):
            try:
                s = socket.create_connection(("127.0.0.1", serve.port), timeout=10)
                s.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
                slow.append(s)
            except OSError:
                pass
        answered = sum(1 for _ in range(good) if request(serve.port, chat_body()) == 200)
        held = serve.descriptors()
        ok = serve.alive() and answered == good and held < 600
        row(f"slowloris: {connections} slow connections, then {good} requests", connections + good,
            (connections + answered) if ok else answered, f"answered {answered}/{good}, server fds {held}")
    finally:
        for s in slow:
            s.close()
        serve.stop()
        shutil.rmtree(home, ignore_errors=True)


def many_ids(ids=1100):
    """Distinct user_ids each get a cache journal; descriptors must stay bounded."""
    home = tempfile.mkdtemp(prefix="redteam-")
    serve = Serve(home, ["--data-dir", home + "/cache", "--speed", "0"])
    try:
        answered = 0
        peak = 0
        for index in range(ids):
            if request(serve.port, chat_body("Hello", user=f"user-{index}")) == 200:
                answered += 1
            if index % 50 == 0:
                peak = max(peak, serve.descriptors())
        peak = max(peak, serve.descriptors())
        journals = len([n for n in os.listdir(home + "/cache") if n.endswith(".journal")])
        ok = serve.alive() and answered == ids and peak < 200
        row(f"{ids} distinct user_ids (journals on disk)", ids, answered if ok else min(answered, ids - 1),
            f"peak fds {peak}, journals {journals}")
    finally:
        serve.stop()
        shutil.rmtree(home, ignore_errors=True)


class HugeReply(BaseHTTPRequestHandler):
    """A hostile endpoint: a 20 MB streamed reply in small SSE events."""
    size = int(os.environ.get("REDTEAM_REPLY_MB", "20")) * 1024 * 1024

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        # Ordinary words: a run of one letter is a separate, known slow case for the
        # tokenizer (see the report), not what this case measures.
        piece = " ".join(f"word{i % 997}" for i in range(500))
        event = ("data: " + json.dumps({"id": "r", "object": "chat.completion.chunk", "created": 1, "model": "deepseek-chat",
                 "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}) + "\n\n").encode()
        sent = 0
        try:
            while sent < self.size:
                self.wfile.write(event)
                sent += len(piece)
            usage = {"prompt_tokens": 10, "completion_tokens": 5000000, "total_tokens": 5000010,
                     "prompt_cache_hit_tokens": 0, "prompt_cache_miss_tokens": 10}
            self.wfile.write(("data: " + json.dumps({"id": "r", "object": "chat.completion.chunk", "created": 1,
                              "model": "deepseek-chat", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                              "usage": usage}) + "\n\ndata: [DONE]\n\n").encode())
        except OSError:
            pass

    def log_message(self, *args):
        pass


def history_ok(home):
    path = home + "/data/cachechat/history.sqlite"
    if not os.path.exists(path):
        return True, 0
    db = sqlite3.connect(path)
    try:
        check = db.execute("PRAGMA integrity_check").fetchone()[0]
        replies = db.execute("SELECT length(content) FROM message WHERE role = 'assistant' ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        db.close()  # an open connection would keep the tmpfs busy
    return check == "ok", (replies[0] if replies else 0)


def huge_replies(runs=3):
    """20 MB replies through `ask`: no crash, the reply stored whole, the history intact."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), HugeReply)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    survived = 0
    notes = []
    try:
        for _ in range(runs):
            home = tempfile.mkdtemp(prefix="redteam-")
            env = environment(home, {"DEEPSEEK_BASE_URL": f"http://127.0.0.1:{server.server_port}",
                                     "DEEPSEEK_API_KEY": "sk-redteam-huge-1"})
            result = subprocess.run([BINARY, "ask", "--model", "deepseek-chat", "Tell me everything"], env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
            intact, stored = history_ok(home)
            if result.returncode == 0 and intact and stored >= HugeReply.size:
                survived += 1
            notes.append(f"exit {result.returncode}, printed {len(result.stdout) // (1 << 20)} MiB, stored {stored // (1 << 20)} MiB")
            shutil.rmtree(home, ignore_errors=True)
    finally:
        server.shutdown()
    row(f"{HugeReply.size >> 20} MB replies through ask ({runs} runs)", runs, survived, "; ".join(sorted(set(notes))))


def disk_fill(runs=3):
    """A 4 MiB tmpfs for the history, filled during a 20 MB reply (root only)."""
    if os.geteuid() != 0:
        row("disk full during a reply", 0, 0, "skipped: needs root for a small tmpfs")
        return
    server = ThreadingHTTPServer(("127.0.0.1", 0), HugeReply)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    survived = 0
    notes = []
    try:
        for _ in range(runs):
            home = tempfile.mkdtemp(prefix="redteam-")
            data = home + "/data"
            os.makedirs(data)
            if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", data]).returncode != 0:
                row("disk full during a reply", 0, 0, "skipped: mount failed (no privilege for tmpfs here)")
                shutil.rmtree(home, ignore_errors=True)
                return
            try:
                env = environment(home, {"DEEPSEEK_BASE_URL": f"http://127.0.0.1:{server.server_port}",
                                         "DEEPSEEK_API_KEY": "sk-redteam-disk-1"})
                result = subprocess.run([BINARY, "ask", "--model", "deepseek-chat", "Fill the disk"], env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
                intact, _ = history_ok(home)
                crashed = result.returncode >= 128 and result.returncode != 130
                said = b"saved" in result.stderr or b"disk" in result.stderr.lower()
                if not crashed and intact and len(result.stdout) >= HugeReply.size and said:
                    survived += 1
                notes.append(f"exit {result.returncode}, printed {len(result.stdout) // (1 << 20)} MiB, "
                             f"history {'ok' if intact else 'DAMAGED'}, {'said so' if said else 'silent'}")
            finally:
                if subprocess.run(["umount", data]).returncode == 0:
                    shutil.rmtree(home, ignore_errors=True)
    finally:
        server.shutdown()
    row(f"disk full during a {HugeReply.size >> 20} MB reply ({runs} runs)", runs, survived, "; ".join(sorted(set(notes))))


def main():
    cases = {"slowloris": slowloris, "ids": many_ids, "huge": huge_replies, "disk": disk_fill}
    chosen = [name for name in sys.argv[2:]] or list(cases)
    for name in chosen:
        started = time.monotonic()
        try:
            cases[name]()
        except Exception as error:  # a case that breaks is a row, not a traceback
            row(name, 1, 0, f"the case itself failed: {error}")
        ROWS[-1] = ROWS[-1][:3] + (ROWS[-1][3] + f" [{time.monotonic() - started:.0f} s]",)
    width = max(len(r[0]) for r in ROWS)
    print(f"{'case'.ljust(width)} | tried | survived | notes")
    print(f"{'-' * width}-|-------|----------|------")
    for name, tried, survived, note in ROWS:
        print(f"{name.ljust(width)} | {tried:5d} | {survived:8d} | {note}")
    return 0 if all(r[1] == r[2] for r in ROWS) else 1


if __name__ == "__main__":
    sys.exit(main())
