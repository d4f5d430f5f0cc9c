"""The report of one run (a trace)."""

import html
import os

import numpy as np

from .page import fmt, img, page, table
from .plots import plot_latency, plot_throughput, plot_topology, plot_utilization
from .trace import latency_windows, link_fates, load_trace, text


def summary_rows(s):
    tx = s.get("transactions", {})
    lat = s.get("latency_ns", {})
    rows = [("transactions issued / completed / failed / in flight",
             f"{tx.get('issued', '-')} / {tx.get('completed', '-')} / {tx.get('failed', '-')} / {tx.get('in_flight', '-')}")]
    for reason, n in (tx.get("failed_by_reason") or {}).items():
        rows.append((f"  failed: {reason}", n))
    rows += [("latency p50 / p99 / p99.9 / max (ns)",
              " / ".join(fmt(lat.get(k)) for k in ("p50", "p99", "p999", "max"))),
             ("delivered throughput (Gb/s)", fmt(s.get("throughput_gbps"))),
             ("mean request hops", fmt(s.get("mean_request_hops"))),
             ("flit-hops / replayed", f"{s.get('flit_hops', '-')} / {s.get('flits_replayed', '-')}"),
             ("faults injected / repairs", f"{s.get('faults', {}).get('injected', '-')} / {s.get('faults', {}).get('repairs', '-')}")]
    for c in s.get("collectives", []):
        rows.append((f"collective {c['name']} ({c['algorithm']}, {c['ranks']} ranks, {c['bytes']} B) #{c['repetition']}",
                     f"{c['status']}: {fmt(c['time_ns'])} ns, busbw {fmt(c['busbw_gbps'])} Gb/s"))
    for r in s.get("fault_recovery", []):
        rec = "not by the end" if r.get("t_recover95_ns") is None else f"{fmt(r['t_recover95_ns'])} ns"
        if r.get("degraded_to") is not None:  # summary 1.4: capacity lost, and when it settled there
            settled = r.get("t_settled_ns")
            rec += (f" (degraded to {100 * r['degraded_to']:.0f} %, settled "
                    + ("never" if settled is None else f"at {fmt(settled)} ns") + ")")
        rows.append((f"fault at {fmt(r['time_ns'])} ns: {r['kind']} {r['element']}",
                     f"T_recover95 {rec}; loss-derived {fmt(r['loss_convergence_ns'])} ns; "
                     f"{r['failed_transactions']} failed; p99 before/during/after "
                     + "/".join(fmt(r['latency_ns'][w]['p99']) for w in ('before', 'during', 'after')) + " ns"))
    rows += [("simulated time (ns) / events / wall (s)",
              f"{fmt(s.get('sim_time_ns'))} / {s.get('events', '-')} / {fmt(s.get('wall_s'), 3)}")]
    return rows


def run_report(path, allow_incomplete):
    t = load_trace(path, allow_incomplete)
    meta = t["meta"]
    s = t["summary"]
    sections = []
    if s:
        sections.append(("summary", "Summary", table(["figure", "value"], summary_rows(s))))
    else:
        sections.append(("summary", "Summary", '<p class="note">The trace has no /summary (the run did not '
                                              "finish); the plots below show what it recorded.</p>"))
    sections.append(("throughput", "Throughput over time",
                     img(plot_throughput(t), "throughput over time") +
                     '<p class="note">Delivered payload: bytes of completed transactions by completion time. '
                     "Carried: the sum over link directions of /links/throughput (a payload counts once per hop). "
                     "Red: from a fault to its repair; the lower panel counts failed transactions.</p>"))
    sections.append(("latency", "Latency before, during and after the faults",
                     img(plot_latency(t), "latency CDF") +
                     '<p class="note">Completed transactions by issue time: ' +
                     html.escape("; ".join(f"{label}: {v.size}, p50 {fmt(np.percentile(v, 50) if v.size else None, 4)} ns, "
                                           f"p99 {fmt(np.percentile(v, 99) if v.size else None, 4)} ns"
                                           for label, v in latency_windows(t))) + ".</p>"))
    util_png, util = plot_utilization(t)
    top = np.argsort(util.mean(axis=0))[::-1][:8] if util.size else []
    top_rows = [(f"link {c // 2} ({'a->b' if c % 2 == 0 else 'b->a'})", fmt(100 * util[:, c].mean(), 3),
                 fmt(100 * util[:, c].max(), 3)) for c in top]
    sections.append(("links", "Per-link utilization",
                     img(util_png, "link utilization") + table(["busiest link directions", "mean %", "peak bin %"], top_rows)))
    fates = link_fates(t)
    names = [text(n["name"]) for n in t["nodes"]]
    ends = {int(r["id"]): f"{names[int(r['a'])]} - {names[int(r['b'])]}" for r in t["links"]}
    listed = {fate: ", ".join(f"link {k} ({ends[k]})" for k in sorted(fates) if fates[k] == fate) or "none"
              for fate in ("failed", "degraded")}
    sections.append(("topology", "Topology and failed links",
                     img(plot_topology(t, util), "topology") +
                     f'<p class="note">Failed during the run (red): {html.escape(listed["failed"])}. '
                     f'Lost laser lines but stayed up (orange): {html.escape(listed["degraded"])}.</p>'))
    ev = [(fmt(time), kind, element, detail)
          for time, kind, element, detail in sorted(t["faults"] + t["repairs"] + t["actions"])]
    sections.append(("events", "Faults, repairs and the reroute controller's actions",
                     table(["time (ns)", "kind", "element", "detail"], ev, left=4) if ev
                     else '<p class="note">No faults in this run.</p>'))
    warning = None if t["status"] == "complete" else f"This trace is {t['status']!r}: the run did not finish."
    title = f"ofab run: {meta.get('experiment', os.path.basename(path))}"
    subtitle = (f"{path} - seed {meta.get('seed', '?')}, ofab {meta.get('ofab_version', '?')}, "
                f"ns-3 {meta.get('ns3_version', '?')}, trace format {meta.get('format_version', '?')}")
    return page(title, subtitle, sections, warning)
