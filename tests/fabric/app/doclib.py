"""What readme-test.py needs to check a Markdown document against the program: its fenced blocks, output
compared line by line (masks, `...`), and `ofab serve` sessions run over TCP as a reader would run them.

A session is the server (`scripts/ofab serve ...`), maybe the example controller, and a client that types
the session's request lines (`{"cmd":...}`) as nc would; it records every line that comes back, and what
the server and the controller print."""

import json
import os
import re
import shlex
import socket
import subprocess
import time
from typing import NamedTuple

from testlib import PYTHON, ROOT, check, require

# What may differ between a document and a run: figures of the machine, never of the simulation. Each is
# replaced by a placeholder on both sides before lines are compared.
MASKS = [
    # The summary's simulation line: wall seconds and events per wall second measure the machine's speed.
    (r"events in \d+\.\d+ s wall \(\d+\.\d+ M events/s\)", "events in <wall> s wall (<rate> M events/s)"),
    # A loopback port: the OS picks the server's (the test listens on port 0) and each client's.
    (r"127\.0\.0\.1:\d+", "127.0.0.1:<port>"),
]
# Lines of the output left out altogether: `ofab run`'s progress line (stderr) comes every 10 s of wall
# time, so a slow machine prints more of them.
DROP = [r"^\[[# ]+\] +\d+\.\d%  sim .* M events/s$"]
# A session's port: the test lets the server pick a free one instead of the default 7700.
LISTEN = ["--listen", "127.0.0.1:0"]
SERVE = r"^(scripts/)?ofab serve "
CONTROLLER = "scripts/ofab-controller-example"


class Block(NamedTuple):
    doc: str  # the document's path from the project root
    first: int  # line of the opening fence
    lang: str
    lines: list
    section: str  # the heading above it


def blocks(doc):
    """A document's fenced blocks, in order (a fence may be indented, as in a list item)."""
    with open(os.path.join(ROOT, doc)) as f:
        lines = f.read().split("\n")
    found, section, n = [], "", 0
    while n < len(lines):
        if re.match(r"^#+ ", lines[n]):
            section = lines[n]
        m = re.match(r"^( *)```(\w*)$", lines[n])
        if m:
            indent = m.group(1)
            end = lines.index(indent + "```", n + 1)
            body = [line[len(indent):] if line.startswith(indent) else line for line in lines[n + 1:end]]
            found.append(Block(doc, n + 1, m.group(2), body, section))
            n = end
        n += 1
    return found


def commands(block, comments=False):
    """A sh block's command lines: (line, command without its comment[, the comment])."""
    out = []
    for i, line in enumerate(block.lines):
        command, comment = re.match(r"^(.*?)(?:(?:^|\s+)#(.*))?$", line).groups()
        if command.strip():
            out.append((block.first + 1 + i, command.strip()) + ((comment or "",) if comments else ()))
    return out


def masked(line):
    for pattern, placeholder in MASKS:
        line = re.sub(pattern, placeholder, line)
    return line


def matches(shown, printed):
    """A shown line against a printed one: equal after the masks, `...` standing for any text."""
    shown, printed = masked(shown), masked(printed)
    if "..." not in shown:
        return shown == printed
    return re.fullmatch(".*?".join(re.escape(part) for part in shown.split("...")), printed, re.S) is not None


def compare(doc, start, shown, printed, what):
    """Checks shown lines (the first at line `start` of `doc`) against the printed ones, in order; a shown
    line that starts with `...` stands for printed lines left out. On a difference, names the line."""
    printed = [line for line in printed if not any(re.match(p, line) for p in DROP)]
    while printed and not printed[-1].strip():
        printed.pop()
    j, problem = 0, None
    for i, line in enumerate(shown):
        where, after = f"{doc}:{start + i}", f"{doc}:{start + i + 1}"
        if line.startswith("..."):
            if i + 1 == len(shown):
                j = len(printed)
            else:  # lines left out: the next shown line is found further down
                k = next((k for k in range(j, len(printed)) if matches(shown[i + 1], printed[k])), None)
                if k is None:
                    problem = f"{after}: no line printed after line {j} matches\n      shown: {shown[i + 1]}"
                    break
                j = k
            continue
        if j >= len(printed):
            problem = f"{where}: the output ended before\n      shown: {line}"
            break
        if not matches(line, printed[j]):
            problem = f"{where}: differs\n      shown:   {line}\n      printed: {printed[j]}"
            break
        j += 1
    if problem is None and j < len(printed):
        problem = f"{doc}:{start + len(shown) - 1}: the shown lines end; printed more:\n      {printed[j]}"
    detail = ""
    if problem:
        detail = problem + "\n      what it printed (masks not applied):\n" + "\n".join("        " + l for l in printed)
    check(problem is None, f"{doc}:{start - 1}: the output block is what {what} prints", detail)


