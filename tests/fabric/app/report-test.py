"""scripts/report end to end: the run, variants and sweep pages are complete (every section, every image a
decodable PNG) and say what the summaries say (one column per variant with its T_recover95, links by
their end names, collectives by workload name, simulator speed only under Simulation); a run's summary
renders its trace; a fabric of optical circuit switches gets its section (the moves as the summary has
them, the slices drawn, the circuits each configuration lights counted in the trace) on both pages, and
circuits switched off are not taken for failures; corrupt, incomplete and foreign inputs are refused
with one line, never a traceback.
Usage: report-test.py OFAB_BINARY (run from the project root)."""

import json
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import PYTHON, ROOT, check, finish, require, run, workdir  # noqa: E402
from reportlib import images, make_ocs, make_run, make_sweep, make_variants, row, section, sections, tables  # noqa: E402

import h5py  # noqa: E402

ofab = sys.argv[1]
report = os.path.join(ROOT, "scripts/report")
tmp = workdir("report")
LINK_ID = re.compile(r"\blinks? \d")  # "link 14", "links 3, 4": ids the page should have named


def render(source, name, *extra):
    """Runs scripts/report; (exit code, stderr, page or "")."""
    out = os.path.join(tmp, name)
    code, _, err = run([PYTHON, report, source, "-o", out, *extra])
    text = ""
    if os.path.exists(out):
        with open(out, encoding="utf-8") as f:
            text = f.read()
    return code, err, text


def close(cell, value, rel=1e-4):
    try:
        return abs(float(cell.replace(",", "")) - value) <= rel * max(1.0, abs(value))
    except ValueError:
        return False


def speed_only_in_simulation(page):
    """events / flit-hops per wall second and wall time appear under Simulation and nowhere before it."""
    before = page[:page.index('<section id="simulation">')]
    return "per wall second" not in before and "wall time" not in before and \
        "per wall second" in section(page, "simulation")


# One run: a fibre cut (20 us, cut short at 45 us) and a laser line lost at 40 us.
trace, summary_json = make_run(ofab, tmp)
code, err, page = render(trace, "run.html")
require(code == 0 and page, "scripts/report renders the trace", err)
check(sections(page) == ["summary", "fabric", "throughput", "recovery", "latency", "links", "topology", "events",
                         "simulation"], "every section of a run report, in order", str(sections(page)))
imgs = images(page)
check(len(imgs) == 5 and all(h > 150 and w > 400 for _, h, w in imgs),
      "five plots, each a decodable PNG of a readable size", str(imgs))
check("latency CCDF" in [alt for alt, _, _ in imgs], "the latency CCDF is drawn")
check(page.rstrip().endswith("</html>") and "src=\"http" not in page and "<link" not in page,
      "the page is whole and self-contained")
with open(summary_json) as f:
    s = json.load(f)
tx = s["transactions"]
check(f"{tx['issued']} / {tx['completed']} / {tx['failed']} / {tx['in_flight']}" in page,
      "the summary table holds the run's transaction counts")
events = section(page, "events")
check("fibre_cut" in events and "laser_line_failed" in events and "a(1,1) ↔ a(2,1)" in events
      and "feeds a(0,2) ↔ a(0,3) from a(0,2)" in events, "the events name the cut link and the laser's link by their ends")
check(not LINK_ID.search(page), "no link is named by its id", LINK_ID.findall(page)[:3])
check("Failed during the run (red ✕): a(1,1) ↔ a(2,1)." in page and
      "Lost laser lines but stayed up (orange ◆): a(0,2) ↔ a(0,3)." in page,
      "the topology names the cut link and the link that lost a line", re.findall(r"Failed during.*?</p>", page)[:1])
busiest = tables(section(page, "links"))[0]
check(all(re.fullmatch(r"a\(\d,\d\) → a\(\d,\d\)", r[0]) for r in busiest[1:]) and len(busiest) == 9,
      "the busiest link directions are named by their ends", str(busiest[:3]))
check(re.search(r"before the first fault: \d+, p50 [\d.]+ ns.*; during \(from the first fault until every fault is repaired\): \d+", page) is not None,
      "the latency CCDF is split at the faults")
fabric = tables(section(page, "fabric"))[0]
check(row(fabric, "accelerators") == ["16"] and row(fabric, "laser sources") == ["64"]
      and row(fabric, "bisection (links)") == ["8"] and row(fabric, "diameter (hops, accelerator to accelerator)")
      == ["4"], "the fabric table shows the summary's fabric (4x4 torus: 64 sources, bisection 8, diameter 4)",
      str(fabric))
