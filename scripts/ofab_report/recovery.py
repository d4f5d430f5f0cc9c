"""Recovery per fault per design: a timeline (time since the fault: detected, rerouted, optimised,
recovered to 95 % or settled at a degraded level) and its table, from the summaries' fault_recovery[].

Several summaries under one label are the seeds of a design: times are their mean, each seed's
recovery a dot; a fault that never recovered in some seed says so instead of averaging it away."""

import numpy as np
import matplotlib.pyplot as plt

from .figures import fault_what, num
from .page import fmt, img, table
from .plots import DEGRADED_COLOR, FAULT_COLOR, REPAIR_COLOR as RECOVERED, REROUTE_COLOR, png

MARKS = [("t_detect_ns", "detected", "v", "#555555"), ("t_reroute_ns", "rerouted", "D", REROUTE_COLOR),
         ("t_optimised_ns", "optimised (central install)", "s", "#8c564b")]
COLUMNS = [("t_detect_ns", "T_detect"), ("t_reroute_ns", "T_reroute"), ("t_optimised_ns", "T_optimised"),
           ("t_recover95_ns", "T_recover95"), ("t_settled_ns", "T_settled")]


def values(faults, key):
    return [num(f.get(key)) for f in faults]


def mean_of(vals):
    known = [v for v in vals if v is not None]
    return float(np.mean(known)) if known else None


def fault_rows(entries):
    """entries: [(label, [summary per seed], namer)] -> [(label, what, [fault dict per seed], window_ns)]."""
    rows = []
    for label, summaries, namer in entries:
        summaries = [s for s in summaries if isinstance(s, dict)]
        lists = [[f for f in s.get("fault_recovery") or [] if isinstance(f, dict)] for s in summaries]
        for i in range(max([len(x) for x in lists] + [0])):
            faults = [x[i] for x in lists if i < len(x)]
            first = faults[0]
            what = fault_what(first, namer)
            windows = []
            for s, x in zip(summaries, lists):
                if i < len(x):
                    start = num(x[i].get("time_ns"), 0.0)
                    end = num(x[i + 1].get("time_ns")) if i + 1 < len(x) else num(s.get("sim_time_ns"))
                    windows.append((end if end is not None else start) - start)
            rows.append((label, what, faults, max(windows + [0])))
    return rows


def cell_us(vals, never="never"):
    """Mean in µs (± the seeds' spread); 'never' where no seed has it, 'never in k of n' where some."""
    known = [v for v in vals if v is not None]
    if not known:
        return never
    text = fmt(np.mean(known) / 1e3, 4)
    if len(known) > 1 and np.std(known, ddof=1) > 1e-9 * max(1.0, abs(np.mean(known))):
        text += f" ± {fmt(np.std(known, ddof=1) / 1e3, 2)}"
    if len(known) < len(vals):
        text += f" ({never} in {len(vals) - len(known)} of {len(vals)})"
    return text


def recovery_table(rows, what="design"):
    """(header, rows): one row per fault per design (or variant, run: `what`); times in µs after the fault."""
    header = [what, "fault"] + [f"{name} (µs)" for _, name in COLUMNS] + \
        ["degraded to (% of before)", "loss-derived (µs)", "failed transactions", "retried"]
    body = []
    for label, what, faults, _ in rows:
        degraded = values(faults, "degraded_to")
        known = [d for d in degraded if d is not None]
        body.append([label, what] + [cell_us(values(faults, key), "never" if key.startswith("t_re") or key ==
                                              "t_settled_ns" else "—") for key, _ in COLUMNS] +
                    [f"{100 * np.mean(known):.1f}" if known else "— (recovered)",
                     cell_us(values(faults, "loss_convergence_ns"), "—"),
                     fmt(mean_of(values(faults, "failed_transactions")), 6),
                     fmt(mean_of(values(faults, "retried_transactions")), 6)])
    return header, body


