"""The plots of a run report, each returned as base64 PNG (matplotlib, no display needed)."""

import base64
import io
import math
import re

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402

from .trace import fault_windows, latency_windows, link_capacity, link_fates, text  # noqa: E402

FAULT_COLOR = "#d62728"
REPAIR_COLOR = "#2ca02c"
DEGRADED_COLOR = "#ff7f0e"


def png(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def delivered_gbps(t, edges):
    """Payload of completed transactions per bin of completion time, in Gb/s."""
    tx = t["tx"]
    done = tx[tx["status"] == 0]
    bytes_per_bin, _ = np.histogram(done["end_ns"], bins=edges, weights=done["bytes"].astype(float))
    return bytes_per_bin * 8 / np.diff(edges)  # bits per ns = Gb/s


def plot_throughput(t, ax=None, label=None, mark_faults=True):
    thr = t["throughput"]
    bins = thr.shape[0]
    edges = np.arange(bins + 1) * t["bin_ns"]
    centers_us = (edges[:-1] + edges[1:]) / 2e3
    own = ax is None
    if own:
        fig, (ax, ax2) = plt.subplots(2, 1, figsize=(9, 5), sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    ax.plot(centers_us, delivered_gbps(t, edges), label=(label or "delivered payload"), lw=1.4)
    if own:
        ax.plot(centers_us, thr.sum(axis=1), label="carried on all links (payload x hops)", lw=1, alpha=0.7)
    if mark_faults:
        for start, stop, name in fault_windows(t):
            ax.axvspan(start / 1e3, stop / 1e3, color=FAULT_COLOR, alpha=0.08)
            ax.axvline(start / 1e3, color=FAULT_COLOR, lw=1, ls="--")
        for time, _, element, _ in t["repairs"]:
            ax.axvline(time / 1e3, color=REPAIR_COLOR, lw=1, ls="--")
    ax.set_ylabel("Gb/s")
    ax.grid(alpha=0.3)
    if own:
        tx = t["tx"]
        failed = tx[(tx["status"] != 0) & ~np.isnan(tx["end_ns"])]
        counts, _ = np.histogram(failed["end_ns"], bins=edges)
        ax2.bar(centers_us, counts, width=t["bin_ns"] / 1e3, color=FAULT_COLOR)
        ax2.set_ylabel("failed\ntransactions")
        ax2.set_xlabel("simulated time (us)")
        ax2.grid(alpha=0.3)
        handles = [plt.Line2D([], [], color=FAULT_COLOR, ls="--", label="fault"),
                   plt.Line2D([], [], color=REPAIR_COLOR, ls="--", label="repair")]
        # Above the plot, so it never hides the curves.
        ax.legend(handles=ax.get_legend_handles_labels()[0] + (handles if t["faults"] else []),
                  loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=4, fontsize=8, frameon=False)
        ax.set_ylabel(f"Gb/s ({t['bin_ns']:g} ns bins)")
        return png(fig)
    return None


def plot_cdf(ax, values, label):
    values = np.sort(values)
    if values.size == 0:
        return
    ax.step(values, np.arange(1, values.size + 1) / values.size, where="post", label=f"{label} (n={values.size})")


def latency_axis(ax, samples, what):
    """Log scale when the latencies span more than a decade, else linear (readable tick labels)."""
    values = np.concatenate([v for v in samples if v.size]) if any(v.size for v in samples) else np.array([1.0])
    wide = values.max() > 10 * max(values.min(), 1e-9)
    ax.set_xscale("log" if wide else "linear")
    ax.set_xlabel(f"{what} (ns{', log scale' if wide else ''})")


def plot_latency(t):
    fig, ax = plt.subplots(figsize=(9, 4))
    windows = latency_windows(t)
    for label, values in windows:
        plot_cdf(ax, values, label)
    latency_axis(ax, [v for _, v in windows], "latency, issue to completion")
    ax.set_ylabel("fraction of completed transactions")
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title("Latency CDF")
    return png(fig)


def plot_utilization(t):
    thr = t["throughput"]
    cap = link_capacity(t)
    util = np.divide(thr, cap, out=np.zeros_like(thr), where=cap > 0)
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4.2), gridspec_kw={"width_ratios": [3, 1.2]})
    end_us = thr.shape[0] * t["bin_ns"] / 1e3
    im = ax.imshow(util.T, aspect="auto", origin="lower", cmap="viridis", vmin=0, vmax=max(1e-9, util.max()),
                   extent=(0, end_us, -0.5, util.shape[1] - 0.5), interpolation="nearest")
    for start, _, _ in fault_windows(t):
        ax.axvline(start / 1e3, color=FAULT_COLOR, lw=1, ls="--")
    ax.set_xlabel("simulated time (us)")
    ax.set_ylabel("link direction (2 x link + dir)")
    ax.set_title("Utilization per link direction (payload / capacity)")
    fig.colorbar(im, ax=ax, fraction=0.04, pad=0.02)
    mean = util.mean(axis=0)
    ax2.hist(mean * 100, bins=min(30, max(5, mean.size // 4)), color="#1f77b4")
    ax2.set_xlabel("mean utilization (%)")
    ax2.set_ylabel("link directions")
    ax2.set_title("Mean over the run")
    ax2.grid(alpha=0.3)
    fig.tight_layout()
    return png(fig), util


def layout(t):
    """Node positions: grid coordinates for torus / mesh names a(x,y), else circles."""
    names = [text(n["name"]) for n in t["nodes"]]
    roles = [t["node_roles"].get(n["role"], "accelerator") for n in t["nodes"]]
    coords = [re.fullmatch(r"a\(([\d,]+)\)", n) for n in names]
    if all(coords):
        pos = {}
        for i, m in enumerate(coords):
            c = [int(v) for v in m.group(1).split(",")] + [0, 0]
            pos[i] = (c[0] + 0.15 * c[2], c[1] + 0.15 * c[2])
        return pos, names, roles
    acc = [i for i, r in enumerate(roles) if r == "accelerator"]
    sw = [i for i, r in enumerate(roles) if r != "accelerator"]
    pos = {}
    for k, i in enumerate(acc):
        a = 2 * math.pi * k / max(1, len(acc))
        pos[i] = (math.cos(a), math.sin(a))
    for k, i in enumerate(sw):
        a = 2 * math.pi * (k + 0.5) / max(1, len(sw))
        r = 0.35 if len(sw) > 1 else 0
        pos[i] = (r * math.cos(a), r * math.sin(a))
    return pos, names, roles


def link_segments(a, b, grid):
    """A straight segment; on a grid, a link longer than one step (a torus wrap-around) is drawn as two
    stubs leaving its ends outward, so it does not hide the links it would run over."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = math.hypot(dx, dy)
    if not grid or length <= 1.01:
        return [[a, b]]
    ux, uy = dx / length * 0.4, dy / length * 0.4
    return [[a, (a[0] - ux, a[1] - uy)], [b, (b[0] + ux, b[1] + uy)]]


def plot_topology(t, util):
    pos, names, roles = layout(t)
    grid = all(re.fullmatch(r"a\(.*\)", n) for n in names)
    fates = link_fates(t)
    fig, ax = plt.subplots(figsize=(7, 6.2))
    groups = {"ok": [], "degraded": [], "failed": []}
    mean = util.mean(axis=0) if util.size else np.zeros(2 * len(t["links"]))
    widths = []
    for row in t["links"]:
        segments = link_segments(pos[int(row["a"])], pos[int(row["b"])], grid)
        fate = fates.get(int(row["id"]), "ok")
        groups[fate].extend(segments)
        if fate == "ok":
            u = max(mean[2 * row["id"]], mean[2 * row["id"] + 1])
            widths.extend([0.6 + 4 * u] * len(segments))
    ax.add_collection(LineCollection(groups["ok"], colors="#8c8c8c", linewidths=widths or 1, alpha=0.6, zorder=1))
    failed_links = sum(1 for f in fates.values() if f == "failed")
    degraded_links = sum(1 for f in fates.values() if f == "degraded")
    ax.add_collection(LineCollection(groups["degraded"], colors=DEGRADED_COLOR, linewidths=3, zorder=2))
    ax.add_collection(LineCollection(groups["failed"], colors=FAULT_COLOR, linewidths=3.5, zorder=3))
    for i, (x, y) in pos.items():
        is_acc = roles[i] == "accelerator"
        ax.scatter([x], [y], s=160 if is_acc else 320, marker="o" if is_acc else "s",
                   color="#1f77b4" if is_acc else "#9467bd", zorder=4, edgecolors="white")
        if len(pos) <= 64:
            ax.annotate(names[i], (x, y), xytext=(0, 9), textcoords="offset points", ha="center", fontsize=7)
    ax.autoscale()
    ax.margins(0.12)
    ax.set_aspect("equal")
    ax.axis("off")
    handles = [plt.Line2D([], [], color="#8c8c8c", lw=2, label="link (width: mean utilization)"),
               plt.Line2D([], [], color=FAULT_COLOR, lw=3, label=f"failed during the run ({failed_links})"),
               plt.Line2D([], [], color=DEGRADED_COLOR, lw=3, label=f"lost laser lines ({degraded_links})"),
               plt.Line2D([], [], marker="o", ls="", color="#1f77b4", label="accelerator"),
               plt.Line2D([], [], marker="s", ls="", color="#9467bd", label="switch")]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.01), ncol=2, fontsize=8, frameon=False)
    ax.set_title(f"Topology: {len(names)} nodes, {len(t['links'])} links"
                 + (" (wrap-around links drawn as stubs leaving the grid)" if grid else ""))
    return png(fig)
