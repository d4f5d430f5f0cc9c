"""scripts/report on a region's summary (a run over several sites: no trace, the summary JSON has it
all): the page has every section and its figures, its tables say what the summary says (sites,
totals, each failure's healing per layer, partitions, the lightpaths before and at the end, each
restoration, the all-reduce per number of sites, the transfers), the simulator's speed only under
Simulation, the same page twice from the same input; a malformed regional summary is refused with
one line and exit 1, never a traceback.

The input is tests/fabric/app/data/regional-resilience.json: `ofab run experiments/regional-resilience.yaml`'s
summary with the all-reduce's messages trimmed to rings 0 and 1 of a few iterations, and the failed ones
(a real run takes ten seconds and sends thousands).
Usage: report-regional-test.py [OFAB_BINARY] (run from the project root; the binary is not needed)."""

import copy
import json
import os
import shutil
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import PYTHON, ROOT, check, finish, require, run, workdir  # noqa: E402
from reportlib import images, row, section, sections, tables  # noqa: E402

report = os.path.join(ROOT, "scripts/report")
source = os.path.join(ROOT, "tests/fabric/app/data/regional-resilience.json")
tmp = workdir("report-regional")
with open(source, encoding="utf-8") as f:
    data = json.load(f)


def render(path, name):
    """Runs scripts/report; (exit code, stderr, page or "")."""
    out = os.path.join(tmp, name)
    code, _, err = run([PYTHON, report, path, "-o", out])
    text = ""
    if os.path.exists(out):
        with open(out, encoding="utf-8") as f:
            text = f.read()
    return code, err, text


def number(cell):
    """A table cell's leading number ('50.01 (1 switched)' -> 50.01), or None."""
    try:
        return float(cell.split(" ")[0].replace(",", ""))
    except (ValueError, AttributeError, IndexError):
        return None


def close(cell, value, rel=1e-3):
    n = number(cell)
    return n is not None and value is not None and abs(n - value) <= rel * max(1.0, abs(value))


def ms(ns):
    return None if ns is None else ns / 1e6


code, err, page = render(source, "regional.html")
require(code == 0 and page, "scripts/report renders a regional summary", err)
check(sections(page) == ["summary", "mesh", "failures", "throughput", "allreduce", "simulation"],
      "every section of a regional page, in order", str(sections(page)))
imgs = images(page)
check([alt for alt, _, _ in imgs] == ["the mesh and its lightpaths", "cross-site throughput",
                                      "hierarchical all-reduce iterations"]
      and all(h > 300 and w > 600 for _, h, w in imgs), "the mesh, throughput and all-reduce figures, decodable", str(imgs))
check(page.rstrip().endswith("</html>") and "src=\"http" not in page and "<link" not in page,
      "the page is whole and self-contained")
check(render(source, "again.html")[2] == page, "the same page from the same summary (the mesh's layout is fixed)")

sites, totals = tables(section(page, "summary"))[:2]
for s in data["sites"]:
    tx = s["transactions"]
    check(row(sites, s["name"]) == [s["topology"], str(s["accelerators"]), f"a{s['gateway']}", str(s["nics"]),
                                    f"{s['faults']} / {s['controller'] or 'none'}", "LOST" if s["lost"] else "no",
                                    f"{tx['issued']:,} / {tx['completed']:,} / {tx['failed']:,}"],
          f"site {s['name']}: topology, accelerators, gateway, NICs, own faults, lost and transactions as in the summary",
          str(row(sites, s["name"])))
check(close(row(totals, "cross-site bytes lost")[0], data["lost_bytes"], 0)
      and close(row(totals, "cross-site bytes retransmitted")[0], data["retransmitted_bytes"], 0),
      "the totals' lost and retransmitted bytes", str(totals))
done = sum(i["status"] == "completed" for i in data["hierarchical_allreduce"])
check(row(totals, "all-reduce iterations completed / failed") == [f"{done} / {len(data['hierarchical_allreduce']) - done}"],
      "all-reduce iterations completed and failed counted", str(totals))
