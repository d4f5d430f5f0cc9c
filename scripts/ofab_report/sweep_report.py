"""The report of a sweep (a folder written by `ofab sweep`): designs side by side, every seed counted."""

import csv
import html
import json
import math
import os
import sys

import numpy as np
import matplotlib.pyplot as plt

from .fabric import fabric_table
from .page import fmt, img, page, simulation_table, table
from .plots import COLORS, plot_latency_ccdf, plot_over_time, png
from .recovery import fault_rows, recovery_section
from .topology import plot_topologies
from .trace import ReportError, load_run

MAX_TRACES = 10  # per design: enough seeds for a spread, a bounded memory for a big sweep
SWEEP_METRICS = [  # (index column, label, unit); shown when the index has them. COLL: the collective's name
    ("throughput_gbps", "delivered throughput", "Gb/s"),
    ("latency_ns.p50", "latency p50", "ns"),
    ("latency_ns.p99", "latency p99", "ns"),
    ("transactions.completed", "completed transactions", ""),
    ("transactions.failed", "failed transactions", ""),
    ("collectives.0.time_ns", "COLL time", "ns"),
    ("collectives.0.busbw_gbps", "COLL busbw", "Gb/s"),
    ("fault_recovery.0.t_recover95_ns", "fault 1 T_recover95", "ns"),
    ("fault_recovery.0.degraded_to", "fault 1 degraded to (fraction of before)", ""),
    ("fault_recovery.0.t_settled_ns", "fault 1 settled", "ns"),
    ("fault_recovery.0.loss_convergence_ns", "fault 1 loss-derived convergence", "ns"),
    ("fault_recovery.0.failed_transactions", "fault 1 failed transactions", ""),
]


def load_sweep(folder):
    index = os.path.join(folder, "index.csv")
    sweep_json = os.path.join(folder, "sweep.json")
    if not os.path.isfile(index) or not os.path.isfile(sweep_json):
        raise ReportError(f"{folder}: not a sweep folder (no index.csv and sweep.json); run `ofab sweep` into it, "
                          "or `ofab sweep FILE -o FOLDER --collect` to write its index")
    try:
        with open(sweep_json) as f:
            sweep = json.load(f)
        with open(index, newline="") as f:
            rows = list(csv.DictReader(f))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, csv.Error) as e:
        raise ReportError(f"{folder}: cannot read the sweep's index ({e})") from None
    if not isinstance(sweep, dict) or not rows or "point" not in rows[0] or "status" not in rows[0]:
        raise ReportError(f"{index}: no points in the index")
    return sweep, rows


def number(cell):
    try:
        return float(cell) if cell not in ("", None) else math.nan
    except ValueError:
        return math.nan


def point_summary(folder, point):
    try:
        with open(os.path.join(folder, "points", point, "summary.json")) as f:
            s = json.load(f)
        return s if isinstance(s, dict) else None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None


def metric_label(label, summaries):
    """COLL -> the first collective's workload name and repetition ("allreduce-64KiB #0")."""
    if "COLL" not in label:
        return label
    names = sorted({f"{c['collectives'][0].get('name', 'collective')} #{c['collectives'][0].get('repetition', 0)}"
                    for c in summaries if c.get("collectives")})
    return label.replace("COLL", " / ".join(names) or "collective #0")


