"""README.md's commands, run as a reader would run them, so the README cannot drift from the program.

Every command line of every ```sh block is run (with the binary given here in place of scripts/ofab)
or deliberately skipped, by the rules below; a line no rule names fails the test, so a new command in
the README is run or skipped on purpose. An output block (``` with no language) after a sh block, in
the same section, is what that block prints: the test compares it line by line with the output of the
block's commands. A block with `scripts/ofab serve` and `nc` is a session: the test starts the server
(and the example controller when the block has one), sends the block's typed lines (`{"cmd":...}`) as
nc would and records every line that comes back. Besides the masks (doclib.py), a README output line
may leave text out with `...` (the README says so: "long lines shortened"), and a line that starts
with `...` stands for lines left out. Simulated figures are compared exactly as printed.

Commands run in a temporary folder that links experiments/, scripts/ and tests/, so their outputs
(out/...) land there and the project's out/ is never written. It also checks the README's table of the
compare-fabrics sweep against the sweep's index, and runs the README's python block that reads it (the
"Reading a trace" blocks are trace-reader-test.py's).
Usage: readme-test.py OFAB_BINARY (run from the project root)."""

import atexit
import os
import re
import shlex
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import PYTHON, ROOT, check, failures, finish, require, workdir  # noqa: E402
from doclib import CONTROLLER, LISTEN, SERVE, Sessions, blocks, commands, compare  # noqa: E402

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


def noted(line, command, serve, seconds):
    return (f"README.md:{line}  {command}" + (f" (with {' '.join(LISTEN)}: a free port)" if command == serve else "")
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

check(snapshot() == before, "the project's out/ is untouched (every output went to the temporary folder)")
print("\nREADME commands run:\n  " + "\n  ".join(ran))
print("README commands skipped:\n  " + "\n  ".join(skipped))
if failures:
    print(f"outputs in {sandbox}")
else:
    shutil.rmtree(sandbox)
finish()
