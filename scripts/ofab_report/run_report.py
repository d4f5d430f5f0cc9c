"""The report of one run (a trace)."""

import html
import os

import numpy as np

from .fabric import fabric_label, fabric_table
from .figures import collective_name
from .ocs import run_section as ocs_section, topology_note
from .page import fmt, img, page, simulation_table, table
from .plots import plot_latency_ccdf, plot_throughput, plot_utilization
from .recovery import fault_rows, recovery_section
from .topology import plot_topologies
from .trace import load_run


def summary_rows(run):
    s = run.summary
    tx = s.get("transactions", {})
    lat = s.get("latency_ns", {})
    rows = [("transactions issued / completed / failed / in flight",
             f"{tx.get('issued', '—')} / {tx.get('completed', '—')} / {tx.get('failed', '—')} / {tx.get('in_flight', '—')}")]
    for reason, n in (tx.get("failed_by_reason") or {}).items():
        rows.append((f"  failed: {reason}", n))
    rows += [("latency p50 / p99 / p99.9 / max (ns)",
              " / ".join(fmt(lat.get(k)) for k in ("p50", "p99", "p999", "max"))),
             ("delivered throughput (Gb/s)", fmt(s.get("throughput_gbps"))),
             ("mean request hops", fmt(s.get("mean_request_hops"))),
             ("flit-hops / replayed", f"{s.get('flit_hops', '—')} / {s.get('flits_replayed', '—')}"),
             ("faults injected / repairs",
              f"{s.get('faults', {}).get('injected', '—')} / {s.get('faults', {}).get('repairs', '—')}")]
    if s.get("controller"):
        rows.append(("reroute controller", s["controller"].get("policy", "—")))
    for c in s.get("collectives", []):
        rows.append((f"{collective_name(c)} ({c.get('algorithm', '?')}, {c.get('ranks', '?')} ranks, "
                     f"{fmt(c.get('bytes'))} B per rank)",
                     f"{c.get('status', '?')}: {fmt(c.get('time_ns'))} ns, busbw {fmt(c.get('busbw_gbps'))} Gb/s"))
    return rows


def run_report(path, allow_incomplete):
    run = load_run(path, allow_incomplete=allow_incomplete)
    meta, s = run.meta, run.summary
    sections = []
    if s:
        sections.append(("summary", "Summary", table(["figure", "value"], summary_rows(run))))
    else:
        sections.append(("summary", "Summary", '<p class="note">The trace has no /summary (the run did not '
                                              "finish); the plots below show what it recorded.</p>"))
    header, rows, note = fabric_table([(fabric_label(run), run)])
    sections.append(("fabric", "The fabric", table(header, rows) + (f'<p class="note">{html.escape(note)}</p>'
                                                                    if note else "")))
    ocs = ocs_section(run)  # fabrics of optical circuit switches only
    if ocs:
        sections.append(ocs)
    sections.append(("throughput", "Throughput over time",
                     img(plot_throughput(run), "throughput over time") +
                     '<p class="note">Delivered payload: bytes of completed transactions by completion time. '
                     "Carried: the sum over link directions of /links/throughput (a payload counts once per hop). "
                     "Red: from a fault to its repair; the lower panel counts failed transactions.</p>"))
    recovery = fault_rows([(run.label, [s], run.name_links)]) if s else []
    if recovery:
        sections.append(recovery_section(
            recovery, "run", "Recovery of each fault",
            'Times after the fault (fabric/README.md, "Per fault"). T_settled: when the fabric reached the '
            "level it kept (T_recover95 when it recovered)."))
    windows = run.latency_windows()
    sections.append(("latency", "Latency before, during and after the faults" if run.faults else "Latency",
                     img(plot_latency_ccdf([("Latency CCDF (completed transactions by issue time)", windows)]),
                         "latency CCDF") +
                     '<p class="note">The fraction of transactions slower than x, on a log scale so the tail '
                     "shows. Completed transactions by issue time: " +
                     html.escape("; ".join(f"{label}: {v.size}, p50 {fmt(np.percentile(v, 50) if v.size else None, 4)} ns, "
                                           f"p99 {fmt(np.percentile(v, 99) if v.size else None, 4)} ns"
                                           for label, v in windows)) + ".</p>"))
    util = run.utilization()
    mean = util.mean(axis=0) if util.size else np.zeros(2 * len(run.links))
    top = np.argsort(mean)[::-1][:8] if util.size else []
    top_rows = [(run.link_name(c // 2, c % 2), fmt(100 * mean[c], 3), fmt(100 * util[:, c].max(), 3)) for c in top]
    sections.append(("links", "Per-link utilization",
                     img(plot_utilization(run), "link utilization") +
                     table(["busiest link directions", "mean %", "peak bin %"], top_rows)))
    fates = run.link_fates()
    listed = {fate: ", ".join(run.link_name(k) for k in sorted(fates) if fates[k] == fate) or "none"
              for fate in ("failed", "degraded")}
    sections.append(("topology", "Topology: utilization and failed links",
                     img(plot_topologies([(fabric_label(run), run, mean)], ncols=1), "topology") +
                     '<p class="note">Each link is two lines, one per direction (right-hand traffic), coloured '
                     f"and widened by the direction's mean utilization. {html.escape(topology_note(run))}"
                     "Failed during the run (red ✕): "
                     f'{html.escape(listed["failed"])}. Lost laser lines but stayed up (orange ◆): '
                     f'{html.escape(listed["degraded"])}.</p>'))
    ev = [(fmt(time), kind, element, detail)
          for time, kind, element, detail in sorted(run.faults + run.repairs + run.actions)]
    sections.append(("events", "Faults, repairs and the reroute controller's actions",
                     table(["time (ns)", "kind", "element", "detail"], ev, left=4) if ev
                     else '<p class="note">No faults in this run.</p>'))
    if s:
        sections.append(("simulation", "Simulation", simulation_table([(run.label, [s])])))
    warning = None if run.status == "complete" else f"This trace is {run.status!r}: the run did not finish."
    title = f"ofab run: {meta.get('experiment', os.path.basename(path))}" + \
        (f" — variant {meta['variant']}" if meta.get("variant") else "")
    subtitle = (f"{path} - seed {meta.get('seed', '?')}, ofab {meta.get('ofab_version', '?')}, "
                f"ns-3 {meta.get('ns3_version', '?')}, trace format {meta.get('format_version', '?')}")
    return page(title, subtitle, sections, warning)
