"""scripts/ofab_trace.py and the examples of docs/trace-format.md against a fresh trace: every ```python
block of the document (and of the README's "Reading a trace") runs with /usr/bin/python3 from the project
root; the reader's tables agree with the trace and its summary; foreign and incomplete files are refused.
Usage: trace-reader-test.py OFAB_BINARY (run from the project root)."""

import json
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import PYTHON, ROOT, check, finish, require, run, workdir  # noqa: E402

sys.path.insert(0, os.path.join(ROOT, "scripts"))
import h5py  # noqa: E402
import pandas as pd  # noqa: E402
from ofab_trace import TraceError, open_trace  # noqa: E402

ofab = sys.argv[1]
tmp = workdir("trace-reader")
DOC_TRACE = "out/quickstart.h5"  # the path the examples read


def python_blocks(path, section=None):
    """The ```python blocks of a Markdown file (of one `## ` section when given)."""
    with open(os.path.join(ROOT, path)) as f:
        text = f.read()
    if section:
        start = text.index(f"## {section}\n")
        end = text.find("\n## ", start + 1)
        text = text[start:end if end >= 0 else len(text)]
    return re.findall(r"^```python\n(.*?)^```$", text, re.S | re.M)


# The quick start: a fibre cut, its repair, the reroute controller's events and a collective.
trace = os.path.join(tmp, "quickstart.h5")
code, _, err = run([ofab, "run", os.path.join(ROOT, "experiments/quickstart.yaml"), "-o", trace, "-q"])
require(code == 0, "the quick start runs", err)

# Every example of the documents, as a reader would run it, reading the fresh trace.
examples = [("docs/trace-format.md", b) for b in python_blocks("docs/trace-format.md")]
examples += [("README.md", b) for b in python_blocks("README.md", "Reading a trace")]
require(sum(1 for doc, _ in examples if doc.startswith("docs/")) >= 3 and len(examples) >= 4,
        "the documents hold their examples", str(len(examples)))
for n, (doc, block) in enumerate(examples, 1):
    check(DOC_TRACE in block, f"{doc} example {n} reads {DOC_TRACE}")
    script = os.path.join(tmp, f"example-{n}.py")
    with open(script, "w") as f:
        f.write(block.replace(DOC_TRACE, trace))
    code, out, err = run([PYTHON, script], cwd=ROOT)
    check(code == 0, f"{doc} example {n} runs", err[-2000:])

with open_trace(trace) as t:
    check(t.status == "complete" and t.meta["experiment"] == "quickstart" and isinstance(t.meta["seed"], int),
          "meta: str and int values, not bytes", str(t.meta.get("status")))
    issued = t.summary["transactions"]["issued"]
    tx = t.transactions()
    check(len(tx) == issued and issued > 0, "one transaction row per issued transaction", f"{len(tx)} vs {issued}")
    check(isinstance(tx.status.dtype, pd.CategoricalDtype) and "completed" in tx.status.cat.categories
          and "link_down" in tx.status.cat.categories, "status: a Categorical of the enumeration's names",
          str(tx.status.dtype))
    counts = tx.status.value_counts()
    s = t.summary["transactions"]
    check(counts["completed"] == s["completed"] and counts["in_flight"] == s["in_flight"]
          and len(tx) - counts["completed"] - counts["in_flight"] == s["failed"],
          "status counts agree with the summary", f"{dict(counts)} vs {s}")
    check(set(tx.kind.cat.categories) == {"read", "write", "write_full", "atomic_r", "atomic_nr"},
          "kind: the five operations", str(list(tx.kind.cat.categories)))

    nodes = t.nodes()
    check(nodes.name.map(type).eq(str).all() and (nodes.role == "accelerator").sum() == 16,
          "nodes: names as str, 16 accelerators", nodes.head().to_string())
    links = t.links()
    thr = t.link_throughput()
    first = f"{links.a_name[0]}->{links.b_name[0]}"
    check(thr.shape[1] == 2 * len(links) and thr.columns[0] == first
          and thr.columns[1] == f"{links.b_name[0]}->{links.a_name[0]}" and first == "a(0,0)->a(1,0)",
          "link throughput: two columns per link, named by node names", str(list(thr.columns[:2])))
    check(thr.index.name == "time_ns" and thr.index[1] - thr.index[0] == t.bin_width_ns() > 0,
          "link throughput: indexed by bin start, ns", str(thr.index[:3]))
    with h5py.File(trace, "r") as f:
        raw = f["links/throughput"][:]
        check((thr.to_numpy() == raw).all(), "link throughput: the values of the trace")
        check(len(t.events()) == len(f["events"]) and len(t.link_state()) == len(f["links/state"]),
              "events and link states: every row")
    events = t.events()
    cuts = events[events.kind == "fibre_cut"]
    check(len(cuts) == 1 and cuts.element.iloc[0].startswith("link ") and cuts.time_ns.iloc[0] == 60000.0,
          "events: the fibre cut at 60 us, decoded", events.head().to_string())
    check("repair" in set(events.kind) and "cut" in set(t.link_state().state),
          "events and link states: the repair, a cut link")
    coll = t.collectives()
    check(len(coll) == 1 and coll.name[0] == "allreduce-1MiB" and coll.status[0] == "completed",
          "collectives: the all-reduce, completed", coll.to_string())

