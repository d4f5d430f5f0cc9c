"""README.md's commands and docs/control-protocol.md's sessions, run as a reader would run them, so
neither can drift from the program.

Every command line of every ```sh block of the README is run (with the binary given here in place of
scripts/ofab) or deliberately skipped, by the rules below; a line no rule names fails the test, so a new
command in the README is run or skipped on purpose. An output block (``` with no language) after a sh
block, in the same section, is what that block prints: the test compares it line by line with the output
of the block's commands. A block with `scripts/ofab serve` and `nc` is a session: the test starts the
server (and the example controller when the block has one), sends the block's typed lines (`{"cmd":...}`)
as nc would and records every line that comes back. Besides the masks (doclib.py), a shown line may
leave text out with `...` (the documents say so: "long lines shortened"), and a line that starts with
`...` stands for lines left out. Simulated figures are compared exactly as printed.

docs/control-protocol.md shows its sessions as terminals: in a section, the blocks that start with a
`$ command` line, each command followed by what it prints (the server's and the controller's own lines
too, compared the same way). Its sh blocks must be the commands of one of those sessions, and each of
its other blocks must show what a session printed: a ```json block one message (equal as JSON; the
controller_event is seen by running the external session again with the test as its controller).

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
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import PYTHON, ROOT, check, failures, finish, require, workdir  # noqa: E402
from doclib import CONTROLLER, LISTEN, SERVE, Sessions, blocks, commands, compare, masked, matches  # noqa: E402

# Command lines not run, and why (the first matching rule applies).
SKIP = [
    (r"^scripts/test\b", "runs the whole suite, this test included"),
    (r"^scripts/(setup|build|bench)\b", "installs packages, builds or benchmarks: minutes, and changes the machine"),
    (r"--backend slurm", "needs a Slurm cluster (slurm-test.sh runs one)"),
    (r"^(cmake --preset fuzz|tests/fuzz/|build-sanitize/|cp min\.yaml)",
     "fuzzing: needs the clang sanitizer build (scripts/test --fuzz makes it, ~30 min on 2 cores) or a finding"),
]
# Command lines run: `scripts/ofab` (or `ofab`) commands and scripts/report.
RUN = r"^(scripts/)?ofab (run|sweep|compare|keys|link-budget)\b|^scripts/report\b"
# Command lines run with an argument added, and why.
ADJUST = [
    (r"topology\.dims=\[8,8\]", ["--set", "duration=10us"],
     "the 8 x 8 torus for 120 us takes ~40 s of wall time; 10 us still writes the trace and the summary"),
]
PROTOCOL = "docs/control-protocol.md"

ofab = os.path.abspath(sys.argv[1])
sandbox = workdir("readme")
for folder in ("experiments", "scripts", "tests"):
    os.symlink(os.path.join(ROOT, folder), os.path.join(sandbox, folder))
env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
ran, skipped = [], []
started = []  # the servers and controllers of the sessions: stopped if the test ends before they do
atexit.register(lambda: [p.kill() for p in started if p.poll() is None])
sessions = Sessions(ofab, sandbox, env, started)


def typed_lines(lines):
    return [line for line in lines if line.startswith('{"cmd"')]


def run_command(line, command, comment):
    """Runs one README command in the sandbox; returns its output lines (stdout, then stderr). It must
    exit 0, or with the code its comment states (`# ... exit 2`)."""
    argv, note = sessions.argv(command), ""
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


def noted(line, command, serve, seconds, doc="README.md"):
    return (f"{doc}:{line}  {command}" + (f" (with {' '.join(LISTEN)}: a free port)" if command == serve else "")
            + (" (the session's typed lines, sent by the test)" if command.startswith("nc ") else "")
            + (f"  [{seconds:.1f} s]" if command == serve else ""))


def readme_session(block, output):
    """A README sh block of `scripts/ofab serve`, `nc` and maybe the example controller, with its session."""
    cmds = commands(block)
    serve = next(c for _, c in cmds if re.match(SERVE, c))
    start = time.time()
    printed, _, _ = sessions.run(f"README.md:{block.first}", serve,
                                 [c for _, c in cmds if c.startswith(CONTROLLER)], typed_lines(output.lines))
    ran.extend(noted(line, c, serve, time.time() - start) for line, c in cmds)
    compare("README.md", output.first + 1, output.lines, printed, "the session")


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


def protocol_sessions(found):
    """The sessions of docs/control-protocol.md: in a section, the blocks that start with a `$ ` line are
    the terminals of one session, each command followed by what it prints. Runs each and compares every
    terminal; returns {its commands: (its first line, the serve command, the typed lines, whether it has a
    controller)} and every line the sessions printed."""
    sections = {}
    for block in found:
        if block.lang == "" and block.lines and block.lines[0].startswith("$ "):
            sections.setdefault(block.section, []).append(block)
    runs, seen = {}, []
    for group in sections.values():
        parts = []  # [line of the command, command, first shown line, shown lines]
        for block in group:
            for i, line in enumerate(block.lines):
                if line.startswith("$ "):
                    parts.append([block.first + 1 + i, line[2:].strip(), block.first + 2 + i, []])
                else:
                    parts[-1][3].append(line)
        where = f"{PROTOCOL}:{parts[0][0]}"
        serves = [p for p in parts if re.match(SERVE, p[1])]
        ctls = [p for p in parts if p[1].startswith(CONTROLLER)]
        ncs = [p for p in parts if p[1].startswith("nc ")]
        others = [p for p in parts if p not in serves + ctls + ncs]
        if not check(len(serves) == 1 and len(ncs) == 1 and not others,
                     f"{where}: a session is one `scripts/ofab serve`, one `nc` and maybe the example controller",
                     f"commands: {[p[1] for p in parts]}"):
            continue
        serve, nc = serves[0][1], ncs[0]
        start = time.time()
        printed, served, controlled = sessions.run(where, serve, [p[1] for p in ctls], typed_lines(nc[3]))
        ran.extend(noted(p[0], p[1], serve, time.time() - start, PROTOCOL) for p in parts)
        compare(PROTOCOL, serves[0][2], serves[0][3], served, f"`{serve}` (the server's terminal)")
        for p, lines in zip(ctls, controlled):
            compare(PROTOCOL, p[2], p[3], lines, f"`{p[1]}` (the controller's terminal)")
        compare(PROTOCOL, nc[2], nc[3], printed, "the session")
        runs[tuple(p[1] for p in parts)] = (parts[0][0], serve, typed_lines(nc[3]), bool(ctls))
        seen += printed + served + sum(controlled, [])
    return runs, seen


def check_protocol_doc():
    """docs/control-protocol.md: its sessions run and compared; its sh blocks are the commands of one of
    them; every other block shows what a session printed (a ```json block: one message, equal as JSON)."""
    found = blocks(PROTOCOL)
    runs, seen = protocol_sessions(found)
    pushed = [b for b in found if b.lang == "json" and '"controller_event"' in "".join(b.lines)]
    if pushed and check(any(r[3] for r in runs.values()), f"{PROTOCOL}:{pushed[0].first}: a session of the "
                        "document has an external controller (to see the controller_event)"):
        # What only the controller receives: the external session once more, the test as its controller.
        line, serve, typed, _ = next(r for r in runs.values() if r[3])
        printed, _, _ = sessions.run(f"{PROTOCOL}:{pushed[0].first}", serve, [], typed, register=True)
        ran.append(f"{PROTOCOL}:{line}  the session again, the test registered as the controller instead of the "
                   f"example (it receives the controller_event of {PROTOCOL}:{pushed[0].first} and sends stop)")
        seen += printed
    for block in found:
        where = f"{PROTOCOL}:{block.first}"
        if block.lang == "sh":
            cmds = tuple(c for _, c in commands(block))
            check(cmds in runs, f"{where}: the sh block's commands are those of a session of the document",
                  f"{cmds}; sessions: {list(runs)}")
        elif block.lang == "json":
            def message(text):
                try:
                    return json.loads(masked(text))
                except ValueError:
                    return None
            shown = message("\n".join(block.lines))
            alike = [line for line in seen if isinstance(shown, dict) and isinstance(message(line), dict)
                     and all(message(line).get(k) == shown.get(k) for k in ("type", "time_ns", "kind"))]
            check(shown is not None and any(message(line) == shown for line in alike),
                  f"{where}: the json block is a message a session of the document received",
                  "not JSON" if shown is None else "the received messages of its type, time and kind:\n"
                  + "\n".join("        " + line for line in alike))
        elif block.lang == "" and not block.lines[0].startswith("$ "):
            missing = [line for line in block.lines if not any(matches(line, p) for p in seen)]
            check(not missing, f"{where}: the block's lines are printed by a session of the document",
                  f"not printed: {missing}")
        elif block.lang != "":
            check(False, f"{where}: a ```{block.lang} block is not checked by readme-test.py's rules")


# The project's out/ as it was: the test must leave it alone.
def snapshot():
    out = os.path.join(ROOT, "out")
    return sorted((d, f, os.path.getmtime(os.path.join(d, f))) for d, _, fs in os.walk(out) for f in fs)


before = snapshot()
found = blocks("README.md")
outputs = set()  # the output blocks that follow a sh block
for n, block in enumerate(found):
    if block.lang != "sh":
        continue
    following = found[n + 1] if n + 1 < len(found) else None
    output = following if following and following.lang == "" and following.section == block.section else None
    outputs.add(output.first if output else None)
    if any(re.match(SERVE, c) for _, c in commands(block)):
        require(output is not None, f"README.md:{block.first}: a serve block is followed by its session")
        readme_session(block, output)
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
        compare("README.md", output.first + 1, output.lines, printed, f"the commands of README.md:{block.first}")

# The python block that reads the compare-fabrics sweep's index (the sweep ran above).
for block in found:
    first, text = block.first, "\n".join(block.lines)
    if block.lang == "python" and "index.csv" in text:
        script = os.path.join(sandbox, f"block-{first}.py")
        with open(script, "w") as f:
            f.write(text + "\n")
        p = subprocess.run([PYTHON, script], cwd=sandbox, env=env, capture_output=True, text=True)
        check(p.returncode == 0, f"README.md:{first}: the python block reading the sweep's index runs", p.stderr)
        ran.append(f"README.md:{first}  (python block reading out/sweeps/compare-fabrics/index.csv)")
    elif block.lang == "python":
        skipped.append(f"README.md:{first}  (python block): trace-reader-test.py runs it")
    elif block.lang == "" and first not in outputs:
        skipped.append(f"README.md:{first}  (output block, no command before it): an example whose input is not "
                       "shown (the config and sweep suites check such messages)")

# docs/control-protocol.md: its sessions, and the blocks that show what they print.
check_protocol_doc()
check(snapshot() == before, "the project's out/ is untouched (every output went to the temporary folder)")
print("\nCommands run:\n  " + "\n  ".join(ran))
print("README commands skipped:\n  " + "\n  ".join(skipped))
if failures:
    print(f"outputs in {sandbox}")
else:
    shutil.rmtree(sandbox)
finish()
