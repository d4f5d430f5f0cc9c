"""Helpers of the report tests: the inputs they render (a run with faults, a variants file, a small
sweep, a fabric of optical circuit switches; each made by the real `ofab`), and a reader of the HTML
pages (sections, tables, images)."""

import base64
import io
import os
import re
from html.parser import HTMLParser

from testlib import ROOT, require, run

import matplotlib

matplotlib.use("Agg")
import matplotlib.image  # noqa: E402

TINY_SWEEP = """
name: tiny
base: {root}/tests/fabric/app/data/ring4.yaml
axes:
  - name: design
    labels: [ring, mesh]
    zip:
      topology: [{{kind: ring, accelerators: 4}}, {{kind: full_mesh, accelerators: 4}}]
seeds: [1, 2]
"""


def make_run(ofab, tmp):
    """A fibre cut (20 us, cut short at 45 us) and a laser line lost at 40 us: (trace, summary JSON)."""
    trace, summary = os.path.join(tmp, "faults.h5"), os.path.join(tmp, "faults.json")
    code, _, err = run([ofab, "run", os.path.join(ROOT, "experiments/faults-demo.yaml"), "--set", "duration=45us",
                        "-o", trace, "--summary-json", summary, "-q"])
    require(code == 0, "the faults demo runs", err)
    return trace, summary


def make_variants(ofab, tmp):
    """tests/fabric/app/data/variants4.yaml run in tmp with a relative -o, so the combined JSON names
    its traces relative to tmp (where ofab ran), not to where the report runs: v.json."""
    code, _, err = run([ofab, "run", os.path.join(ROOT, "tests/fabric/app/data/variants4.yaml"), "-o", "v.h5", "-q"],
                       cwd=tmp)
    require(code == 0, "the variants file runs", err)
    return os.path.join(tmp, "v.json")


def make_ocs(ofab, tmp):
    """experiments/ocs-heal.yaml, all three variants (fault-free, reroute, rewire: spare cube 2 takes
    the place of cube 1 after an accelerator of it fails), run in tmp: the variants JSON ocs.json, each
    variant's summary ocs-<variant>.json and trace ocs-<variant>.h5 beside it."""
    code, _, err = run([ofab, "run", os.path.join(ROOT, "experiments/ocs-heal.yaml"), "-o", "ocs.h5", "-q"], cwd=tmp)
    require(code == 0, "the OCS experiment runs", err)
    return os.path.join(tmp, "ocs.json")


def make_sweep(ofab, tmp):
    """Two designs (ring, full mesh of 4) x two seeds: the sweep folder."""
    path = os.path.join(tmp, "sweep.yaml")
    with open(path, "w") as f:
        f.write(TINY_SWEEP.format(root=ROOT))
    out = os.path.join(tmp, "tiny")
    code, _, err = run([ofab, "sweep", path, "-o", out, "-j", "2"])
    require(code == 0, "the small sweep runs", err)
    return out


def images(page):
    """Every embedded image, decoded: (alt, height, width)."""
    out = []
    for alt, data in re.findall(r'<img alt="([^"]*)" src="data:image/png;base64,([A-Za-z0-9+/=]+)">', page):
        pixels = matplotlib.image.imread(io.BytesIO(base64.b64decode(data)), format="png")
        out.append((alt, pixels.shape[0], pixels.shape[1]))
    return out


def sections(page):
    return re.findall(r'<section id="([a-z]+)"><h2>', page)


def section(page, sid):
    """The HTML of one section."""
    start = page.index(f'<section id="{sid}">')
    return page[start:page.index("</section>", start)]


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables, self.cell = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None and self.tables and self.tables[-1]:
            self.tables[-1][-1].append(self.cell.strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def tables(html_text):
    """Every table as a list of rows, each a list of cell texts (entities decoded)."""
    parser = _Tables()
    parser.feed(html_text)
    return parser.tables


def row(table, label):
    """The cells after the first of the row whose first cell is label, or None."""
    return next((r[1:] for r in table if r and r[0] == label), None)
