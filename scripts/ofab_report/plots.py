"""Plots shared by the pages, each returned as base64 PNG (matplotlib, no display needed): throughput
over time (one run, or every seed of a design / every variant in small multiples), latency CCDFs and
the per-link utilization over time."""

import base64
import io
import math

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

FAULT_COLOR = "#d62728"
REPAIR_COLOR = "#2ca02c"
DEGRADED_COLOR = "#ff7f0e"
REROUTE_COLOR = "#9467bd"
COLORS = plt.rcParams["axes.prop_cycle"].by_key()["color"]


def png(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def centers_us(run, bins=None):
    bins = run.delivered.size if bins is None else bins
    return (np.arange(bins) + 0.5) * run.bin_ns / 1e3


def shade_faults(ax, run, alpha=0.08, lines=True):
    """A fault's window (to its repair or the end) shaded, its start and its repair dashed."""
    for start, stop, _ in run.fault_windows():
        ax.axvspan(start / 1e3, stop / 1e3, color=FAULT_COLOR, alpha=alpha, lw=0)
        if lines:
            ax.axvline(start / 1e3, color=FAULT_COLOR, lw=1, ls="--")
    if lines:
        for time, _, _, _ in run.repairs:
            ax.axvline(time / 1e3, color=REPAIR_COLOR, lw=1, ls="--")


def mark_recovery(ax, run):
    """The controller's reroute and the recovery of each fault (from the summary), as thin lines."""
    for r in run.summary.get("fault_recovery", []) if isinstance(run.summary, dict) else []:
        t0 = r.get("time_ns") or 0
        if r.get("t_reroute_ns") is not None:
            ax.axvline((t0 + r["t_reroute_ns"]) / 1e3, color=REROUTE_COLOR, lw=1, ls=":")
        done = r.get("t_recover95_ns") if r.get("t_recover95_ns") is not None else r.get("t_settled_ns")
        if done is not None:
            ax.axvline((t0 + done) / 1e3, color=REPAIR_COLOR, lw=1.2, ls="-.")


def plot_throughput(run):
    """One run: delivered and carried throughput, the faults shaded; failed transactions below."""
    fig, (ax, ax2) = plt.subplots(2, 1, figsize=(10, 5), sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    x = centers_us(run)
    ax.plot(x, run.delivered, label="delivered payload", lw=1.4)
    ax.plot(x, run.throughput.sum(axis=1), label="carried on all links (payload x hops)", lw=1, alpha=0.7)
    shade_faults(ax, run)
    mark_recovery(ax, run)
    ax.set_ylabel(f"Gb/s ({run.bin_ns:g} ns bins)")
    ax.grid(alpha=0.3)
    ax2.bar(x, run.failed, width=run.bin_ns / 1e3, color=FAULT_COLOR)
    ax2.set_ylim(0, max(1, run.failed.max(initial=0)) * 1.05)  # none failed: an empty panel from 0, not -0.05
    ax2.set_ylabel("failed\ntransactions")
    ax2.set_xlabel("simulated time (µs)")
    ax2.grid(alpha=0.3)
    handles = ax.get_legend_handles_labels()[0] + marker_handles(run)
    ax.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=6, fontsize=8, frameon=False)
    return png(fig)


def marker_handles(run):
    if not run.faults:
        return []
    handles = [plt.Line2D([], [], color=FAULT_COLOR, ls="--", label="fault (shaded: until repaired)")]
    if run.repairs:
        handles.append(plt.Line2D([], [], color=REPAIR_COLOR, ls="--", label="repair"))
    if any(r.get("t_reroute_ns") is not None for r in run.summary.get("fault_recovery", [])):
        handles.append(plt.Line2D([], [], color=REROUTE_COLOR, ls=":", label="rerouted"))
    handles.append(plt.Line2D([], [], color=REPAIR_COLOR, ls="-.", label="recovered 95 % / settled"))
    return handles


def plot_over_time(groups, ncols=2):
    """Small multiples, one panel per (title, runs): every run (seed) a thin line, their mean bold with
    the min-max band, each run's own faults shaded; a panel of one run also marks its reroute and
    recovery. Shared axes, so the panels compare at a glance."""
    ncols = min(ncols, len(groups))
    nrows = math.ceil(len(groups) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(6 * ncols, 2.6 * nrows + 0.6), sharex=True, sharey=True,
                             squeeze=False)
    for k, (title, runs) in enumerate(groups):
        ax = axes[k // ncols][k % ncols]
        bins = min(r.delivered.size for r in runs)
        series = np.array([r.delivered[:bins] for r in runs])
        x = centers_us(runs[0], bins)
        color = COLORS[k % len(COLORS)]
        if len(runs) > 1:
            ax.fill_between(x, series.min(axis=0), series.max(axis=0), color=color, alpha=0.2, lw=0)
            for s in series:
                ax.plot(x, s, color=color, lw=0.5, alpha=0.45)
        ax.plot(x, series.mean(axis=0), color=color, lw=1.3)
        for r in runs:
            shade_faults(ax, r, alpha=0.08 / len(runs) ** 0.5, lines=len(runs) == 1)
        if len(runs) == 1:
            mark_recovery(ax, runs[0])
        ax.set_title(title + (f" ({len(runs)} seeds: mean, min–max, each seed)" if len(runs) > 1 else ""), fontsize=9)
        ax.grid(alpha=0.3)
        if k % ncols == 0:
            ax.set_ylabel("delivered Gb/s")
        if k // ncols == nrows - 1 or k + ncols >= len(groups):
            ax.set_xlabel("simulated time (µs)")
            ax.tick_params(labelbottom=True)
    for k in range(len(groups), nrows * ncols):
        axes[k // ncols][k % ncols].axis("off")
    handles = [plt.Line2D([], [], color=FAULT_COLOR, ls="--", label="fault (shaded: until repaired)"),
               plt.Line2D([], [], color=REPAIR_COLOR, ls="--", label="repair"),
               plt.Line2D([], [], color=REROUTE_COLOR, ls=":", label="rerouted"),
               plt.Line2D([], [], color=REPAIR_COLOR, ls="-.", label="recovered 95 % / settled")]
    fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=4, fontsize=8, frameon=False)
    fig.tight_layout()
    return png(fig)


def ccdf_points(values, points=600):
    """(x, P(latency > x)) at ranks spaced evenly on a log scale of the tail probability, so a million
    samples draw as a few hundred points and the tail keeps its resolution."""
    v = np.sort(np.asarray(values, dtype=float))
    n = v.size
    if n == 0:
        return np.array([]), np.array([])
    tail = np.unique(np.concatenate([np.logspace(0, math.log10(n), points), np.linspace(1, n, points)]).round())
    ranks = (n - tail).astype(int).clip(0, n - 1)  # the sample with `tail` samples at or above it
    return v[ranks], (tail - 0.5) / n  # mid-rank: a sample of one stays above the floor 1/n


def plot_ccdf(ax, values, label, **style):
    x, p = ccdf_points(values)
    if x.size:
        ax.step(x, p, where="post", label=f"{label} (n={np.size(values):,})", lw=1.2, **style)


def ccdf_axes(ax, samples, what="latency, issue to completion"):
    """Log y (the tail); log x too when the latencies span more than a decade."""
    sizes = [np.size(v) for v in samples if np.size(v)]
    values = np.concatenate([np.asarray(v) for v in samples if np.size(v)]) if sizes else np.array([1.0])
    wide = values.max() > 10 * max(values.min(), 1e-9)
    ax.set_xscale("log" if wide else "linear")
    ax.set_yscale("log")
    ax.set_ylim(0.5 / max(sizes + [1]), 1.5)
    ax.set_xlabel(f"{what} (ns{', log scale' if wide else ''})")
    ax.set_ylabel("fraction slower than x")
    ax.grid(alpha=0.3, which="both")


def plot_latency_ccdf(panels):
    """One panel per (title, [(label, latencies)]): CCDFs overlaid, log-scaled."""
    fig, axes = plt.subplots(1, len(panels), figsize=(min(12, 6 * len(panels)) if len(panels) > 1 else 9, 4.2),
                             squeeze=False)
    for ax, (title, curves) in zip(axes[0], panels):
        for k, (label, values) in enumerate(curves):
            plot_ccdf(ax, values, label, color=COLORS[k % len(COLORS)])
        ccdf_axes(ax, [v for _, v in curves])
        ax.set_title(title, fontsize=10)
        ax.legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    return png(fig)


def plot_utilization(run):
    """Utilization of every link direction over time (rows named by their ends) and its distribution."""
    util = run.utilization()
    dirs = util.shape[1]
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, min(12, max(4.2, 0.11 * dirs + 1))),
                                  gridspec_kw={"width_ratios": [3, 1.1]})
    im = ax.imshow(util.T * 100, aspect="auto", origin="lower", cmap="viridis", vmin=0,
                   vmax=max(1e-7, util.max() * 100), extent=(0, run.end_ns / 1e3, -0.5, dirs - 0.5),
                   interpolation="nearest")
    for start, _, _ in run.fault_windows():
        ax.axvline(start / 1e3, color=FAULT_COLOR, lw=1, ls="--")
    every = max(1, math.ceil(dirs / 80))
    ax.set_yticks(range(0, dirs, every))
    ax.set_yticklabels([run.link_name(c // 2, c % 2) for c in range(0, dirs, every)], fontsize=6)
    ax.set_xlabel("simulated time (µs)")
    ax.set_title("Utilization per link direction (payload / capacity)", fontsize=10)
    fig.colorbar(im, ax=ax, fraction=0.04, pad=0.02).set_label("%")
    mean = util.mean(axis=0) if util.size else np.zeros(1)
    ax2.hist(mean * 100, bins=min(30, max(5, mean.size // 4)), color="#1f77b4")
    ax2.set_xlabel("mean utilization (%)")
    ax2.set_ylabel("link directions")
    ax2.set_title("Mean over the run", fontsize=10)
    ax2.grid(alpha=0.3)
    fig.tight_layout()
    return png(fig)
