"""README.md's commands, run as a reader would run them, so the README cannot drift from the program.

Every command line of every ```sh block is run (with the binary given here in place of scripts/ofab)
or deliberately skipped, by the rules below; a line no rule names fails the test, so a new command in
the README is run or skipped on purpose. An output block (``` with no language) after a sh block, in
the same section, is what that block prints: the test compares it line by line with the output of the
block's commands. A block with `scripts/ofab serve` and `nc` is a session: the test starts the server
(and the example controller when the block has one), sends the block's typed lines (`{"cmd":...}`) as
nc would and records every line that comes back. Besides the masks below, a README output line may
leave text out with `...` (the README says so: "long lines shortened"), and a line that starts with
`...` stands for lines left out. Simulated figures are compared exactly as printed.

Commands run in a temporary folder that links experiments/, scripts/ and tests/, so their outputs
(out/...) land there and the project's out/ is never written. It also checks the README's table of the
compare-fabrics sweep against the sweep's index, and runs the README's python block that reads it (the
"Reading a trace" blocks are trace-reader-test.py's).
Usage: readme-test.py OFAB_BINARY (run from the project root)."""

import atexit
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import PYTHON, ROOT, check, failures, finish, require, workdir  # noqa: E402

# What may differ between the README and a run: figures of the machine, never of the simulation. Each
# is replaced by a placeholder on both sides before lines are compared.
MASKS = [
    # The summary's simulation line: wall seconds and events per wall second measure the machine's speed.
    (r"events in \d+\.\d+ s wall \(\d+\.\d+ M events/s\)", "events in <wall> s wall (<rate> M events/s)"),
    # The external controller's address in an `external_event`: the OS picks the client's port.
    (r"\(127\.0\.0\.1:\d+\)", "(127.0.0.1:<port>)"),
]
# Lines of the output left out altogether: `ofab run`'s progress line (stderr) comes every 10 s of wall
# time, so a slow machine prints more of them.
DROP = [r"^\[[# ]+\] +\d+\.\d%  sim .* M events/s$"]

# Command lines not run, and why (the first matching rule applies).
SKIP = [
    (r"^scripts/test\b", "runs the whole suite, this test included"),
    (r"^scripts/(setup|build|bench)\b", "installs packages, builds or benchmarks: minutes, and changes the machine"),
    (r"--backend slurm", "needs a Slurm cluster (slurm-test.sh runs one)"),
]
# Command lines run: `scripts/ofab` (or `ofab`) commands and scripts/report.
RUN = r"^(scripts/)?ofab (run|sweep|compare|keys|link-budget)\b|^scripts/report\b"
# Command lines run with an argument added, and why.
ADJUST = [
    (r"topology\.dims=\[8,8\]", ["--set", "duration=10us"],
     "the 8 x 8 torus for 120 us takes ~40 s of wall time; 10 us still writes the trace and the summary"),
]
# A session's port: the test lets the server pick a free one instead of the default 7700.
LISTEN = ["--listen", "127.0.0.1:0"]

ofab = os.path.abspath(sys.argv[1])
sandbox = workdir("readme")
for folder in ("experiments", "scripts", "tests"):
    os.symlink(os.path.join(ROOT, folder), os.path.join(sandbox, folder))
env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
ran, skipped = [], []
started = []  # the servers and controllers of the sessions: stopped if the test ends before they do
atexit.register(lambda: [p.kill() for p in started if p.poll() is None])


def readme_blocks():
    """The README's fenced blocks: (line of the opening fence, language, lines, section)."""
    with open(os.path.join(ROOT, "README.md")) as f:
        lines = f.read().split("\n")
    blocks, section, n = [], "", 0
    while n < len(lines):
        if re.match(r"^#+ ", lines[n]):
            section = lines[n]
        m = re.match(r"^```(\w*)$", lines[n])
        if m:
            end = lines.index("```", n + 1)
            blocks.append((n + 1, m.group(1), lines[n + 1:end], section))
            n = end
        n += 1
    return blocks


def commands(block, comments=False):
    """A sh block's command lines: (README line, command without its comment[, the comment])."""
    first, _, lines, _ = block
    out = []
    for i, line in enumerate(lines):
        command, comment = re.match(r"^(.*?)(?:(?:^|\s+)#(.*))?$", line).groups()
        if command.strip():
            out.append((first + 1 + i, command.strip()) + ((comment or "",) if comments else ()))
    return out


def masked(line):
    for pattern, placeholder in MASKS:
        line = re.sub(pattern, placeholder, line)
    return line


def matches(shown, printed):
    """A README line against a printed one: equal after the masks, `...` standing for any text."""
    shown, printed = masked(shown), masked(printed)
    if "..." not in shown:
        return shown == printed
    return re.fullmatch(".*?".join(re.escape(part) for part in shown.split("...")), printed, re.S) is not None