# A trace older than format 1.5 (no fabric object): counts from /topology, the rest —.
old_trace = os.path.join(tmp, "no-fabric.h5")
shutil.copy(trace, old_trace)
with h5py.File(old_trace, "r+") as f:
    del f["summary/json"]
    f["summary"].create_dataset("json", data=json.dumps({k: v for k, v in s.items() if k != "fabric"}))
code, err, opage = render(old_trace, "no-fabric.html")
otable = tables(section(opage, "fabric"))[0] if code == 0 else []
check(row(otable, "accelerators") == ["16"] and row(otable, "switches") == ["0"] and row(otable, "links (duplex)")
      == ["32"] and row(otable, "diameter (hops, accelerator to accelerator)") == ["—"]
      and row(otable, "laser sources") == ["—"] and "No fabric figures" in opage,
      "without a fabric summary: counts from /topology, the rest —", str(otable))
# A summary with a fabric object (as newer runs write it): the table shows it as given, null as —.
given = dict(accelerators=16, switches=0, links=32, lasers=64, laser_lines=512, link_rate_gbps=800,
             diameter_hops=4, mean_hops=2.133, bisection_links=8, bisection_gbps=6400, optics_power_w=None,
             optics_pj_per_bit=3.25)
with_fabric = os.path.join(tmp, "fabric.h5")
shutil.copy(trace, with_fabric)
with h5py.File(with_fabric, "r+") as f:
    del f["summary/json"]
    f["summary"].create_dataset("json", data=json.dumps(dict(s, fabric=given)))
code, err, fpage = render(with_fabric, "fabric.html")
ftable = tables(section(fpage, "fabric"))[0] if code == 0 else []
check(row(ftable, "laser lines") == ["512"] and row(ftable, "bisection bandwidth (Gb/s)") == ["6,400"]
      and row(ftable, "optics power (W)") == ["—"] and row(ftable, "optics energy (pJ/bit)") == ["3.25"]
      and "No fabric figures" not in fpage, "the summary's fabric object fills the fabric table", str(ftable))
recovery = tables(section(page, "recovery"))[0]
check(len(recovery) == 1 + len(s["fault_recovery"]), "one recovery row per fault", str(recovery))
check(speed_only_in_simulation(page), "simulator speed only under Simulation")

# Variants: the combined JSON; its traces are named relative to where ofab ran, not to here.
vjson = make_variants(ofab, tmp)
with open(vjson) as f:
    variants = json.load(f)["variants"]
names = [v["variant"] for v in variants]
code, err, page = render(vjson, "variants.html")
require(code == 0 and page, "scripts/report renders a variants summary", err)
check('class="warn"' not in page, "every variant's trace is found beside the JSON", err)
check(sections(page) == ["variants", "fabric", "recovery", "timeline", "latency", "topology", "simulation", "traces"],
      "every section of a variants report, in order", str(sections(page)))
imgs = images(page)
check(len(imgs) == 5 and all(h > 150 and w > 400 for _, h, w in imgs),
      "five plots (recovery, throughput, CCDFs, a topology per fabric), decodable", str(imgs))
side = tables(section(page, "variants"))[0]
check(side[0] == ["figure"] + names, "one column per variant, in the file's order", str(side[0]))
t95 = row(side, "fault 1: T_recover95 (µs)")
expected = [v["fault_recovery"][0]["t_recover95_ns"] for v in variants]
check(t95 is not None and all((cell == "never") if e is None else close(cell, e / 1e3, 1e-6) for cell, e in zip(t95, expected))
      and None in expected and any(e is not None for e in expected),
      "each variant's T_recover95 is its summary's (never where null)", f"{t95} vs {expected}")
thr = row(side, "delivered throughput (Gb/s)")
check(thr is not None and all(close(c, v["throughput_gbps"]) for c, v in zip(thr, variants)),
      "each variant's throughput is its summary's", str(thr))
check(row(side, "controller policy") == ["oracle", "global", "local"], "the policies side by side")
check(row(side, "fault 1") == ["fibre_cut a(0) ↔ a(1) at 10 µs"] + ["fibre_cut a0 ↔ sw.p0 at 10 µs"] * 2,
      "each variant's fault by the ends of its link", str(row(side, "fault 1")))
check(row(side, "allreduce-64KiB: operations completed") is not None and "collective 0" not in page,
      "collectives by their workload name")
check(not LINK_ID.search(page), "no link is named by its id", LINK_ID.findall(page)[:3])
fabrics = tables(section(page, "fabric"))[0]
check(len(fabrics[0]) == 3 and row(fabrics, "switches") == ["0", "2"] and
      row(fabrics, "variants") == ["ring-oracle", "pod-global, pod-local"], "one fabric column per distinct fabric",
      str(fabrics))
