"""A region's HDF5 trace (`ofab run` on a file with `sites:` and `-o`): complete and marked so, its
tables say what the summary beside it says (sites, failures with their healing per layer, every
transfer and all-reduce iteration), the per-pair throughput adds up to the cross-site series, the
healing steps are /events at their times, every transfer is completed with all its bytes, failed
with a reason, or in flight; an output of another experiment is refused (exit 2, nothing written),
an unwritable path is a clear error, never a file that looks complete, and Ctrl-C writes nothing.
Usage: trace-regional-test.py OFAB_BINARY (run from the project root)."""

import json
import math
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import ROOT, check, finish, require, run, workdir  # noqa: E402

import h5py  # noqa: E402
import numpy as np  # noqa: E402

ofab = sys.argv[1]
tmp = workdir("trace-regional")
sites = os.path.join(ROOT, "experiments/sites/torus4x4.yaml")
region = os.path.join(tmp, "region.yaml")
with open(region, "w", encoding="utf-8") as f:
    f.write(f"""name: region-trace
duration: 12ms
sites:
  - {{name: a, experiment: {sites}, gateway: 0}}
  - {{name: b, experiment: {sites}, gateway: 5}}
  - {{name: c, experiment: {sites}, gateway: 15}}
optical_mesh:
  nodes: [a, b, c]
  routes:
    - {{a: a, b: b, length_km: 10, duct: ab}}
    - {{a: b, b: c, length_km: 10, duct: bc}}
    - {{a: a, b: c, length_km: 10, duct: ac}}
  transceiver: {{kind: 400zr}}
  lightpaths: [{{a: a, b: b}}, {{a: b, b: c}}, {{a: a, b: c}}]
wide_area: {{max_window_bytes: 2MiB, tcp_min_rto: 2ms, tcp_delayed_ack_timeout: 1ms,
            packet_reroute_time: 1ms, restoration_time: 2ms, throughput_bin: 500us}}
cross_site:
  - {{type: hierarchical_allreduce, name: grads, bytes: 256KiB, iterations: 1000, gap: 200us}}
  - {{type: checkpoint, name: ckpt, from: a, to: c, bytes: 8MiB, start: 1ms}}
faults:
  - {{at: 3ms, kind: duct_cut, duct: ab}}
  - {{at: 8ms, kind: site_loss, site: c}}
""")

trace = os.path.join(tmp, "out", "region.h5")
code, out, err = run([ofab, "run", region, "-o", trace])
require(code == 0, "a region runs with -o", err[-2000:])
require(os.path.exists(trace) and os.path.exists(os.path.join(tmp, "out", "region.json")),
        "-o writes the trace and the summary beside it")
check(f"trace         {trace}" in out, "the run names its trace", out[-600:])
with open(os.path.join(tmp, "out", "region.json"), encoding="utf-8") as fh:
    summary = json.load(fh)
check(summary.get("trace_status") == "complete" and summary.get("trace_bytes") == os.path.getsize(trace),
      "the summary says the trace is complete, with its size")


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def enum_names(ds, field):
    return {v: k for k, v in h5py.check_enum_dtype(ds.dtype[field]).items()}