class Sessions:
    """Runs commands and `ofab serve` sessions in a sandbox folder with the given binary."""

    def __init__(self, ofab, sandbox, env, started):
        self.ofab, self.sandbox, self.env, self.started = ofab, sandbox, env, started

    def argv(self, command):
        words = shlex.split(command)
        if words[0] in ("scripts/ofab", "ofab"):
            return [self.ofab] + words[1:]
        return [PYTHON] + words if words[0].startswith("scripts/") else words

    def wait_for(self, path, pattern, proc, what):
        deadline = time.time() + 60
        while time.time() < deadline:
            with open(path) as f:
                m = re.search(pattern, f.read())
            if m:
                return m
            if proc.poll() is not None:
                break
            time.sleep(0.05)
        with open(path) as f:
            require(False, what, f.read()[-2000:])

    def start(self, command, name, **kw):
        """Starts a program of a session: its stdout and stderr go to files named after it."""
        out, err = (os.path.join(self.sandbox, f"{name}.{s}") for s in ("out", "err"))
        proc = subprocess.Popen(self.argv(command), cwd=self.sandbox, env=self.env, stdin=subprocess.DEVNULL,
                                stdout=open(out, "w"), stderr=open(err, "w"), **kw)
        self.started.append(proc)
        return proc, out, err

    def run(self, where, serve, controllers, typed, register=False):
        """Starts `serve` (on a free port), then each controller command, connects and sends the typed
        lines one by one, each followed by what arrives until its reply, then records what arrives until
        the run ends and the server closes. With `register`, the client first registers as the external
        controller and sends `stop` at the first controller_event. Returns the client's lines (typed and
        received, in order) and what the server and each controller printed (stderr, then stdout)."""
        tag = re.sub(r"[/:]", "-", where)  # README.md-93: the files of the session at README.md:93
        server, *server_files = self.start(serve + " " + shlex.join(LISTEN), f"serve-{tag}")
        port = self.wait_for(server_files[1], r"listening on 127\.0\.0\.1:(\d+)", server,
                             f"{where}: the server starts").group(1)
        procs = []
        for n, c in enumerate(controllers):
            procs.append(self.start(c.replace(":7700", ":" + port), f"controller-{tag}-{n}"))
            self.wait_for(procs[-1][2], r"controller: registered", procs[-1][0],
                          f"{where}: the example controller registers")
        if register:
            typed = ['{"cmd":"controller","register":true}'] + typed
        printed = []
        try:
            with socket.create_connection(("127.0.0.1", int(port)), timeout=120) as sock:
                received = sock.makefile("r")
                for line in typed:
                    sock.sendall((line + "\n").encode())  # as typed, then what arrives until its reply
                    printed.append(line)
                    while True:
                        line = received.readline().rstrip("\n")
                        printed.append(line)
                        if not line or json.loads(line).get("type") == "reply":
                            break
                for line in received:  # until the run ends and the server closes
                    printed.append(line.rstrip("\n"))
                    if register and json.loads(line).get("type") == "controller_event":
                        sock.sendall(b'{"cmd":"stop"}\n')
            code = server.wait(timeout=120)
            codes = [p.wait(timeout=60) for p, _, _ in procs]
        except (OSError, ValueError, subprocess.TimeoutExpired) as e:
            require(False, f"{where}: the session runs to the end", f"{e!r}; received:\n" + "\n".join(printed))
        check(code == 0 and all(c == 0 for c in codes), f"{where}: the server and the controller exit 0",
              f"server {code}, controller {codes}")

        def output(out, err):  # as a terminal shows it: the server's stdout is its summary, printed last
            lines = []
            for path in (err, out):
                with open(path) as f:
                    lines += f.read().splitlines()
            return lines
        return printed, output(*server_files), [output(out, err) for _, out, err in procs]