check(len(tables(section(page, "recovery"))[0]) == 1 + len(variants), "a recovery row per fault per variant")
check(section(page, "topology").count("<img") == 2, "a topology per distinct fabric")
check(speed_only_in_simulation(page), "simulator speed only under Simulation")

# Optical circuit switches: experiments/ocs-heal.yaml, three variants; in `rewire` a spare cube takes the
# place of the cube whose accelerator failed.
ocs_json = make_ocs(ofab, tmp)
with open(ocs_json) as f:
    ocs_variants = {v["variant"]: v for v in json.load(f)["variants"]}
require(set(ocs_variants) == {"fault-free", "reroute", "rewire"} and len(ocs_variants["rewire"]["ocs"]["reconfigurations"]) == 1
        and not ocs_variants["fault-free"]["ocs"]["reconfigurations"], "the OCS variants: one move in rewire, none without a fault",
        str({n: len(v.get("ocs", {}).get("reconfigurations", [])) for n, v in ocs_variants.items()}))
ocs = ocs_variants["rewire"]["ocs"]
move = ocs["reconfigurations"][0]
code, err, page = render(ocs_json, "ocs-variants.html")
require(code == 0 and page, "scripts/report renders the OCS variants", err)
check(sections(page) == ["variants", "fabric", "ocs", "recovery", "timeline", "latency", "topology", "simulation", "traces"],
      "the variants page of an OCS fabric has the ocs section after the fabric", str(sections(page)))
moves = tables(section(page, "ocs"))[0]
rewire = row(moves, "rewire")
header = moves[0]


def cell(name):
    return rewire[header.index(name) - 1] if rewire and name in header else None


check(rewire is not None and len(moves) == 2, "one move, the rewire variant's", str(moves))
check(cell("from → to") is not None and cell("from → to").startswith(f"{move['from']} (cubes ")
      and f" → {move['to']} (cubes " in cell("from → to") and move["from"] == 0 and move["to"] == ocs["final_configuration"],
      "the move goes from the initial configuration to the final one", str(cell("from → to")))
check(cell("circuits darkened") == str(move["circuits_darkened"]) and cell("circuits lit") == str(move["circuits_lit"]),
      "circuits darkened and lit as in the summary", f"{cell('circuits darkened')} / {cell('circuits lit')} vs {move}")
check(close(cell("start (µs)") or "", move["start_ns"] / 1e3, 1e-5) and close(cell("ready (µs)") or "", move["ready_ns"] / 1e3, 1e-5),
      "the move's start and ready in µs, as in the summary", f"{cell('start (µs)')}, {cell('ready (µs)')} vs {move}")
check(cell("slice is the declared torus") == ("yes" if move["slice_is_torus"] else "NO"), "the slice check as in the summary")
check("No move in fault-free, reroute" in section(page, "ocs"), "the variants without a move are named")
slices = [(alt, h, w) for alt, h, w in images(section(page, "ocs")) if alt.startswith("slice")]
check(len(slices) == 3 and all(h > 150 and w > 400 for _, h, w in slices) and
      any(alt == "slice rewire: before and after move 1" for alt, _, _ in slices),
      "a slice figure per variant (before and after the move for rewire), decodable, of a readable size", str(slices))
check(any(alt == "circuit throughput per variant" for alt, _, _ in images(section(page, "ocs"))),
      "the circuits' throughput of the variants, on one plot")
code, err, page = render(os.path.join(tmp, "ocs-rewire.json"), "ocs-run.html")
require(code == 0 and page, "scripts/report renders the rewire variant's summary", err)
check(sections(page) == ["summary", "fabric", "ocs", "throughput", "recovery", "latency", "links", "topology", "events",
                         "simulation"], "the run page of an OCS fabric: the ocs section after the fabric", str(sections(page)))
imgs = images(page)
check(len(imgs) == 7 and all(h > 150 and w > 400 for _, h, w in imgs), "seven plots (the slice and the circuits' "
      "throughput besides the five), decodable", str(imgs))
configs = tables(section(page, "ocs"))[1]
counted = [int(r[4].split(" ")[0]) for r in configs[1:]]
check(counted == [c["circuits"] for c in ocs["configurations"]] and all("(trace)" in r[4] for r in configs[1:]),
      "each configuration's circuits counted in the trace as many as the summary says", str(configs))
failed = re.search(r"Failed during the run \(red ✕\): (.*?)\. Lost", page)
dead = ocs_variants["rewire"]["fault_recovery"][0]["element"].split()[-1]
check(failed is not None and all(dead in link for link in failed.group(1).split(", ")),
      f"only links of the failed accelerator {dead} are failed, not the circuits a move switched off",
      failed.group(1)[:300] if failed else "")