with h5py.File(trace, "r") as f:
    meta = f["meta"].attrs
    check(text(meta["status"]) == "complete" and text(meta["kind"]) == "region", "/meta: complete, kind region")
    check(text(meta["format_version"]) == "1.9" and text(meta["experiment"]) == "region-trace"
          and meta["seed"] == 1 and meta["seed"].dtype.kind == "i" and "sites:" in text(meta["config_yaml"]),
          "/meta: format 1.9, the experiment, its seed and configuration")
    stored = json.loads(text(f["summary/json"][()]))
    check(stored["sites"] == summary["sites"] and stored["transfers"] == summary["transfers"],
          "/summary/json is the summary (but for the trace's own status)")

    s = f["region/sites"][:]
    check([text(x) for x in s["name"]] == ["a", "b", "c"] and list(s["gateway"]) == [0, 5, 15]
          and list(s["nics"]) == [16, 16, 16] and list(s["lost"]) == [0, 0, 1],
          "/region/sites: names, gateways, NICs, the lost site")
    check(all(int(r["issued"]) == j["transactions"]["issued"] and int(r["completed"]) == j["transactions"]["completed"]
              for r, j in zip(s, summary["sites"])), "/region/sites: transactions as in the summary")

    fl = f["region/failures"][:]
    require(len(fl) == 2, "/region/failures: one row per failure", str(fl))
    cut, loss = fl[0], fl[1]
    jf = summary["failures"]
    check(cut["at_ns"] == 3e6 and cut["t_detect_ns"] == jf[0]["t_detect_ns"] and cut["t_reroute_ns"] == 1e6
          and cut["t_restore_ns"] == jf[0]["t_restore_ns"] and cut["lightpaths_down"] == 1,
          "the duct cut: at 3 ms, detection, restoration and the 1 ms reroute as in the summary")
    check(math.isnan(cut["t_protect_ns"]) and math.isnan(loss["t_protect_ns"]) and math.isnan(loss["t_recover95_ns"]),
          "what did not happen is NaN (no 1+1 lightpath to switch; no recovery after the site loss)")
    check(int(cut["lost_bytes"]) == jf[0]["lost_bytes"] and int(loss["lost_bytes"]) == jf[1]["lost_bytes"],
          "lost bytes per failure as in the summary")

    ev = f["events"][:]
    kinds = enum_names(f["events"], "kind")
    got = [(kinds[e["kind"]], round(float(e["time_ns"]))) for e in ev]
    want = sorted([("failure", 3_000_000), ("loss_of_light", 3_010_000), ("packet_reroute", 4_000_000),
                   ("restoration", 3_000_000 + round(jf[0]["t_restore_ns"])), ("failure", 8_000_000),
                   ("loss_of_light", 8_010_000), ("packet_reroute", 9_000_000),
                   ("restoration", 8_000_000 + round(jf[1]["t_restore_ns"]))], key=lambda k: k[1])
    check(got == want, "/events: every healing step at its time, in time order", str(got))

    tr = f["region/transfers"][:]
    status = enum_names(f["region/transfers"], "status")
    check(len(tr) == len(summary["transfers"]), "/region/transfers: one row per transfer and message")
    agree = all(int(r["id"]) == j["id"] and text(r["label"]) == j["label"] and status[r["status"]] == j["status"]
                and int(r["delivered_bytes"]) == j["delivered_bytes"] and (r["from_nic"] == -1) == (j["from_nic"] is None)
                for r, j in zip(tr, summary["transfers"]))
    check(agree, "/region/transfers: ids, labels, statuses, delivered bytes and NICs as in the summary")
    conserved = all((status[r["status"]] == "completed" and r["delivered_bytes"] == r["bytes"]) or
                    (status[r["status"]] == "failed" and text(r["reason"]) and not math.isnan(r["end_ns"])) or
                    (status[r["status"]] == "in_flight" and math.isnan(r["end_ns"])) for r in tr)
    check(conserved, "every transfer: completed with all its bytes, failed with a reason, or in flight")
    check(any(status[r["status"]] == "failed" for r in tr) and any(status[r["status"]] == "completed" for r in tr),
          "the run has completed and failed transfers to check")

    ar = f["region/allreduce"][:]
    check(len(ar) == len(summary["hierarchical_allreduce"])
          and all(int(r["iteration"]) == j["iteration"] and int(r["sites"]) == j["sites"]
                  and text(r["algorithm"]) == "sharded" for r, j in zip(ar, summary["hierarchical_allreduce"])),
          "/region/allreduce: every iteration, its sites and algorithm")

    thr = f["region/throughput"]
    pairs = text(thr.attrs["columns"]).split(",")
    check(pairs == ["a->b", "a->c", "b->a", "b->c", "c->a", "c->b"] and thr.attrs["bin_width_ns"] == 5e5,
          "/region/throughput: a column per ordered site pair, the bin width", str(pairs))
    cross = np.array(summary["cross_site_throughput_gbps"]["series"])
    total = thr[:].sum(axis=1)
    check(len(total) == len(cross) and np.allclose(total, cross, rtol=1e-12, atol=1e-9),
          "the pairs add up to the cross-site throughput, bin by bin")

