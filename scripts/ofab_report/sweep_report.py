"""The report of a sweep (a folder written by `ofab sweep`): designs side by side."""

import csv
import html
import json
import math
import os
import sys

import numpy as np
import matplotlib.pyplot as plt

from .page import fmt, img, page, table
from .plots import FAULT_COLOR, latency_axis, plot_cdf, plot_throughput, png
from .trace import ReportError, fault_windows, load_trace

SWEEP_METRICS = [  # (index column, label, unit); shown when the index has them
    ("throughput_gbps", "delivered throughput", "Gb/s"),
    ("latency_ns.p50", "latency p50", "ns"),
    ("latency_ns.p99", "latency p99", "ns"),
    ("transactions.completed", "completed transactions", ""),
    ("transactions.failed", "failed transactions", ""),
    ("collectives.0.time_ns", "collective 0 time", "ns"),
    ("collectives.0.busbw_gbps", "collective 0 busbw", "Gb/s"),
    ("fault_recovery.0.t_recover95_ns", "fault 0 T_recover95", "ns"),
    ("fault_recovery.0.degraded_to", "fault 0 degraded to (fraction of before)", ""),
    ("fault_recovery.0.t_settled_ns", "fault 0 settled", "ns"),
    ("fault_recovery.0.loss_convergence_ns", "fault 0 loss-derived convergence", "ns"),
    ("fault_recovery.0.failed_transactions", "fault 0 failed transactions", ""),
    ("events_per_wall_s", "simulator events per wall second", "1/s"),
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
    except (OSError, json.JSONDecodeError, csv.Error) as e:
        raise ReportError(f"{folder}: cannot read the sweep's index ({e})") from None
    if not rows or "point" not in rows[0]:
        raise ReportError(f"{index}: no points in the index")
    return sweep, rows


def number(cell):
    try:
        return float(cell) if cell not in ("", None) else math.nan
    except ValueError:
        return math.nan


def sweep_report(folder, allow_incomplete):
    sweep, rows = load_sweep(folder)
    params = sweep.get("parameters", [])
    design_params = [p for p in params if p != "seed"]
    def design_of(row):
        return ",".join(f"{p}={row[p]}" for p in design_params) or "all"
    designs = []
    for row in rows:
        if design_of(row) not in designs:
            designs.append(design_of(row))
    ok = [r for r in rows if r["status"] == "ok"]
    metrics = [m for m in SWEEP_METRICS if m[0] in rows[0] and any(not math.isnan(number(r[m[0]])) for r in ok)]

    def stats(design, column):
        v = np.array([number(r[column]) for r in ok if design_of(r) == design])
        v = v[~np.isnan(v)]
        if v.size == 0:
            return math.nan, math.nan, 0
        return float(v.mean()), float(v.std(ddof=1)) if v.size > 1 else 0.0, int(v.size)

    sections = []
    # Metrics as rows, designs as columns: as many designs side by side as the page holds.
    header = ["figure"] + [d.split("=", 1)[-1] if len(design_params) == 1 else d for d in designs]
    body = []
    for column, label, unit in metrics:
        cells = [label + (f" ({unit})" if unit else "")]
        for d in designs:
            mean, sd, n = stats(d, column)
            sd = 0.0 if abs(sd) <= 1e-9 * abs(mean) else sd  # rounding noise of identical seeds
            cells.append("null" if n == 0 else (f"{fmt(mean, 4)} ± {fmt(sd, 2)}" if n > 1 else fmt(mean, 4)))
        body.append(cells)
    seeds = sorted({r.get("seed", "") for r in rows}) if "seed" in params else []
    sections.append(("designs", "Designs side by side",
                     table(header, body) +
                     f'<p class="note">Mean ± sample standard deviation over '
                     f'{len(seeds) if seeds else 1} seed(s) per design, successful points only. '
                     "Fault figures refer to the run's first fault.</p>"))

    ncols = 3
    nrows = max(1, math.ceil(len(metrics) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(12, 3.1 * nrows), squeeze=False)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for k, (column, label, unit) in enumerate(metrics):
        ax = axes[k // ncols][k % ncols]
        means, sds, counts = zip(*[stats(d, column) for d in designs])
        # A design without a value (null: e.g. never recovered) gets no bar and says so, rather
        # than a bar of 0 +- 0 that reads as "instant".
        ax.bar(range(len(designs)), [m if n else 0 for m, n in zip(means, counts)],
               yerr=[s if n else 0 for s, n in zip(sds, counts)], capsize=4,
               color=[colors[i % len(colors)] if counts[i] else "none" for i in range(len(designs))])
        for i, n in enumerate(counts):
            if n == 0:
                ax.text(i, 0, "null\n(never / undefined)", ha="center", va="bottom", fontsize=7, color="gray")
        for i, d in enumerate(designs):  # every seed as a dot over its bar
            vals = [number(r[column]) for r in ok if design_of(r) == d]
            ax.scatter([i] * len(vals), vals, color="black", s=10, zorder=3)
        ax.set_xticks(range(len(designs)))
        ax.set_xticklabels([d.split("=", 1)[-1] if len(design_params) == 1 else d for d in designs],
                           rotation=0 if len(designs) <= 4 else 30, fontsize=8)
        ax.set_title(label + (f" ({unit})" if unit else ""), fontsize=9)
        ax.grid(alpha=0.3, axis="y")
    for k in range(len(metrics), nrows * ncols):
        axes[k // ncols][k % ncols].axis("off")
    fig.tight_layout()
    sections.append(("metrics", "Metrics per design", img(png(fig), "metrics per design") +
                     '<p class="note">Bars: mean over seeds; whiskers: standard deviation; dots: each seed.</p>'))

    # Throughput over time and latency CDF of each design, from the first successful seed's trace.
    traces = []
    for d in designs:
        for r in ok:
            trace = os.path.join(folder, "points", r["point"], "trace.h5")
            if design_of(r) == d and os.path.isfile(trace):
                try:
                    traces.append((d, r["point"], load_trace(trace, allow_incomplete)))
                except ReportError as e:
                    print(f"report: warning: {e}", file=sys.stderr)
                break
    if traces:
        fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 4))
        samples = []
        for d, _, t in traces:
            plot_throughput(t, ax=ax, label=d.split("=", 1)[-1] if len(design_params) == 1 else d, mark_faults=False)
            tx = t["tx"]
            samples.append(tx[tx["status"] == 0]["latency_ns"])
            plot_cdf(ax2, samples[-1], d.split("=", 1)[-1] if len(design_params) == 1 else d)
        for start, stop, _ in fault_windows(traces[0][2]):
            ax.axvspan(start / 1e3, stop / 1e3, color=FAULT_COLOR, alpha=0.08)
        ax.set_xlabel("simulated time (us)")
        ax.set_title("Delivered payload over time (shaded: the first design's faults)", fontsize=10)
        ax.legend(fontsize=8)
        latency_axis(ax2, samples, "latency")
        ax2.set_ylabel("fraction of completed transactions")
        ax2.set_title("Latency CDF, whole run", fontsize=10)
        ax2.grid(alpha=0.3, which="both")
        ax2.legend(fontsize=8, loc="lower right")
        fig.tight_layout()
        sections.append(("timeline", "Over time, per design",
                         img(png(fig), "throughput and latency per design") +
                         '<p class="note">One point per design: ' +
                         html.escape(", ".join(p for _, p, _ in traces)) + ".</p>"))

    point_cols = [m for m in ("throughput_gbps", "latency_ns.p99", "transactions.failed", "wall_s") if m in rows[0]]
    prow = [[r["point"], r["status"]] + [fmt(number(r[c])) for c in point_cols] + [r.get("error", "")] for r in rows]
    bad = {i for i, r in enumerate(rows) if r["status"] != "ok"}
    sections.append(("points", "Every point",
                     table(["point", "status"] + point_cols + ["error"], prow, left=2, bad_rows=bad)))
    failed = len(bad)
    warning = f"{failed} of {len(rows)} points did not finish successfully (listed under Every point)." if failed else None
    title = f"ofab sweep: {sweep.get('sweep', os.path.basename(folder))}"
    subtitle = f"{sweep.get('description', '')} - {len(rows)} points in {folder}"
    return page(title, subtitle, sections, warning)
