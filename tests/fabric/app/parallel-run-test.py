"""The parallel core through `ofab run --threads N`: a torus and a two-plane switched pod under
traffic, a torus with a fibre cut, its repair and a laser-line loss mid-run (faults between
windows, failures and timeouts on both sides of partitions), collectives of five algorithms
repeated back to back across a fibre cut (operations failing, writes retried), and the project's
experiments with faults (experiments/faults-demo.yaml; experiments/laser-failure.yaml under each
reroute controller policy; experiments/quickstart.yaml; experiments/cut-recovery.yaml on the torus
and the pod; experiments/ocs-heal.yaml rewiring its circuit switches around a dead cube). For each: the same summary and the same HDF5 datasets at 1, 2 and 4 threads; every
transaction completed, failed with a reason or in flight; the summary and /meta record threads and
partitions; the sequential core is the default and tells itself apart (threads 0). A workload graph
(chakra) with --threads is refused at run.threads, exit 2.
Usage: parallel-run-test.py OFAB_BINARY (run from the project root)."""

import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import check, finish, require, run, workdir  # noqa: E402

import h5py  # noqa: E402

ofab = sys.argv[1]
tmp = workdir("parallel-run")

CASES = {
    "torus": """name: par-torus
seed: 3
duration: 4us
topology: {kind: torus, dims: [4, 4]}
links: {file: LINKS}
workloads:
  - {type: traffic, pattern: uniform, operation: write_full, bytes: 64, load: 0.3, arrival: poisson}
  - {type: traffic, pattern: hotspot, operation: read, bytes: 256, load: 0.05, arrival: bernoulli}
""",
    "pod": """name: par-pod
seed: 5
duration: 3us
topology: {kind: switched_pod, accelerators: 16, planes: 2}
links: {file: LINKS}
workloads:
  - {type: traffic, pattern: uniform, operation: write_full, bytes: 256, load: 0.5, arrival: poisson}
""",
    "faults": """name: par-faults
seed: 1
duration: 30us
topology: {kind: torus, dims: [4, 4], link_length_m: 2}
links: {file: LINKS}
protocol:
  endpoint: {completion_timeout: 5us}
workloads:
  - {type: traffic, pattern: uniform, operation: write, bytes: 256, load: 0.2, arrival: poisson}
faults:
  events:
    - {at: 6us, kind: fibre_cut, between: ["a(1,1)", "a(2,1)"]}
    - {at: 18us, kind: repair, of: fibre_cut, between: ["a(1,1)", "a(2,1)"]}
    - {at: 12us, kind: laser_line, between: ["a(0,2)", "a(0,3)"], from: "a(0,2)", line: 3}
outputs: {throughput_bin: 1us}
""",
    "collectives": """name: par-collectives
seed: 2
duration: 40us
topology: {kind: torus, dims: [4, 4], link_length_m: 2}
links: {file: LINKS}
protocol:
  endpoint: {completion_timeout: 3us}
workloads:
  - {type: collective, name: ring, algorithm: ring_allreduce, bytes: 64KiB, repetitions: 40, ring_slice_bytes: 4KiB}
  - {type: collective, name: hd, algorithm: halving_doubling_allreduce, bytes: 32KiB, repetitions: 40, gap: 1us,
     retries: 3, retry_backoff: 500ns}
  - {type: collective, name: a2a, algorithm: alltoall, bytes: 32KiB, repetitions: 40, ranks: 8}
  - {type: collective, name: bcast, algorithm: broadcast, bytes: 64KiB, root: 3, pipeline_chunk: 16KiB,
     repetitions: 40}
  - {type: collective, name: reduce, algorithm: reduce, bytes: 32KiB, root: 9, repetitions: 40}
faults:
  events:
    - {at: 10us, kind: fibre_cut, between: ["a(1,1)", "a(2,1)"], repair_at: 20us}
controller: {policy: local}
outputs: {throughput_bin: 1us}
""",
}
# The project's experiments with faults that the parallel core runs: (file, variant or None).
FILES = {"faults-demo": ("experiments/faults-demo.yaml", None)}
for policy in ("oracle", "local", "global", "hybrid"):
    FILES[f"laser-{policy}"] = ("experiments/laser-failure.yaml", policy)
