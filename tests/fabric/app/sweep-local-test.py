"""`ofab sweep` on this machine, end to end: points as separate runs, a failing point that does not stop
the others, the CSV and HDF5 index, resume, --force, Ctrl-C, the Slurm script, and bad sweep files.
Usage: sweep-local-test.py OFAB_BINARY (run from the project root)."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import ROOT, check, finish, read_index, require, run, workdir  # noqa: E402

import h5py  # noqa: E402
import yaml  # noqa: E402

ofab = sys.argv[1]
tmp = workdir("sweep")
base = os.path.join(ROOT, "tests/fabric/app/data/ring4.yaml")


def write(name, text):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write(text)
    return path


# Two fault settings x two seeds. The second fault names laser source 9 of a0, which a ring node does
# not have: the experiment loads, but the run refuses it when the fabric is built (exit 2).
sweep = write("faults.yaml", f"""
name: faults
base: {base}
axes:
  - name: fault
    labels: [cut, badlaser]
    key: faults.events.0
    values:
      - {{at: 1us, kind: fibre_cut, between: [0, 1], repair_at: 2us}}
      - {{at: 1us, kind: laser_source, source: {{node: 0, index: 9}}}}
seeds: [1, 2]
""")
out = os.path.join(tmp, "out")
code, _, err = run([ofab, "sweep", sweep, "-j", "2", "-o", out])
check(code == 1, "a sweep with failed points exits 1", err)
check("[4/4]" in err and "FAILED fault=badlaser,seed=1" in err, "progress names each point and the failures", err)
rows = read_index(out)
require(len(rows) == 4, "the index has one row per point", str(rows))
by = {r["point"]: r for r in rows}
require(set(by) == {"fault=cut,seed=1", "fault=cut,seed=2", "fault=badlaser,seed=1", "fault=badlaser,seed=2"},
        "points are named by their parameters", str(list(by)))
for name in ("fault=cut,seed=1", "fault=cut,seed=2"):
    r = by[name]
    check(r["status"] == "ok" and r["error"] == "", f"{name} ran", str(r))
    issued = int(r["transactions.issued"])
    parts = int(r["transactions.completed"]) + int(r["transactions.failed"]) + int(r["transactions.in_flight"])
    check(issued > 100 and issued == parts, f"{name}: issued = completed + failed + in flight ({issued})")
    with open(os.path.join(out, "points", name, "summary.json")) as f:
        summary = json.load(f)
    check(float(r["throughput_gbps"]) == summary["throughput_gbps"] and float(r["latency_ns.p99"]) ==
          summary["latency_ns"]["p99"], f"{name}: the index holds the point's own summary figures")
    check(r["faults.injected"] == "1" and r["faults.repairs"] == "1", f"{name}: its fault was injected and repaired")
    with h5py.File(os.path.join(out, "points", name, "trace.h5"), "r") as f:
        check(f["meta"].attrs["status"] in (b"complete", "complete") and int(f["meta"].attrs["seed"]) == int(r["seed"]),
              f"{name}: its own complete trace with its seed")
check(by["fault=cut,seed=1"]["transactions.issued"] != by["fault=cut,seed=2"]["transactions.issued"],
      "different seeds draw different traffic")
for name in ("fault=badlaser,seed=1", "fault=badlaser,seed=2"):
    r = by[name]
    check(r["status"] == "failed" and r["error"].startswith("exit 2: ") and "laser" in r["error"]
          and r["transactions.issued"] == "", f"{name} failed with the run's own error line", r["error"])

with h5py.File(os.path.join(out, "index.h5"), "r") as f:
    table = f["points"][:]
    names = [p.decode() for p in table["point"]]
    check(names == [r["point"] for r in rows], "index.h5 has the same points in the same order", str(names))
    ok_rows = [i for i, n in enumerate(names) if n.startswith("fault=cut")]
    check(all(float(table["transactions.issued"][i]) == float(by[names[i]]["transactions.issued"]) for i in ok_rows),
          "index.h5 has the same figures as index.csv")
    check(f["points"].attrs["parameters"] in (b"fault,seed", "fault,seed"), "index.h5 names its parameter columns")

# Resume: finished points are skipped (their files untouched), failed ones run again.
summary_file = os.path.join(out, "points", "fault=cut,seed=1", "summary.json")
mtime = os.stat(summary_file).st_mtime_ns
code, _, err = run([ofab, "sweep", sweep, "-j", "2", "-o", out])
check(code == 1 and "4 points, 2 already finished, 2 to run" in err, "a second run resumes", err)
check(os.stat(summary_file).st_mtime_ns == mtime, "a finished point is not run again")
issued = by["fault=cut,seed=1"]["transactions.issued"]
code, _, err = run([ofab, "sweep", sweep, "-o", out, "--force"])
check("0 already finished, 4 to run" in err and os.stat(summary_file).st_mtime_ns != mtime, "--force runs every point")
check(read_index(out)[0]["transactions.issued"] == issued, "a point run again gives the same figures")

# Editing the base experiment re-runs its points (the arguments alone have not changed).
edited = os.path.join(tmp, "ring4-edited.yaml")
shutil.copy(base, edited)
with open(edited) as f:
    text = f.read().replace("../../../../experiments/links/cpo-8lambda.yaml",
                            os.path.join(ROOT, "experiments/links/cpo-8lambda.yaml"))
edited_sweep = write("edited.yaml", f"base: {edited}\nseeds: [1]\n")
run([ofab, "sweep", edited_sweep, "-o", os.path.join(tmp, "edited")])
with open(edited, "w") as f:
    f.write(text.replace("load: 0.2", "load: 0.25"))
code, _, err = run([ofab, "sweep", edited_sweep, "-o", os.path.join(tmp, "edited")])
check(code == 0 and "0 already finished, 1 to run" in err, "an edited base experiment runs its points again", err)

# Ctrl-C: the sweep stops launching, the running point marks its trace incomplete, the finished point
# and the index stay, and the exit code is 130.
long_sweep = write("long.yaml", f"base: {base}\nset: {{duration: 1500us}}\nseeds: [1, 2, 3]\n")
long_out = os.path.join(tmp, "long")
proc = subprocess.Popen([ofab, "sweep", long_sweep, "-j", "1", "-o", long_out], stderr=subprocess.PIPE, text=True)
first = os.path.join(long_out, "points", "seed=1", "summary.json")
# The second point is running once its trace exists: waited for, not assumed after a fixed time (a
# sanitizer build under load takes longer than that to start a point).
second = os.path.join(long_out, "points", "seed=2", "trace.h5")
deadline = time.time() + 120
for path in (first, second):
    while not os.path.exists(path) and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
time.sleep(0.5)
proc.send_signal(signal.SIGINT)
err = proc.communicate(timeout=120)[1]
check(proc.returncode == 130, "an interrupted sweep exits 130", err)
rows = {r["point"]: r for r in read_index(long_out)}
check(rows.get("seed=1", {}).get("status") == "ok", "the point finished before Ctrl-C is kept", str(rows.get("seed=1")))
check(rows.get("seed=2", {}).get("status") == "interrupted", "the running point is marked interrupted",
      str(rows.get("seed=2")))
check(rows.get("seed=3", {}).get("status") == "pending", "points not started stay pending", str(rows.get("seed=3")))
with h5py.File(os.path.join(long_out, "points", "seed=2", "trace.h5"), "r") as f:
    status = f["meta"].attrs["status"]
    status = status.decode() if isinstance(status, bytes) else status
    check(status.startswith("incomplete"), "the interrupted point's trace says incomplete", status)
check("run the same command to resume" in err, "the sweep says how to resume", err)

# --dry-run: checks and lists, runs and writes nothing.
code, listing, _ = run([ofab, "sweep", sweep, "--dry-run", "-o", os.path.join(tmp, "dry")])
check(code == 0 and listing.count(" run ") == 0 and listing.count("'run'") == 4 and
      not os.path.exists(os.path.join(tmp, "dry")), "--dry-run lists the four commands and writes nothing", listing)

# The Slurm backend's script, without submitting: one array task per pending point, resources as options.
slurm_out = os.path.join(tmp, "slurm")
code, text_out, err = run([ofab, "sweep", sweep, "--backend", "slurm", "--dry-run", "-j", "2", "-o", slurm_out,
                           "--partition", "night", "--time", "00:05:00", "--mem", "1G", "--sbatch=--qos=low"])
script = os.path.join(slurm_out, "slurm", "sweep.sbatch")
require(code == 0 and os.path.exists(script), "--backend slurm --dry-run writes the script", err + text_out)
with open(script) as f:
    sb = f.read()
for line in ("#SBATCH --array=0-3%2", "#SBATCH --partition=night", "#SBATCH --time=00:05:00", "#SBATCH --mem=1G",
             "#SBATCH --qos=low", "#SBATCH --cpus-per-task=1"):
    check(line in sb, f"the script has {line}")
with open(os.path.join(slurm_out, "slurm", "tasks.txt")) as f:
    tasks = f.read().split()
check(len(tasks) == 4 and all(os.path.exists(os.path.join(t, "run.sh")) for t in tasks),
      "each task line is a point folder with its run.sh")
code, _, _ = run(["bash", os.path.join(tasks[0], "run.sh")])
check(code == 0 and os.path.exists(os.path.join(tasks[0], "summary.json")), "a point's run.sh runs it by hand")

# Bad sweep files: one line naming the sweep file, line and key; exit 2; nothing written.
bad_out = os.path.join(tmp, "bad")
for name, text, expect in [
    ("unknown.yaml", f"base: {base}\naxes:\n  - {{key: workloads.0.lod, values: [0.1, 0.2]}}\n",
     ":3:11: key 'axes[0].key': in point lod=0.1: 'workloads[0].lod' unknown key; did you mean 'load'?"),
    ("empty.yaml", f"base: {base}\naxes:\n  - {{key: workloads.0.load, values: []}}\n",
     "key 'axes[0].values': empty axis"),
]:
    path = write(name, text)
    code, _, err = run([ofab, "sweep", path, "-o", bad_out])
    check(code == 2 and err.startswith(f"ofab: error: {path}") and expect in err and err.count("\n") == 1
          and not os.path.exists(bad_out), f"{name}: exit 2, one line naming the sweep file and key", err)

# The README shows experiments/compare-fabrics.yaml: the block it labels so is that file, key for key.
with open(os.path.join(ROOT, "README.md")) as f:
    readme = f.read()
label = "# experiments/compare-fabrics.yaml"
blocks = [b for b in readme.split("```yaml\n")[1:] if b.startswith(label)]
require(len(blocks) == 1, "the README has one block labelled as experiments/compare-fabrics.yaml")
with open(os.path.join(ROOT, "experiments/compare-fabrics.yaml")) as f:
    committed = yaml.safe_load(f)
shown = yaml.safe_load(blocks[0].split("```")[0])
check(shown == committed, "the README's compare-fabrics.yaml is the committed file", f"{shown}\n{committed}")

shutil.rmtree(tmp)
finish()
