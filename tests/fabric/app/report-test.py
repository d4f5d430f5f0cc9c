"""scripts/report end to end: a run report and a sweep report are complete (every section, every image a
decodable PNG, the figures of the run in the tables); corrupt and incomplete traces are refused clearly.
Usage: report-test.py OFAB_BINARY (run from the project root)."""

import base64
import io
import json
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import PYTHON, ROOT, check, finish, require, run, workdir  # noqa: E402

import h5py  # noqa: E402
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.image  # noqa: E402

ofab = sys.argv[1]
report = os.path.join(ROOT, "scripts/report")
tmp = workdir("report")


def images(page):
    """Every embedded image, decoded: (alt, height, width)."""
    out = []
    for alt, data in re.findall(r'<img alt="([^"]*)" src="data:image/png;base64,([A-Za-z0-9+/=]+)">', page):
        pixels = matplotlib.image.imread(io.BytesIO(base64.b64decode(data)), format="png")
        out.append((alt, pixels.shape[0], pixels.shape[1]))
    return out


def sections(page):
    return re.findall(r'<section id="([a-z]+)"><h2>', page)


# A run with a fibre cut (20-60 us... cut short at 45 us) and a laser line lost at 40 us.
trace = os.path.join(tmp, "faults.h5")
summary_json = os.path.join(tmp, "faults.json")
code, _, err = run([ofab, "run", os.path.join(ROOT, "experiments/faults-demo.yaml"), "--set", "duration=45us",
                    "-o", trace, "--summary-json", summary_json, "-q"])
require(code == 0, "the faults demo runs", err)
html_path = os.path.join(tmp, "run.html")
code, out, err = run([PYTHON, report, trace, "-o", html_path])
require(code == 0 and os.path.exists(html_path), "scripts/report renders the trace", err)
with open(html_path) as f:
    page = f.read()
check(sections(page) == ["summary", "throughput", "latency", "links", "topology", "events"],
      "every section of a run report, in order", str(sections(page)))
imgs = images(page)
check(len(imgs) == 4 and all(h > 200 and w > 400 for _, h, w in imgs),
      "four plots, each a decodable PNG of a readable size", str(imgs))
check(page.rstrip().endswith("</html>") and "src=\"http" not in page and "<link" not in page,
      "the page is whole and self-contained")
with open(summary_json) as f:
    s = json.load(f)
tx = s["transactions"]
check(f"{tx['issued']} / {tx['completed']} / {tx['failed']} / {tx['in_flight']}" in page,
      "the summary table holds the run's transaction counts")
check("fibre_cut" in page and "laser_line_failed" in page and "link 10" in page and "feeds link 17" in page,
      "the events table lists the cut and the laser line")
check(re.search(r"Failed during the run \(red\): link \d+ \(a\(1,1\) - a\(2,1\)\)", page) is not None
      and re.search(r"Lost laser lines but stayed up \(orange\): link \d+ \(a\(0,2\) - a\(0,3\)\)", page) is not None,
      "the topology names the cut link and the link that lost a line", re.findall(r"Failed during.*?</p>", page)[:1])
check(re.search(r"before the first fault: \d+, p50 [\d.]+ ns.*; during \(from the first fault until every fault is repaired\): \d+", page) is not None,
      "the latency CDF is split at the faults")

# A sweep report: two designs x two seeds of a small sweep.
sweep = os.path.join(tmp, "sweep.yaml")
with open(sweep, "w") as f:
    f.write(f"""
name: tiny
base: {ROOT}/tests/fabric/app/data/ring4.yaml
axes:
  - name: design
    labels: [ring, mesh]
    zip:
      topology: [{{kind: ring, accelerators: 4}}, {{kind: full_mesh, accelerators: 4}}]
seeds: [1, 2]
""")
sweep_out = os.path.join(tmp, "tiny")
code, _, err = run([ofab, "sweep", sweep, "-o", sweep_out, "-j", "2"])
require(code == 0, "the small sweep runs", err)
sweep_html = os.path.join(tmp, "sweep.html")
code, _, err = run([PYTHON, report, sweep_out, "-o", sweep_html])
require(code == 0, "scripts/report renders the sweep folder", err)
with open(sweep_html) as f:
    page = f.read()
check(sections(page) == ["designs", "metrics", "timeline", "points"], "every section of a sweep report",
      str(sections(page)))
imgs = images(page)
check(len(imgs) == 2 and all(h > 200 and w > 600 for _, h, w in imgs), "two decodable plots", str(imgs))
check('<th class="">ring</th>' in page and '<th class="">mesh</th>' in page and
      '<td class="l">delivered throughput (Gb/s)</td>' in page, "the designs side by side, one column each")
check(page.count("<td class=\"\">ok</td>") + page.count(">ok<") >= 4, "every point listed with its status")

# Bad input: a file that is not HDF5, a truncated trace, a trace left 'running', a folder that is no sweep.
garbage = os.path.join(tmp, "garbage.h5")
with open(garbage, "wb") as f:
    f.write(b"not an hdf5 file at all" * 100)
code, _, err = run([PYTHON, report, garbage, "-o", os.path.join(tmp, "g.html")])
check(code == 1 and "cannot read it as an HDF5 trace" in err and err.count("\n") == 1
      and not os.path.exists(os.path.join(tmp, "g.html")), "a corrupt file: exit 1, one clear line, no report", err)
truncated = os.path.join(tmp, "truncated.h5")
with open(trace, "rb") as src, open(truncated, "wb") as dst:
    dst.write(src.read(os.path.getsize(trace) // 2))
code, _, err = run([PYTHON, report, truncated, "-o", os.path.join(tmp, "t.html")])
check(code == 1 and err.startswith("report: error: ") and "Traceback" not in err, "a truncated trace: exit 1", err)
running = os.path.join(tmp, "running.h5")
shutil.copy(trace, running)
with h5py.File(running, "r+") as f:
    f["meta"].attrs["status"] = "running"
code, _, err = run([PYTHON, report, running, "-o", os.path.join(tmp, "r.html")])
check(code == 1 and "the trace is 'running'" in err and "--allow-incomplete" in err,
      "an unfinished trace is refused, with the way round it", err)
code, _, err = run([PYTHON, report, running, "-o", os.path.join(tmp, "r.html"), "--allow-incomplete"])
with open(os.path.join(tmp, "r.html")) as f:
    check(code == 0 and 'class="warn"' in f.read(), "--allow-incomplete renders it under a warning")
code, _, err = run([PYTHON, report, tmp, "-o", os.path.join(tmp, "x.html")])
check(code == 1 and "not a sweep folder" in err, "a folder that is no sweep: exit 1 and why", err)

shutil.rmtree(tmp)
finish()