def metric_bars(designs, short, metrics, stats, values):
    ncols = 3
    nrows = max(1, math.ceil(len(metrics) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(12, 3.1 * nrows), squeeze=False)
    for k, (column, label, unit) in enumerate(metrics):
        ax = axes[k // ncols][k % ncols]
        means, sds, counts = zip(*[stats(d, column) for d in designs])
        # A design without a value (null: e.g. never recovered) gets no bar and says so, rather
        # than a bar of 0 +- 0 that reads as "instant".
        ax.bar(range(len(designs)), [m if n else 0 for m, n in zip(means, counts)],
               yerr=[s if n else 0 for s, n in zip(sds, counts)], capsize=4,
               color=[COLORS[i % len(COLORS)] if counts[i] else "none" for i in range(len(designs))])
        for i, n in enumerate(counts):
            if n == 0:
                ax.text(i, 0, "null\n(never / undefined)", ha="center", va="bottom", fontsize=7, color="gray")
        for i, d in enumerate(designs):  # every seed as a dot over its bar
            vals = values(d, column)
            ax.scatter([i] * len(vals), vals, color="black", s=10, zorder=3)
        ax.set_xticks(range(len(designs)))
        ax.set_xticklabels([short(d) for d in designs], rotation=0 if len(designs) <= 4 else 30, fontsize=8)
        ax.set_title(label + (f" ({unit})" if unit else ""), fontsize=9)
        ax.grid(alpha=0.3, axis="y")
    for k in range(len(metrics), nrows * ncols):
        axes[k // ncols][k % ncols].axis("off")
    fig.tight_layout()
    return png(fig)


def sweep_report(folder, allow_incomplete):
    sweep, rows = load_sweep(folder)
    design_params = [p for p in sweep.get("parameters", []) if p != "seed"]

    def design_of(row):
        return ",".join(f"{p}={row.get(p, '')}" for p in design_params) or "all"

    def short(d):
        return d.split("=", 1)[-1] if len(design_params) == 1 else d
    designs = list(dict.fromkeys(design_of(r) for r in rows))
    ok = [r for r in rows if r["status"] == "ok"]
    summaries = {d: [s for s in (point_summary(folder, r["point"]) for r in ok if design_of(r) == d) if s]
                 for d in designs}
    every = [s for d in designs for s in summaries[d]]
    metrics = [(c, metric_label(label, every), unit) for c, label, unit in SWEEP_METRICS
               if c in rows[0] and any(not math.isnan(number(r[c])) for r in ok)]

    def values(design, column):
        v = [number(r[column]) for r in ok if design_of(r) == design]
        return [x for x in v if not math.isnan(x)]

    def stats(design, column):
        v = np.array(values(design, column))
        if v.size == 0:
            return math.nan, math.nan, 0
        return float(v.mean()), float(v.std(ddof=1)) if v.size > 1 else 0.0, int(v.size)

    # Metrics as rows, designs as columns: as many designs side by side as the page holds.
    body = []
    for column, label, unit in metrics:
        cells = [label + (f" ({unit})" if unit else "")]
        for d in designs:
            mean, sd, n = stats(d, column)
            sd = 0.0 if abs(sd) <= 1e-9 * abs(mean) else sd  # rounding noise of identical seeds
            cells.append("null" if n == 0 else (f"{fmt(mean, 4)} ± {fmt(sd, 2)}" if n > 1 else fmt(mean, 4)))
        body.append(cells)
    seeds = sorted({r.get("seed", "") for r in rows}) if "seed" in sweep.get("parameters", []) else []
    sections = [("designs", "Designs side by side",
                 table(["figure"] + [short(d) for d in designs], body) +
                 f'<p class="note">Mean ± sample standard deviation over {len(seeds) if seeds else 1} seed(s) per '
                 "design, successful points only. Fault figures refer to each run's first fault.</p>")]

    runs = {d: [] for d in designs}  # the traces of each design's successful points (seeds)
    for r in ok:
        trace = os.path.join(folder, "points", r["point"], "trace.h5")
        d = design_of(r)
        if os.path.isfile(trace) and len(runs[d]) < MAX_TRACES:
            try:
                runs[d].append(load_run(trace, label=short(d), allow_incomplete=allow_incomplete))
            except ReportError as e:
                print(f"report: warning: {e}", file=sys.stderr)
    drawn = [d for d in designs if runs[d]]
    if drawn:
        header, frows, note = fabric_table([(short(d), runs[d][0]) for d in drawn])
        sections.append(("fabric", "The fabric of each design", table(header, frows) +
                         (f'<p class="note">{html.escape(note)}</p>' if note else "")))
    if metrics:
        sections.append(("metrics", "Metrics per design", img(metric_bars(designs, short, metrics, stats, values),
                                                              "metrics per design") +
                         '<p class="note">Bars: mean over seeds; whiskers: standard deviation; dots: each seed.</p>'))

    def namer(d):
        return runs[d][0].name_links if runs[d] else str
    recovery = fault_rows([(short(d), summaries[d], namer(d)) for d in designs if summaries[d]])
    if recovery:
        sections.append(recovery_section(
            recovery, "design", "Recovery of each fault, per design",
            "Times after the fault, mean ± standard deviation over the seeds; dots: each seed's recovery "
            '(fabric/README.md, "Per fault").'))
    if drawn:
        sections.append(("timeline", "Throughput over time, per design",
                         img(plot_over_time([(short(d), runs[d]) for d in drawn]), "throughput per design") +
                         '<p class="note">Delivered payload of every seed; each seed\'s faults shaded. Traces: ' +
                         html.escape(", ".join(os.path.basename(os.path.dirname(r.path)) for d in drawn
                                               for r in runs[d])) + ".</p>"))
        sections.append(("latency", "Latency per design",
                         img(plot_latency_ccdf([("Latency CCDF, whole run, seeds pooled",
                                                 [(short(d), np.concatenate([r.latency for r in runs[d]]))
                                                  for d in drawn])]), "latency CCDF per design")))
        sections.append(("topology", "Topology and utilization, per design",
                         img(plot_topologies([(short(d), runs[d][0], mean_utilization(runs[d])) for d in drawn],
                                             ncols=3 if len(drawn) in (3, 5, 6) else 2), "topology per design") +
                         '<p class="note">Mean utilization of each link direction over the run and the seeds, one '
                         "colour scale for every design; ✕: a link that failed in the first seed.</p>"))
    if every:
        sections.append(("simulation", "Simulation", simulation_table([(short(d), summaries[d]) for d in designs
                                                                       if summaries[d]], "design")))
    point_cols = [m for m in ("throughput_gbps", "latency_ns.p99", "transactions.failed", "wall_s") if m in rows[0]]
    prow = [[r["point"], r["status"]] + [fmt(number(r[c])) for c in point_cols] + [r.get("error", "")] for r in rows]
    bad = {i for i, r in enumerate(rows) if r["status"] != "ok"}
    sections.append(("points", "Every point",
                     table(["point", "status"] + point_cols + ["error"], prow, left=2, bad_rows=bad)))
    warning = f"{len(bad)} of {len(rows)} points did not finish successfully (listed under Every point)." if bad else None
    title = f"ofab sweep: {sweep.get('sweep', os.path.basename(folder))}"
    subtitle = f"{sweep.get('description', '')} - {len(rows)} points in {folder}"
    return page(title, subtitle, sections, warning)


def mean_utilization(runs):
    """Per link direction, over the run and the seeds (the first seed's alone where a random topology
    differs between seeds)."""
    first = runs[0].links[["a", "b"]].to_numpy().tolist()
    same = [r for r in runs if r.links[["a", "b"]].to_numpy().tolist() == first]
    return np.mean([r.utilization().mean(axis=0) for r in same], axis=0)
