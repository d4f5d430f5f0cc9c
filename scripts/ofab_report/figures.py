"""The headline figures of run summaries, named as an architect reads them: collectives by their
workload name and repetition ("allreduce-1MiB #0"), faults by what failed ("fibre_cut a5 ↔ sw.p0"),
times after a fault in µs. Used by the run page and, side by side, by the variants page."""

import numpy as np

from .page import fmt


def collective_name(c):
    return f"{c.get('name', 'collective')} #{c.get('repetition', 0)}"


def collective_groups(summary):
    """{workload name: [collective entries]}, in the order they first appear."""
    groups = {}
    for c in summary.get("collectives") or []:
        groups.setdefault(c.get("name", "collective"), []).append(c)
    return groups


def num(v, default=None):
    """A summary's number, or default where it is missing or of another type (a hand-edited file)."""
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else default


def fault_what(f, namer):
    """'fibre_cut a5 ↔ sw.p0 at 70 µs' of a fault_recovery[] entry."""
    t = num(f.get("time_ns"))
    return f"{f.get('kind', '?')} {namer(str(f.get('element', '?')))}" + ("" if t is None else f" at {fmt(t / 1e3, 6)} µs")


def us(v, digits=6):
    return "never" if v is None else fmt(v / 1e3, digits)


FAULT_FIGURES = [  # (key, label, how to show)
    ("t_detect_ns", "T_detect (µs)", lambda v: fmt(None if v is None else v / 1e3)),
    ("t_reroute_ns", "T_reroute (µs)", us),
    ("t_optimised_ns", "T_optimised (µs)", lambda v: fmt(None if v is None else v / 1e3)),
    ("t_recover95_ns", "T_recover95 (µs)", us),
    ("degraded_to", "degraded to (% of before)", lambda v: "— (recovered)" if v is None else f"{100 * v:.1f}"),
    ("t_settled_ns", "T_settled (µs)", us),
    ("loss_convergence_ns", "loss-derived convergence (µs)", lambda v: fmt(None if v is None else v / 1e3, 4)),
    ("failed_transactions", "failed transactions", fmt),
    ("retried_transactions", "retried by collectives", fmt),
    ("routers_updated", "routers updated", fmt),
    ("unprotected_entries", "unprotected entries", fmt),
    ("partitioned_pairs", "partitioned pairs", fmt),
]


def comparison_rows(columns):
    """Rows of (figure, a cell per column) for columns [(label, summary, name_links)]; a figure no
    column has is left out."""
    sums = [s if isinstance(s, dict) else {} for _, s, _ in columns]

    def row(label, get):
        cells = []
        for s in sums:
            try:
                cells.append(get(s))
            except (KeyError, TypeError, IndexError, ZeroDivisionError):
                cells.append("—")
        return [label] + cells

    rows = [row("controller policy", lambda s: (s.get("controller") or {}).get("policy", "none")),
            row("delivered throughput (Gb/s)", lambda s: fmt(s["throughput_gbps"], 5))]
    for key, name in (("p50", "p50"), ("p99", "p99"), ("p999", "p99.9"), ("max", "max")):
        rows.append(row(f"latency {name} (ns)", lambda s, k=key: fmt(s["latency_ns"][k], 5)))
    rows += [row("transactions completed", lambda s: fmt(s["transactions"]["completed"])),
             row("transactions failed", lambda s: fmt(s["transactions"]["failed"])),
             row("transactions in flight at the end", lambda s: fmt(s["transactions"]["in_flight"])),
             row("mean request hops", lambda s: fmt(s["mean_request_hops"], 4)),
             row("flits replayed", lambda s: fmt(s["flits_replayed"])),
             row("stall / starvation reports", lambda s: f"{s.get('stalls', 0)} / {s.get('starved', 0)}")]
    names = []
    for s in sums:
        names += [n for n in collective_groups(s) if n not in names]
    for n in names:
        def status(s, n=n):
            ops = collective_groups(s).get(n, [])
            done = sum(c.get("status") == "completed" for c in ops)
            return f"{done} of {len(ops)}" if ops else "—"

        def mean(s, key, n=n, scale=1.0):
            v = [c[key] for c in collective_groups(s).get(n, []) if c.get("status") == "completed"]
            return fmt(float(np.mean(v)) / scale, 4) if v else "—"
        rows += [row(f"{n}: operations completed", status),
                 row(f"{n}: mean time of a completed one (µs)", lambda s, m=mean: m(s, "time_ns", scale=1e3)),
                 row(f"{n}: mean busbw (Gb/s)", lambda s, m=mean: m(s, "busbw_gbps"))]
    faults = max([len(s.get("fault_recovery") or []) for s in sums] + [0])
    for i in range(faults):
        entries = [(s.get("fault_recovery") or [None] * (i + 1))[i:i + 1] for s in sums]
        rows.append([f"fault {i + 1}"] + [
            fault_what(e[0], namer) if e and isinstance(e[0], dict) else "—"
            for e, (_, _, namer) in zip(entries, columns)])
        for key, label, show in FAULT_FIGURES:
            if any(i < len(s.get("fault_recovery") or []) and key in s["fault_recovery"][i] for s in sums):
                rows.append(row(f"fault {i + 1}: {label}", lambda s, k=key, sh=show, i=i: sh(s["fault_recovery"][i][k])))
    return rows