def compare(block, printed, what):
    """Checks an output block against the printed lines; on a difference, names the README line."""
    first, _, shown, _ = block
    printed = [line for line in printed if not any(re.match(p, line) for p in DROP)]
    while printed and not printed[-1].strip():
        printed.pop()
    j, problem = 0, None
    for i, line in enumerate(shown):
        where = f"README.md:{first + 1 + i}"
        after = f"README.md:{first + 2 + i}"
        if line.startswith("..."):
            if i + 1 == len(shown):
                j = len(printed)
            else:  # lines left out: the next README line is found further down
                k = next((k for k in range(j, len(printed)) if matches(shown[i + 1], printed[k])), None)
                if k is None:
                    problem = f"{after}: no line printed after line {j} matches\n      README: {shown[i + 1]}"
                    break
                j = k
            continue
        if j >= len(printed):
            problem = f"{where}: the output ended before\n      README: {line}"
            break
        if not matches(line, printed[j]):
            problem = f"{where}: differs\n      README: {line}\n      printed: {printed[j]}"
            break
        j += 1
    if problem is None and j < len(printed):
        problem = f"README.md:{first + len(shown)}: the README's block ends; printed more:\n      {printed[j]}"
    detail = ""
    if problem:
        detail = problem + "\n      what it printed (masks not applied):\n" + "\n".join("        " + l for l in printed)
    check(problem is None, f"README.md:{first}: the output block is what {what} prints", detail)


def argv_of(command):
    words = shlex.split(command)
    if words[0] in ("scripts/ofab", "ofab"):
        return [ofab] + words[1:]
    return [PYTHON] + words if words[0].startswith("scripts/") else words


def run_command(line, command, comment):
    """Runs one README command in the sandbox; returns its output lines (stdout, then stderr). It must
    exit 0, or with the code its comment states (`# ... exit 2`)."""
    argv, note = argv_of(command), ""
    for pattern, extra, why in ADJUST:
        if re.search(pattern, command):
            argv, note = argv + extra, f" (with {' '.join(extra)}: {why})"
    stated = re.search(r"\bexit (\d+)\b", comment)
    want = int(stated.group(1)) if stated else 0
    start = time.time()
    try:
        p = subprocess.run(argv, cwd=sandbox, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                           timeout=240)
    except subprocess.TimeoutExpired:
        p = subprocess.CompletedProcess(argv, "timed out after 240 s", "", "")
    ran.append(f"README.md:{line}  {command}{note}  [{time.time() - start:.1f} s]")
    check(p.returncode == want, f"README.md:{line}: `{command}` exits {want}",
          f"exit {p.returncode}: {p.stderr[-2000:]}")
    words = shlex.split(command)
    if "-o" in words:  # what -o names exists (and a run's summary beside its trace, as the README says)
        out = words[words.index("-o") + 1]
        paths = [out] + ([out[:-3] + ".json"] if words[1] == "run" and out.endswith(".h5") else [])
        check(all(os.path.exists(os.path.join(sandbox, p)) for p in paths), f"README.md:{line}: it writes "
              + " and ".join(paths))
    return p.stdout.split("\n") + [l for l in p.stderr.split("\n") if l]


def wait_for(path, pattern, proc, what):
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


def run_session(block, output):
    """A sh block of `scripts/ofab serve`, `nc` and maybe the example controller, with its session."""
    cmds = commands(block)
    serve = next(c for _, c in cmds if re.match(r"^(scripts/)?ofab serve ", c))
    start = time.time()
    log = os.path.join(sandbox, f"serve-{block[0]}.err")
    server = subprocess.Popen(argv_of(serve) + LISTEN, cwd=sandbox, env=env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=open(log, "w"))
    started.append(server)
    port = wait_for(log, r"listening on 127\.0\.0\.1:(\d+)", server,
                    f"README.md:{block[0]}: the server starts").group(1)
    controllers = []
    for _, c in cmds:
        if c.startswith("scripts/ofab-controller-example"):
            clog = os.path.join(sandbox, f"controller-{block[0]}.err")
            controllers.append(subprocess.Popen(argv_of(c.replace(":7700", ":" + port)), cwd=sandbox, env=env,
                                                stdin=subprocess.DEVNULL, stderr=open(clog, "w")))
            started.append(controllers[-1])
            wait_for(clog, r"controller: registered", controllers[-1],
                     f"README.md:{block[0]}: the example controller registers")
    printed = []
    try:
        with socket.create_connection(("127.0.0.1", int(port)), timeout=120) as sock:
            received = sock.makefile("r")
            for typed in [l for l in output[2] if l.startswith('{"cmd"')]:
                sock.sendall((typed + "\n").encode())  # as typed, then what arrives until its reply
                printed.append(typed)
                while True:
                    line = received.readline().rstrip("\n")
                    printed.append(line)
                    if not line or json.loads(line).get("type") == "reply":
                        break
            printed += [line.rstrip("\n") for line in received]  # until the run ends and the server closes
        code = server.wait(timeout=120)
        codes = [c.wait(timeout=60) for c in controllers]
    except (OSError, ValueError, subprocess.TimeoutExpired) as e:
        require(False, f"README.md:{block[0]}: the session runs to the end", f"{e!r}; received:\n" + "\n".join(printed))
    check(code == 0 and all(c == 0 for c in codes), f"README.md:{block[0]}: the server and the controller exit 0",
          f"server {code}, controller {codes}")
    for line, c in cmds:
        ran.append(f"README.md:{line}  {c}" + (f" (with {' '.join(LISTEN)}: a free port)" if c == serve else "")
                   + (" (the session's typed lines, sent by the test)" if c.startswith("nc ") else "")
                   + (f"  [{time.time() - start:.1f} s]" if c == serve else ""))
    compare(output, printed, "the session")


