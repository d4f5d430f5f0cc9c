"""`ofab run` keeps its results when the machine turns against it: a run killed with SIGKILL leaves a
trace readable up to its last flush (SWMR mode), still marked not complete; a disk that fills up (a
file size limit stands in for it: writes beyond it fail as on a full disk) ends the run with exit 1,
an error that says so, and a summary whose trace_status says the trace is incomplete; never a crash.
Usage: trace-durability-test.py OFAB_BINARY (run from the project root)."""

import json
import os
import resource
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import ROOT, check, finish, require, run, workdir  # noqa: E402

sys.path.insert(0, os.path.join(ROOT, "scripts"))
import h5py  # noqa: E402
from ofab_trace import open_trace  # noqa: E402

ofab = sys.argv[1]
tmp = workdir("trace-durability")
quickstart = os.path.join(ROOT, "experiments/quickstart.yaml")


def swmr_rows(path):
    """Rows of /transactions an SWMR reader sees now (0 while the file is not readable yet)."""
    try:
        with h5py.File(path, "r", swmr=True) as f:
            return len(f["transactions"])
    except (OSError, KeyError):
        return 0


# --- SIGKILL: a 50 ms run (minutes of work) flushed every 100 ms of wall time, killed once its
# first flushed rows are visible. What waits is the condition, not a fixed time.
killed = os.path.join(tmp, "killed.h5")
p = subprocess.Popen([ofab, "run", quickstart, "-o", killed, "--quiet", "--set", "duration=50ms",
                      "--set", "outputs.trace_flush=100ms"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
seen = 0
deadline = time.monotonic() + 240
while seen == 0 and p.poll() is None and time.monotonic() < deadline:
    time.sleep(0.2)
    seen = swmr_rows(killed)
p.kill()
p.wait()
require(seen > 0, "a running trace shows flushed rows to an SWMR reader", f"exit {p.returncode}")
with h5py.File(killed, "r", swmr=True) as f:
    rows = f["transactions"][:]
    status = f["meta"].attrs["status"]
    check(len(rows) >= seen, f"the killed run's trace keeps what was flushed ({len(rows)} >= {seen} rows)")
    check(status == b"running" or status == "running", "its status still says it is not complete",
          repr(status))
    done = rows["status"] == 0  # completed
    err = abs(rows["end_ns"][done] - rows["issue_ns"][done] - rows["latency_ns"][done]).max()
    check(err < 1e-6, "every completed row is whole (end - issue = latency)", f"largest error {err}")
    check("config_yaml" in f["meta"].attrs, "its /meta (the resolved configuration) is there")
t = open_trace(killed, allow_incomplete=True)
check(t.status == "running" and len(t.transactions()) == len(rows),
      "scripts/ofab_trace.py opens a killed run's trace (allow_incomplete)")

# --- A full disk: once early, once in the middle, and once just before the end.
complete = os.path.join(tmp, "complete.h5")
code, _, err = run([ofab, "run", quickstart, "-o", complete, "--quiet"])
require(code == 0, "the reference run succeeds", err)
with open(os.path.join(tmp, "complete.json")) as f:
    summary = json.load(f)
size = summary.get("trace_bytes", 0)
require(summary.get("trace_status") == "complete" and size == os.path.getsize(complete),
        "a whole run's summary says trace_status complete and trace_bytes is the file's size",
        f"{summary.get('trace_status')} {size}")


def limited(limit_bytes):
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))
    return apply


for label, limit in (("early", 256 * 1024), ("midway", size // 2), ("just before the end", size - 4096)):
    trace = os.path.join(tmp, f"full-{limit}.h5")
    p = subprocess.run([ofab, "run", quickstart, "-o", trace, "--quiet"], capture_output=True, text=True,
                       preexec_fn=limited(limit))
    check(p.returncode == 1, f"disk full {label}: exit 1, no crash", f"exit {p.returncode}: {p.stderr[-400:]}")
    check("could not be completed" in p.stderr and "disk full" in p.stderr,
          f"disk full {label}: the error says the trace could not be completed, and why", p.stderr[-400:])
    check("HDF5-DIAG" not in p.stderr, f"disk full {label}: one clear message, no HDF5 error stack")
    with open(trace[:-3] + ".json") as f:
        s = json.load(f)
    check(str(s.get("trace_status", "")).startswith("incomplete: "),
          f"disk full {label}: the summary says the trace is incomplete", str(s.get("trace_status")))
    check(s["transactions"]["issued"] == summary["transactions"]["issued"],
          f"disk full {label}: the simulation still ran to the end (same figures as the whole run)")
    try:
        with h5py.File(trace, "r") as f:
            check(f["meta"].attrs["status"] not in (b"complete", "complete"),
                  f"disk full {label}: the trace never claims to be complete")
    except OSError:
        check(True, f"disk full {label}: the trace is unreadable, not falsely complete")

finish()