# Who sent what: every transaction row names its workload (and a collective's rows its operation),
# and with outputs.flows the /flows table accounts for every transaction that ended.
flows = os.path.join(tmp, "flows.h5")
code, _, err = run([ofab, "run", os.path.join(ROOT, "experiments/quickstart.yaml"), "-o", flows, "-q",
                    "--set", "outputs.flows=true"])
require(code == 0, "the quick start runs with outputs.flows", err)
with h5py.File(flows, "r") as f:
    rows = f["flows"][:]
    tx = f["transactions"][:]
    coll = f["collectives"][:]
    summary = json.loads(f["summary/json"][()])
ended = summary["transactions"]["completed"] + summary["transactions"]["failed"]
check(int(rows["transactions"].sum()) == ended and int(rows["failed"].sum()) == summary["transactions"]["failed"],
      f"/flows accounts for the {ended} transactions that ended, failed ones included")
check(int(rows["bytes"].sum()) == summary["payload_bytes"], "and for every byte of completed payload")
check(set(tx["workload"]) == {1, 2}, "every /transactions row names its workload (1: traffic, 2: the collective)")
mine = tx[(tx["workload"] == coll[0]["workload"]) & (tx["operation"] == coll[0]["operation"])]
check(len(mine) > 0 and all(mine["src"] < 16), f"the collective's {len(mine)} rows carry its operation number")
with h5py.File(trace, "r") as f:
    check(len(f["flows"]) == 0, "without outputs.flows the table is empty")

# Refusals: a file that is not HDF5, an HDF5 file that is not a trace, an incomplete trace.
def refused(path, words, **kw):
    try:
        open_trace(path, **kw).close()
    except TraceError as e:
        return all(w in str(e) for w in words)
    return False


check(refused(os.path.join(ROOT, "README.md"), ["cannot read it as an HDF5 file"]), "a text file is refused")
foreign = os.path.join(tmp, "foreign.h5")
with h5py.File(foreign, "w") as f:
    f["x"] = [1, 2, 3]
check(refused(foreign, ["not an ofab trace"]), "an HDF5 file without /meta@status is refused")
partial = os.path.join(tmp, "partial.h5")
shutil.copy(trace, partial)
with h5py.File(partial, "r+") as f:
    f["meta"].attrs["status"] = "incomplete: interrupted"
check(refused(partial, ["'incomplete: interrupted'", "allow_incomplete=True"]), "an incomplete trace is refused")
with open_trace(partial, allow_incomplete=True) as t:
    check(t.status == "incomplete: interrupted" and len(t.transactions()) > 0,
          "allow_incomplete=True reads it anyway")

shutil.rmtree(tmp, ignore_errors=True)
finish()