def check_fabric_table():
    """The README's table of the compare-fabrics sweep: the mean of its seeds, as the sweep's index has them."""
    import pandas as pd
    import yaml
    path = os.path.join(sandbox, "out/sweeps/compare-fabrics/index.csv")
    if not check(os.path.exists(path), "the compare-fabrics sweep wrote its index"):
        return
    index = pd.read_csv(path)
    with open(os.path.join(ROOT, "experiments/compare-fabrics.yaml")) as f:
        designs = yaml.safe_load(f)["axes"][0]["labels"]
    with open(os.path.join(ROOT, "README.md")) as f:
        lines = f.read().split("\n")
    head = next(i for i, l in enumerate(lines) if l.startswith("| design | delivered Gb/s"))
    for n, design in enumerate(designs):
        m = index[index.design == design].mean(numeric_only=True)
        cut = "fault_recovery.0."
        want = [f"{m['throughput_gbps']:.0f}", f"{m['latency_ns.p50']:.0f} / {m['latency_ns.p99']:.0f}",
                f"{m['transactions.failed']:.0f}",
                f"{m[cut + 't_reroute_ns'] / 1000:.1f} us / {m[cut + 't_recover95_ns'] / 1000:.1f} us",
                f"{m['collectives.0.time_ns'] / 1000:.1f} / {m['collectives.0.busbw_gbps']:.1f}"]
        cells = [c.strip() for c in lines[head + 2 + n].split("|")[2:-1]]
        cells[2] = cells[2].replace(" ", "")  # 1 602: a thousands separator
        check(cells == want, f"README.md:{head + 3 + n}: the {design} row is the sweep's mean of its seeds",
              f"README: {cells}\n      sweep:  {want}")


# The project's out/ as it was: the test must leave it alone.
def snapshot():
    out = os.path.join(ROOT, "out")
    return sorted((d, f, os.path.getmtime(os.path.join(d, f))) for d, _, fs in os.walk(out) for f in fs)


before = snapshot()
blocks = readme_blocks()
outputs = set()  # the output blocks that follow a sh block
for n, block in enumerate(blocks):
    first, lang, lines, section = block
    if lang != "sh":
        continue
    following = blocks[n + 1] if n + 1 < len(blocks) else None
    output = following if following and following[1] == "" and following[3] == section else None
    outputs.add(output[0] if output else None)
    if any(re.match(r"^(scripts/)?ofab serve ", c) for _, c in commands(block)):
        require(output is not None, f"README.md:{first}: a serve block is followed by its session")
        run_session(block, output)
        continue
    printed = []
    for line, command, comment in commands(block, comments=True):
        reason = next((why for pattern, why in SKIP if re.search(pattern, command)), None)
        if reason:
            skipped.append(f"README.md:{line}  {command}: {reason}")
        elif re.match(RUN, command):
            printed += run_command(line, command, comment)
            if "sweep experiments/compare-fabrics.yaml" in command:
                check_fabric_table()
        else:
            check(False, f"README.md:{line}: `{command}` is neither run nor skipped by readme-test.py's rules")
    if output:
        compare(output, printed, f"the commands of README.md:{first}")

# The python block that reads the compare-fabrics sweep's index (the sweep ran above).
for first, lang, lines, section in blocks:
    if lang == "python" and "index.csv" in "\n".join(lines):
        script = os.path.join(sandbox, f"block-{first}.py")
        with open(script, "w") as f:
            f.write("\n".join(lines) + "\n")
        p = subprocess.run([PYTHON, script], cwd=sandbox, env=env, capture_output=True, text=True)
        check(p.returncode == 0, f"README.md:{first}: the python block reading the sweep's index runs", p.stderr)
        ran.append(f"README.md:{first}  (python block reading out/sweeps/compare-fabrics/index.csv)")
    elif lang == "python":
        skipped.append(f"README.md:{first}  (python block): trace-reader-test.py runs it")
    elif lang == "" and first not in outputs:
        skipped.append(f"README.md:{first}  (output block, no command before it): an example whose input is not "
                       "shown (the config and sweep suites check such messages)")

check(snapshot() == before, "the project's out/ is untouched (every output went to the temporary folder)")
print("\nREADME commands run:\n  " + "\n  ".join(ran))
print("README commands skipped:\n  " + "\n  ".join(skipped))
if failures:
    print(f"outputs in {sandbox}")
else:
    shutil.rmtree(sandbox)
finish()