# The reader: the same tables as DataFrames.
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from ofab_trace import TraceError, open_trace  # noqa: E402

with open_trace(trace) as t:
    check(t.kind == "region" and list(t.region("sites")["name"]) == ["a", "b", "c"],
          "ofab_trace reads a region: its kind and sites")
    frame = t.region_throughput()
    check(list(frame.columns)[:2] == ["a->b", "a->c"] and frame.index[1] == 5e5,
          "ofab_trace: the per-pair throughput with its pairs and bin starts")
    check(set(t.region("transfers")["status"].cat.categories) == {"in_flight", "completed", "failed"},
          "ofab_trace: a transfer's status is a Categorical of its names")
    try:
        t.transactions()
        check(False, "a region's trace has no /transactions: a TraceError says so")
    except TraceError as e:
        check("no /transactions" in str(e), "a region's trace has no /transactions: a TraceError says so")

# scripts/report draws a region from its trace as from its summary (the page names its source).
pages = []
for source in (trace, os.path.join(tmp, "out", "region.json")):
    html_out = os.path.join(tmp, os.path.basename(source) + ".html")
    code, _, err = run([sys.executable, os.path.join(ROOT, "scripts/report"), source, "-o", html_out])
    with open(html_out, encoding="utf-8") if code == 0 else open(os.devnull) as fh:
        pages.append(fh.read().replace(source, "SOURCE"))
check(pages[0] and pages[0] == pages[1], "scripts/report: the region's page from its trace is the one from its summary")

# Another experiment's trace at the path: refused, untouched.
foreign = os.path.join(tmp, "foreign.h5")
with h5py.File(foreign, "w") as f:
    f.create_group("meta").attrs["experiment"] = np.bytes_("someone-else")  # fixed-length, as ofab writes it
before = os.path.getmtime(foreign)
code, _, err = run([ofab, "run", region, "-o", foreign])
check(code == 2 and "-o " + foreign in err and "someone-else" in err and os.path.getmtime(foreign) == before,
      "a trace of another experiment is refused (exit 2, naming -o), untouched", err)

# --no-trace: the summary alone.
plain = os.path.join(tmp, "plain.json")
code, out, err = run([ofab, "run", region, "--no-trace", "--summary-json", plain, "-q"])
check(code == 0 and os.path.exists(plain) and "trace_status" not in json.load(open(plain, encoding="utf-8")),
      "--no-trace: the summary, no trace", err)

# Ctrl-C: the run stops at its next progress check, exit 130, and writes nothing (a region's outputs
# come from the whole run). Two seconds of this region take far longer than the wait.
long_trace = os.path.join(tmp, "long.h5")
p = subprocess.Popen([ofab, "run", region, "-o", long_trace, "--set", "duration=2s", "--set", "faults=[]"],
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
time.sleep(1.5)
p.send_signal(signal.SIGINT)
out, err = p.communicate(timeout=120)
check(p.returncode == 130 and "interrupted (SIGINT)" in err and not os.path.exists(long_trace)
      and not os.path.exists(os.path.join(tmp, "long.json")),
      "Ctrl-C: exit 130, said, no trace or summary written", f"exit {p.returncode}: {err[-500:]}")

# An unwritable trace: a clear error, no file that claims to be complete.
blocked = os.path.join(tmp, "not-a-folder")
open(blocked, "w").close()
code, out, err = run([ofab, "run", region, "-o", os.path.join(blocked, "x.h5"), "--summary-json",
                      os.path.join(tmp, "blocked.json")])
check(code != 0 and "cannot write the trace file " + os.path.join(blocked, "x.h5") in err
      and len(err.strip().splitlines()) <= 2 and not os.path.exists(os.path.join(tmp, "blocked.json")),
      "an unwritable trace path: one clear error before the run (no summary), non-zero exit", err)
finish()