before_up = sum(lp["up"] for lp in data["lightpaths_before"])
after_up = sum(lp["up"] for lp in data["lightpaths_after"])
check(row(totals, "lightpaths up before / at the end") == [f"{before_up} / {after_up} of {len(data['lightpaths_before'])}"],
      "lightpaths up before and at the end", str(totals))
before_speed = page[:page.index('<section id="simulation">')]
check("wall time" not in before_speed and "per wall second" not in before_speed and
      row(tables(section(page, "simulation"))[0], data["experiment"])[1] == f"{data['events']:,}",
      "the simulator's speed (wall time, events) only under Simulation")

healing, partitions = tables(section(page, "failures"))[:2]
header = healing[0]
for k, f in enumerate(data["failures"]):
    cells = dict(zip(header[1:], row(healing, f"{k + 1}: {f['fault']}") or []))
    restored = sum(r["restored"] for r in f["restoration"])
    ok = (close(cells.get("at (ms)"), ms(f["at_ns"])) and close(cells.get("T_detect (ms)"), ms(f["t_detect_ns"]))
          and close(cells.get("T_reroute (ms)"), ms(f["t_reroute_ns"]))
          and cells.get("bytes lost") == f"{f['lost_bytes']:,}" and cells.get("lightpaths down") == str(len(f["lightpaths_down"])))
    ok &= (close(cells.get("T_protect (ms)"), ms(f["t_protect_ns"])) and f"({len(f['switched_to_protection'])} switched)"
           in cells["T_protect (ms)"]) if f["switched_to_protection"] else cells.get("T_protect (ms)", "").startswith("—")
    ok &= (close(cells.get("T_restore (ms)"), ms(f["t_restore_ns"])) and
           f"({restored} of {len(f['restoration'])} restored)" in cells["T_restore (ms)"]) if f["restoration"] \
        else cells.get("T_restore (ms)", "").startswith("—")
    ok &= (close(cells.get("T_recover95 (ms)"), ms(f["t_recover95_ns"])) if f["t_recover95_ns"] is not None else
           cells.get("T_recover95 (ms)") == f"never: degraded to {100 * f['degraded_to']:.1f} %")
    check(ok, f"failure {k + 1} ({f['fault']}): each layer's time, restorations and lost bytes as in the summary", str(cells))
check(len(healing) == 1 + len(data["failures"]), "one healing row per failure", str(healing))
for p in data["partitions"]:
    cells = row(partitions, f"{p['a']} ↔ {p['b']}")
    check(cells is not None and close(cells[0], ms(p["partitioned_ns"])),
          f"partition {p['a']} ↔ {p['b']} as long as the summary says", str(cells))

lightpaths, restoration = tables(section(page, "mesh"))[:2]
after = {lp["id"]: lp for lp in data["lightpaths_after"]}
for lp in data["lightpaths_before"]:
    cells = row(lightpaths, lp["label"])
    check(cells is not None and cells[0] == lp["path"] and cells[1] == str(lp["wavelength"])
          and cells[7] == after[lp["id"]]["state"], f"lightpath {lp['label']}: its path before and its state at the end",
          str(cells))
labels = {lp["id"]: lp["label"] for lp in data["lightpaths_before"]}
for k, f in enumerate(data["failures"]):
    mine = [r for r in restoration[1:] if r[0].startswith(f"{k + 1}: ")]
    for r in f["restoration"]:
        got = next((m for m in mine if m[1] == labels[r["lightpath"]] and m[2] != "1+1 switched"), None)
        want = ["restored", r["path"], f"{r['km']:g}", str(r["wavelength"])] if r["restored"] else ["not restored"]
        check(got is not None and got[2:2 + len(want)] == want,
              f"failure {k + 1}: {labels[r['lightpath']]}'s restoration as in the summary", f"{got} vs {want}")
    switched = sorted(m[1] for m in mine if m[2] == "1+1 switched")
    check(switched == sorted(labels[i] for i in f["switched_to_protection"]),
          f"failure {k + 1}: its 1+1 switch-overs listed", str(switched))