FILES["quickstart"] = ("experiments/quickstart.yaml", None)
FILES["cut-torus-hybrid"] = ("experiments/cut-recovery.yaml", "torus-hybrid")
FILES["cut-pod-local"] = ("experiments/cut-recovery.yaml", "pod-local")
FILES["ocs-rewire"] = ("experiments/ocs-heal.yaml", "rewire")
# 16 accelerators, and each switch (plane) alone; the OCS fabric's 3 cubes of 8
PARTITIONS = {"pod": 18, "cut-pod-local": 20, "ocs-rewire": 24}
LINKS = os.path.abspath("experiments/links/cpo-8lambda.yaml")
WALL = {"wall_s", "flit_hops_per_wall_s", "events_per_wall_s", "serial_wall_s", "threads", "trace", "trace_bytes"}


def run_case(name, threads):
    if name in FILES:
        path, variant = FILES[name]
    else:
        path, variant = os.path.join(tmp, f"{name}.yaml"), None
        with open(path, "w", encoding="utf-8") as f:
            f.write(CASES[name].replace("LINKS", LINKS))
    h5 = os.path.join(tmp, f"{name}-{threads}.h5")
    js = os.path.join(tmp, f"{name}-{threads}.json")
    code, _, err = run([ofab, "run", path, "-q", "--force", "--threads", str(threads), "-o", h5,
                        "--summary-json", js] + (["--variant", variant] if variant else []))
    require(code == 0, f"{name} at threads {threads} runs", err)
    if variant:  # a variant's outputs are named after it
        h5, js = (f"{os.path.splitext(p)[0]}-{variant}{os.path.splitext(p)[1]}" for p in (h5, js))
    with open(js, encoding="utf-8") as f:
        summary = json.load(f)
    with h5py.File(h5, "r") as f:
        meta = (int(f["meta"].attrs["threads"]), int(f["meta"].attrs["partitions"]))
    check(meta == (summary["threads"], summary["partitions"]), f"{name}: /meta records threads and partitions",
          str(meta))
    return summary, h5