# A run's own summary renders its trace; a sweep's sweep.json renders its folder.
code, err, page = render(os.path.join(tmp, "v-pod-global.json"), "one.html")
check(code == 0 and "variant pod-global" in page and sections(page)[0] == "summary",
      "a run's summary (.json) renders the run page of its trace", err)

# A sweep: two designs x two seeds.
sweep_out = make_sweep(ofab, tmp)
code, err, page = render(sweep_out, "sweep.html")
require(code == 0 and page, "scripts/report renders the sweep folder", err)
check(sections(page) == ["designs", "fabric", "metrics", "recovery", "timeline", "latency", "topology", "simulation",
                         "points"], "every section of a sweep report", str(sections(page)))
imgs = images(page)
check(len(imgs) == 5 and all(h > 200 and w > 600 for _, h, w in imgs), "five decodable plots", str(imgs))
designs = tables(section(page, "designs"))[0]
check(designs[0] == ["figure", "ring", "mesh"] and row(designs, "delivered throughput (Gb/s)") is not None,
      "the designs side by side, one column each", str(designs[0]))
check(row(designs, "simulator events per wall second (1/s)") is None and speed_only_in_simulation(page),
      "simulator speed only under Simulation")
check(all(f"design={d},seed={k}" in section(page, "timeline") for d in ("ring", "mesh") for k in (1, 2)),
      "throughput over time of every seed of every design")
check(len(tables(section(page, "recovery"))[0]) == 3, "a recovery row per fault per design")
check(page.count("<td class=\"\">ok</td>") + page.count(">ok<") >= 4, "every point listed with its status")
code, err, page = render(os.path.join(sweep_out, "sweep.json"), "sweep2.html")
check(code == 0 and sections(page)[0] == "designs", "a sweep.json renders its folder", err)


def refused(source, name, why, *extra):
    code, err, _ = render(source, name, *extra)
    check(code == 1 and why in err and err.count("\n") == 1 and "Traceback" not in err
          and not os.path.exists(os.path.join(tmp, name)), f"refused, one line and exit 1: {name}", err)


def write(name, content, mode="w"):
    path = os.path.join(tmp, name)
    with open(path, mode) as f:
        f.write(content)
    return path


# Bad input: not HDF5, truncated, left 'running', no sweep, and JSON of every wrong shape.
refused(write("garbage.h5", b"not an hdf5 file at all" * 100, "wb"), "g.html", "cannot read it as an HDF5 file")
truncated = os.path.join(tmp, "truncated.h5")
with open(trace, "rb") as src:
    write("truncated.h5", src.read(os.path.getsize(trace) // 2), "wb")
refused(truncated, "t.html", "report: error: ")
running = os.path.join(tmp, "running.h5")
shutil.copy(trace, running)
with h5py.File(running, "r+") as f:
    f["meta"].attrs["status"] = "running"
refused(running, "r.html", "the trace is 'running'")
code, err, page = render(running, "r.html", "--allow-incomplete")
check(code == 0 and 'class="warn"' in page, "--allow-incomplete renders it under a warning", err)
refused(write("empty", "").rsplit("/", 1)[0] + "/no-such-folder", "n.html", "no such file or folder")
os.makedirs(os.path.join(tmp, "nosweep"))
refused(os.path.join(tmp, "nosweep"), "x.html", "not a sweep folder")
refused(write("bad.json", '{"variants": [1, '), "j1.html", "not valid JSON")
refused(write("list.json", "[1, 2]"), "j2.html", "not an ofab summary")
refused(write("novariants.json", '{"experiment": "x", "variants": [1, "a"]}'), "j3.html", "without variants")
refused(write("lonely.json", '{"experiment": "x", "transactions": {}, "trace": "gone.h5"}'), "j4.html", "pass the trace")
odd = write("odd.json", json.dumps({"experiment": "x", "variants": [{"variant": "a", "throughput_gbps": "fast",
                                                                        "fault_recovery": [{"kind": 3}]}]}))
code, err, page = render(odd, "j5.html")
check(code in (0, 1) and "Traceback" not in err and err.count("\n") <= 2, "a summary of odd types: no traceback", err)
code, err, page = render(write("gone.json", json.dumps({"experiment": "x", "variants": [
    {"variant": "a", "trace": "nowhere/x.h5", "throughput_gbps": 1.0}]})), "j6.html")
check(code == 0 and 'class="warn"' in page and "nowhere/x.h5" in page,
      "variants without their traces: the tables, and a warning naming the missing trace", err)

shutil.rmtree(tmp)
finish()