groups, *rest = tables(section(page, "allreduce"))
for sites_n in sorted({i["sites"] for i in data["hierarchical_allreduce"]}):
    its = [i for i in data["hierarchical_allreduce"] if i["sites"] == sites_n]
    completed = [i["time_ns"] for i in its if i["status"] == "completed"]
    cells = next((r for r in groups[1:] if r[1] == str(sites_n)), None)
    check(cells is not None and cells[2:5] == [str(len(its)), str(len(completed)), str(len(its) - len(completed))]
          and close(cells[5], statistics.median(completed) / 1e6) and close(cells[6], max(completed) / 1e6),
          f"all-reduce over {sites_n} sites: iterations, completed, failed, median and longest time", str(cells))
transfers = rest[-1]
checkpoint = next(t for t in data["transfers"] if t["label"] == "checkpoint")
cells = row(transfers, "checkpoint")
check(cells is not None and cells[1] == f"{checkpoint['bytes']:,}" and cells[2] == "completed"
      and close(cells[5], ms(checkpoint["end_ns"] - checkpoint["start_ns"])), "the checkpoint copy: bytes, status, duration",
      str(cells))
failed = [t for t in data["transfers"] if t["status"] == "failed"]
check(failed and all(row(transfers, t["label"]) and row(transfers, t["label"])[-1] == t["reason"] for t in failed),
      "each failed transfer listed with its reason", str([t["label"] for t in failed]))

# A node name with a '-' in it: the paths (west-central-hub-east) still split into the mesh's nodes.
renamed = json.loads(json.dumps(data).replace("central", "central-hub").replace("central-hub-exit", "central-exit"))
path = os.path.join(tmp, "renamed.json")
with open(path, "w") as f:
    json.dump(renamed, f)
code, err, rpage = render(path, "renamed.html")
rrest = tables(section(rpage, "mesh"))[1] if code == 0 else []
check(code == 0 and [r[2:] for r in rrest] == [r[2:] for r in restoration] and "central-hub (junction)" not in rpage,
      "node names with '-' in them: the same restorations", err)


def refused(content, name, why):
    path = os.path.join(tmp, name + ".json")
    with open(path, "w") as f:
        f.write(content if isinstance(content, str) else json.dumps(content))
    code, err, _ = render(path, name + ".html")
    check(code == 1 and why in err and err.count("\n") == 1 and "Traceback" not in err
          and not os.path.exists(os.path.join(tmp, name + ".html")), f"refused, one line and exit 1: {name}", err)


def broken(change):
    d = copy.deepcopy(data)
    change(d)
    return d


with open(source, encoding="utf-8") as f:
    refused(f.read()[:5000], "truncated", "not valid JSON")
refused(broken(lambda d: d.update(sites="west, east")), "sites", "'sites' is not a list of sites with names")
refused(broken(lambda d: d["mesh"].update(nodes=[1, 2])), "nodes", "'mesh.nodes' is not a list of node names")
refused(broken(lambda d: d["mesh"]["routes"].append({"a": "west", "b": "atlantis"})), "routes",
        "'mesh.routes' is not a list of routes between its nodes")
refused(broken(lambda d: d.update(failures="duct cut")), "failures", "'failures' is not a list")
odd = broken(lambda d: (d["failures"][0].update(at_ns="soon", t_detect_ns=[1], restoration=[3]),
                        d.update(cross_site_throughput_gbps={"bin_ns": "x"}), d["hierarchical_allreduce"][0].update(sites=None)))
path = os.path.join(tmp, "odd.json")
with open(path, "w") as f:
    json.dump(odd, f)
code, err, _ = render(path, "odd.html")
check(code in (0, 1) and "Traceback" not in err and err.count("\n") <= 1, "a regional summary of odd types: no traceback", err)

shutil.rmtree(tmp)
finish()