def datasets(h5):
    out = {}
    with h5py.File(h5, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and name != "summary/json" and obj.shape != ():
                out[name] = obj[()]
        f.visititems(visit)
    return out


for name in list(CASES) + list(FILES):
    results = {t: run_case(name, t) for t in (1, 2, 4)}
    ref, ref_h5 = results[1]
    t = ref["transactions"]
    check(t["issued"] > 1000, f"{name}: traffic ran ({t['issued']} transactions)")
    check(t["issued"] == t["completed"] + t["failed"] + t["in_flight"],
          f"{name}: every transaction completed, failed or in flight", str(t))
    check(0 < ref["serial_wall_s"] < ref["wall_s"], f"{name}: serial_wall_s is a part of wall_s",
          f"{ref['serial_wall_s']} of {ref['wall_s']}")
    check(ref["threads"] == 1 and ref["partitions"] == PARTITIONS.get(name, 16) and ref["windows"] > 10,
          f"{name}: the summary records threads, partitions and windows",
          f"{ref['threads']} {ref['partitions']} {ref['windows']}")
    ref_sets = datasets(ref_h5)
    for threads in (2, 4):
        s, h5 = results[threads]
        check(s["threads"] == threads, f"{name}: threads {threads} recorded")
        same = {k: v for k, v in s.items() if k not in WALL} == {k: v for k, v in ref.items() if k not in WALL}
        check(same, f"{name}: the same summary at 1 and {threads} threads")
        sets = datasets(h5)
        # Bytes, not values: rows of transactions in flight hold NaN, which equals nothing.
        differing = [k for k in ref_sets if k not in sets or ref_sets[k].tobytes() != sets[k].tobytes()]
        check(sets.keys() == ref_sets.keys() and not differing,
              f"{name}: the same trace datasets at 1 and {threads} threads ({len(ref_sets)} datasets)",
              str(differing))
    if name.startswith("laser-"):
        policy = FILES[name][1]
        check(ref["controller"]["policy"] == policy and len(ref["fault_recovery"]) == 2
              and all(r["t_detect_ns"] is not None for r in ref["fault_recovery"]),
              f"{name}: the {policy} controller handles both faults", str(ref["fault_recovery"]))
    if name == "faults":
        reasons = t["failed_by_reason"]
        check(reasons.get("LinkDown", 0) > 0 and reasons.get("CompletionTimeout", 0) > 0,
              "faults: the cut fails requests back (LinkDown) and loses responses (CompletionTimeout)", str(reasons))
        check(ref["faults"]["injected"] == 2 and ref["faults"]["repairs"] == 1, "faults: two faults, one repair")
    if name == "ocs-rewire":
        moves = ref["ocs"]["reconfigurations"]
        check(len(moves) >= 1 and any(c["status"] == "completed" for c in ref["collectives"]),
              "ocs-rewire: the switches move and the job completes on the new slice", str(len(moves)))
    if name == "collectives" or name.startswith("cut-") or name == "quickstart":
        ops = ref["collectives"]
        done = [c for c in ops if c["status"] == "completed"]
        check(len(done) >= (15 if name == "collectives" else 1), f"{name}: collectives completed ({len(done)})")
        if name == "collectives":
            failed = {c["name"] for c in ops if c["status"] == "failed"}
            check(failed and "hd" not in failed and sum(c["retries"] for c in ops if c["name"] == "hd") > 0,
                  "collectives: the cut fails operations without retries, the retried one goes on",
                  f"failed {sorted(failed)}")

# The sequential core stays the default.
code, _, err = run([ofab, "run", os.path.join(tmp, "torus.yaml"), "-q", "--force", "--no-trace",
                    "--summary-json", os.path.join(tmp, "seq.json")])
require(code == 0, "the default (sequential) run", err)
with open(os.path.join(tmp, "seq.json"), encoding="utf-8") as f:
    seq = json.load(f)
check(seq["threads"] == 0 and seq["partitions"] == 0 and "serial_wall_s" not in seq,
      "the default is the sequential core (threads 0, no serial_wall_s)")

# `threads: all` takes the cores the process may use: its affinity, or OFAB_CORES (a sweep's share).
def threads_of_all(prefix=(), env=None):
    js = os.path.join(tmp, "all.json")
    code, _, err = run(list(prefix) + [ofab, "run", os.path.join(tmp, "torus.yaml"), "-q", "--no-trace",
                                       "--threads", "all", "--set", "duration=200ns", "--summary-json", js],
                       env=env)
    require(code == 0, "a run with --threads all", err)
    with open(js, encoding="utf-8") as f:
        return json.load(f)["threads"]


check(threads_of_all(env=dict(os.environ, OFAB_CORES="3")) == 3, "threads: all with OFAB_CORES=3 runs 3 threads")
code, _, err = run([ofab, "run", os.path.join(tmp, "torus.yaml"), "-q", "--no-trace", "--threads", "all"],
                   env=dict(os.environ, OFAB_CORES="three"))
check(code == 2 and "run.threads" in err and "OFAB_CORES" in err and "'three'" in err,
      "threads: all with OFAB_CORES=three is refused, naming both", err)
if shutil.which("taskset"):
    check(threads_of_all(("taskset", "-c", "0")) == 1, "threads: all under taskset -c 0 runs 1 thread")
sweep = os.path.join(tmp, "sweep.yaml")
with open(sweep, "w", encoding="utf-8") as f:
    f.write(f"base: {os.path.join(tmp, 'torus.yaml')}\nset: {{duration: 200ns, run.threads: all}}\nseeds: [1, 2]\n")
code, _, err = run([ofab, "sweep", sweep, "-j", "2", "--no-traces", "-o", os.path.join(tmp, "sweep")],
                   env=dict(os.environ, OFAB_CORES="6"))
require(code == 0, "a sweep of two points with threads: all", err)
shares = []
for seed in (1, 2):
    with open(os.path.join(tmp, "sweep", "points", f"seed={seed}", "summary.json"), encoding="utf-8") as f:
        shares.append(json.load(f)["threads"])
check(shares == [3, 3], "two points at once on 6 cores: 3 threads each", str(shares))

# What the parallel core does not run yet is refused at the key, with exit 2 and no output.
graph = os.path.join(tmp, "chakra.yaml")
with open(graph, "w", encoding="utf-8") as f:
    f.write("name: par-chakra\nduration: 1us\ntopology: {kind: ring, accelerators: 4}\n"
            f"workloads:\n  - {{type: chakra, traces: {os.path.abspath('experiments/chakra/tiny-dp/workload')}}}\n"
            "run:\n  threads: 2\n")
code, out, err = run([ofab, "run", graph, "-q", "-o", os.path.join(tmp, "chakra.h5")])
check(code == 2 and "run.threads" in err and "chakra" in err and "chakra.yaml:7" in err,
      "a workload graph with threads is refused at file:line:key, exit 2", err)
check(not os.path.exists(os.path.join(tmp, "chakra.h5")), "nothing written for a refused file")
code, _, err = run([ofab, "run", graph, "-q", "--threads", "two"])
check(code == 2 and "threads" in err, "--threads two is refused", err)

finish()