def plot_recovery(rows):
    """One bar per fault per design from the fault (0) to its recovery; markers for detection,
    reroute and the central install; a hatched bar where the fabric only settled at a lower level,
    an open bar to the end of the window where it never did."""
    fig, ax = plt.subplots(figsize=(11, 1.3 + 0.45 * len(rows)))
    labels, right = [], []
    for k, (label, what, faults, window) in enumerate(rows):
        y = len(rows) - 1 - k
        labels.append(f"{label}\n{what}" if len(label) + len(what) > 60 else f"{label}: {what}")
        rec = mean_of(values(faults, "t_recover95_ns"))
        settled = mean_of(values(faults, "t_settled_ns"))
        degraded = mean_of(values(faults, "degraded_to"))
        if rec is not None:
            end = rec
            ax.barh(y, rec / 1e3, color=RECOVERED, alpha=0.55, height=0.6)
            note = f"recovered 95 % at {fmt(rec / 1e3, 4)} µs"
        elif settled is not None:
            end = settled
            ax.barh(y, settled / 1e3, color=DEGRADED_COLOR, alpha=0.35, height=0.6, hatch="//",
                    edgecolor=DEGRADED_COLOR)
            note = (f"never back to 95 %: settled at {fmt(100 * degraded, 3) if degraded else '?'} % "
                    f"after {fmt(settled / 1e3, 4)} µs")
        else:
            end = window
            ax.barh(y, window / 1e3, color="none", edgecolor=FAULT_COLOR, height=0.6, ls="--")
            note = "never recovered in the run"
        stops = [end]
        for f in faults if len(faults) > 1 else []:  # every seed's recovery, so the spread shows
            v = f.get("t_recover95_ns") if f.get("t_recover95_ns") is not None else f.get("t_settled_ns")
            if v is not None:
                ax.scatter([v / 1e3], [y], s=12, color="black", zorder=4)
                stops.append(v)
        for key, _, marker, mcolor in MARKS:
            v = mean_of(values(faults, key))
            if v is not None:
                ax.scatter([v / 1e3], [y], marker=marker, s=45, color=mcolor, zorder=5, edgecolors="white")
                stops.append(v)
        right.append((y, max(stops) / 1e3, note))
    longest = max([r[1] for r in right] + [1e-3])
    for y, x, note in right:  # right of everything on its row, so no marker hides it
        ax.annotate(note, (x + 0.02 * longest, y), va="center", fontsize=7.5)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(labels[::-1], fontsize=8)
    ax.set_xlim(-0.02 * longest, longest * 1.9)  # room for the notes right of the bars
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.axvline(0, color=FAULT_COLOR, lw=1, ls="--")
    ax.set_xlabel("time since the fault (µs)")
    ax.grid(alpha=0.3, axis="x")
    handles = [plt.Line2D([], [], color=FAULT_COLOR, ls="--", label="fault")] + \
        [plt.Line2D([], [], marker=m, ls="", color=c, label=n) for _, n, m, c in MARKS] + \
        [plt.Rectangle((0, 0), 1, 1, color=RECOVERED, alpha=0.55, label="until recovered (95 %)"),
         plt.Rectangle((0, 0), 1, 1, fc=DEGRADED_COLOR, alpha=0.35, ec=DEGRADED_COLOR, hatch="//",
                       label="until settled lower"),
         plt.Rectangle((0, 0), 1, 1, fc="none", ec=FAULT_COLOR, ls="--", label="never recovered")]
    if any(len(f) > 1 for _, _, f, _ in rows):
        handles.append(plt.Line2D([], [], marker="o", ls="", color="black", markersize=4, label="each seed"))
    ax.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=4, fontsize=8, frameon=False)
    return png(fig)



def recovery_section(rows, what, title, note=""):
    """The page section of the recovery timeline and its table (`what` names the first column)."""
    header, body = recovery_table(rows, what)
    return ("recovery", title, img(plot_recovery(rows), "recovery timeline") +
            '<div class="scroll">' + table(header, body, left=2, cls="rec") + "</div>" +
            (f'<p class="note">{note}</p>' if note else ""))
