"""Trace size: `outputs.transaction_sample: N` keeps one /transactions row in N (the same rows for the
same seed) while the summary still counts every transaction; `ofab run --no-trace` writes only the
summary; `ofab sweep --no-traces` keeps only each point's summary and still indexes every point; the
summary says how large the trace is (trace_bytes).
Usage: trace-size-test.py OFAB_BINARY (run from the project root)."""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import PYTHON, ROOT, check, finish, read_index, require, run, workdir  # noqa: E402

import h5py  # noqa: E402

ofab = sys.argv[1]
tmp = workdir("trace-size")
quickstart = os.path.join(ROOT, "experiments/quickstart.yaml")


def ofab_run(name, *args):
    code, out, err = run([ofab, "run", quickstart, "--quiet", *args])
    require(code == 0, f"ofab run ({name}) succeeds", err)


def summary(name):
    with open(os.path.join(tmp, name + ".json")) as f:
        return json.load(f)


ofab_run("all rows", "-o", os.path.join(tmp, "all.h5"))
ofab_run("one in ten", "-o", os.path.join(tmp, "tenth.h5"), "--set", "outputs.transaction_sample=10")
ofab_run("one in ten, again", "-o", os.path.join(tmp, "tenth2.h5"), "--set", "outputs.transaction_sample=10")
ofab_run("no rows", "-o", os.path.join(tmp, "none.h5"), "--set", "outputs.transaction_sample=0")
full, tenth, none = summary("all"), summary("tenth"), summary("none")

with h5py.File(os.path.join(tmp, "all.h5"), "r") as f:
    all_rows = len(f["transactions"])
    check(f["transactions"].attrs["sample_every"] == 1, "a whole trace says sample_every 1")
with h5py.File(os.path.join(tmp, "tenth.h5"), "r") as a, h5py.File(os.path.join(tmp, "tenth2.h5"), "r") as b:
    rows = a["transactions"][:]
    check(a["transactions"].attrs["sample_every"] == 10, "a sampled trace says sample_every 10")
    check(0.08 * all_rows < len(rows) < 0.12 * all_rows,
          f"one row in ten is kept ({len(rows)} of {all_rows})")
    check((rows["id"] == b["transactions"]["id"][:]).all(), "the same rows in two runs of the same seed")
with h5py.File(os.path.join(tmp, "none.h5"), "r") as f:
    check(len(f["transactions"]) == 0 and len(f["events"]) > 0, "sample 0: no transaction rows, the rest is kept")

check(tenth["transactions"] == full["transactions"] and tenth["latency_ns"] == full["latency_ns"],
      "the summary counts every transaction, sampled or not")
check(full["trace_bytes"] == os.path.getsize(os.path.join(tmp, "all.h5")), "trace_bytes is the file's size")
check(none["trace_bytes"] < tenth["trace_bytes"] < full["trace_bytes"] / 3,
      f"the trace shrinks with the sample ({full['trace_bytes']} -> {tenth['trace_bytes']} -> "
      f"{none['trace_bytes']} bytes)")

# --no-trace: the summary only.
only = os.path.join(tmp, "only.json")
ofab_run("--no-trace", "--no-trace", "--summary-json", only)
with open(only) as f:
    s = json.load(f)
check(s["transactions"] == full["transactions"] and "trace_status" not in s,
      "--no-trace: the same summary, no trace status")
check(not any(n.startswith("only") and n.endswith(".h5") for n in os.listdir(tmp)), "--no-trace writes no .h5")
code, _, err = run([ofab, "run", quickstart, "--no-trace", "-o", os.path.join(tmp, "x.h5")])
check(code == 2 and "excludes" in err, "--no-trace with -o is refused", err)

# ofab sweep --no-traces: every point indexed, no trace written.
out = os.path.join(tmp, "sweep")
code, _, err = run([ofab, "sweep", os.path.join(ROOT, "tests/fabric/app/data/ring4-sweep.yaml"), "-o", out,
                    "--no-traces", "-j", "2"])
require(code == 0, "ofab sweep --no-traces succeeds", err)
index = read_index(out)
points = os.listdir(os.path.join(out, "points"))
check(len(index) == 8 and all(r["status"] == "ok" for r in index), "every point is indexed as ok", str(index[:2]))
check(all(os.path.exists(os.path.join(out, "points", p, "summary.json")) and
          not os.path.exists(os.path.join(out, "points", p, "trace.h5")) for p in points),
      "each point keeps its summary and no trace")
code, _, err = run([PYTHON, os.path.join(ROOT, "scripts/report"), out, "-o", os.path.join(tmp, "sweep.html")])
check(code == 0, "the sweep report renders from summaries alone", err[-400:])

finish()
