"""A run as the report sees it: read once through scripts/ofab_trace.py, kept small.

A variants or sweep page holds many runs at once, so a Run keeps the per-bin series, the completed
transactions' latencies and the small topology tables, never the transaction table itself.
"""

import re

import numpy as np

from ofab_trace import TraceError, open_trace  # scripts/ is on sys.path (scripts/report puts it there)

SIGNAL_KINDS = {"loss_of_signal", "signal_restored"}
# The reroute controller's actions (trace format 1.2; `replan` 1.5), the stall detector's reports and
# the circuit switches' moves (1.6: a move darkens circuits on purpose): listed with the events,
# never taken for faults (a fault's window would otherwise run from a move to the end of the run).
CONTROLLER_KINDS = {"detect", "switch_over", "install", "restore", "partition", "unprotected",
                    "fallback_routes", "stall", "starved", "external_event", "external_routes",
                    "external_rejected", "external_fallback", "deadlock_risk", "replan",
                    "rewire", "ocs_move", "ocs_lit", "ocs_ready"}
# Link states that are failures. A candidate circuit outside the switches' map has no light by design
# (`no_circuit`, format 1.7; a 1.6 trace leaves that value unnamed, read as a missing category):
# not a failure.
FAILED_STATES = {"cut", "dark"}
LINK_IDS = re.compile(r"\blinks? (\d+(?:, \d+)*)")


class ReportError(Exception):
    """A clear message for the user; exit code 1."""


class Run:
    """What the pages draw of one trace. Attributes: path, label, status, meta, summary, nodes and
    links (DataFrames; links has a_name, b_name), bin_ns, end_ns, throughput (bins x link directions,
    Gb/s), delivered and failed (per bin: Gb/s of completed payload by completion time, failed
    transactions by end time), latency and latency_issue (completed transactions), states (link state
    changes), faults, repairs, actions ((time_ns, kind, element, detail), element and detail with link
    ids replaced by end names)."""

    def __init__(self, path, label=None, allow_incomplete=False):
        self.path = path
        try:
            trace = open_trace(path, allow_incomplete=True)  # the status is checked below, with our hint
        except TraceError as e:
            raise ReportError(f"{e}; is the file whole?" if "HDF5" in str(e) else str(e)) from None
        try:
            with trace:
                self.status = trace.status
                if self.status != "complete" and not allow_incomplete:
                    hint = " (the run was killed while writing it)" if self.status == "running" else ""
                    raise ReportError(f"{path}: the trace is {self.status!r}, not 'complete'{hint}; "
                                      "--allow-incomplete renders what it holds")
                self._read(trace)
        except (TraceError, KeyError, OSError, ValueError) as e:
            raise ReportError(f"{path}: missing or unreadable part of the trace ({e}); "
                              "see docs/trace-format.md") from None
        self.label = label or self.meta.get("variant") or self.meta.get("experiment", path)

    def _read(self, trace):
        self.meta = trace.meta
        self.summary = trace.summary
        self.nodes = trace.nodes()
        self.links = trace.links()
        self.bin_ns = trace.bin_width_ns()
        self.throughput = trace.link_throughput().to_numpy(dtype=float)
        bins = self.throughput.shape[0]
        self.end_ns = bins * self.bin_ns
        edges = np.arange(bins + 1) * self.bin_ns
        tx = trace.transactions()
        done = tx[tx["status"] == "completed"]
        payload, _ = np.histogram(done["end_ns"], bins=edges, weights=done["bytes"].astype(float))
        self.delivered = payload * 8 / self.bin_ns  # bits per ns = Gb/s
        failed = tx[(tx["status"] != "completed") & tx["end_ns"].notna()]
        self.failed, _ = np.histogram(failed["end_ns"], bins=edges)
        self.latency = done["latency_ns"].to_numpy(dtype=float)
        self.latency_issue = done["issue_ns"].to_numpy(dtype=float)
        del tx, done, failed
        self.states = trace.link_state()
        self.ends = {int(i): (a, b) for i, a, b in zip(self.links["id"], self.links["a_name"], self.links["b_name"])}
        self.faults, self.repairs, self.actions = [], [], []
        events = trace.events()
        for time, kind, element, detail in zip(events["time_ns"], events["kind"].astype(str),
                                               events["element"], events["detail"]):
            if kind in SIGNAL_KINDS:
                continue
            entry = (float(time), kind, self.name_links(element), self.name_links(detail))
            (self.repairs if kind == "repair" else self.actions if kind in CONTROLLER_KINDS
             else self.faults).append(entry)

    def link_name(self, link, direction=None):
        """'a ↔ b' for a link, 'a → b' / 'b → a' for direction 0 / 1 of it."""
        a, b = self.ends.get(int(link), (f"?{link}", "?"))
        if direction is None:
            return f"{a} ↔ {b}"
        return f"{a} → {b}" if direction == 0 else f"{b} → {a}"

    def name_links(self, text):
        """Replaces 'link 14' and 'links 3, 4' (the trace's and the summary's ids) by end names."""
        return LINK_IDS.sub(lambda m: ", ".join(self.link_name(int(k)) for k in m.group(1).split(", ")), str(text))

    def capacity(self):
        """Capacity per link direction (column 2*link + direction) at the start, Gb/s."""
        cap = np.zeros(2 * len(self.links))
        ids = self.links["id"].to_numpy(dtype=int)
        cap[2 * ids] = cap[2 * ids + 1] = self.links["capacity_gbps"].to_numpy(dtype=float)
        return cap

    def utilization(self):
        """Payload / capacity per bin and link direction (0 where a direction has no capacity)."""
        cap = self.capacity()
        return np.divide(self.throughput, cap, out=np.zeros_like(self.throughput), where=cap > 0)

    def fault_windows(self):
        """(start, end, what) of each fault, ending at its repair or the end of the run."""
        windows = []
        for time, kind, element, _ in self.faults:
            stop = next((r[0] for r in self.repairs if r[2] == element and r[0] >= time), self.end_ns)
            windows.append((time, stop, f"{kind} {element}"))
        return windows

    def latency_windows(self):
        """Completed transactions' latencies split by issue time: before, during and after the faults."""
        lat, issue = self.latency, self.latency_issue
        if not self.faults:
            return [("whole run", lat)]
        first = min(f[0] for f in self.faults)
        last = max(w[1] for w in self.fault_windows())
        parts = [("before the first fault", lat[issue < first]),
                 ("during (from the first fault until every fault is repaired)",
                  lat[(issue >= first) & (issue < last)])]
        if last < self.end_ns:
            parts.append(("after every fault is repaired", lat[issue >= last]))
        return parts

    def link_fates(self):
        """Link id -> 'failed' (a direction was cut or dark at some time) or 'degraded' (lost lines)."""
        fates = {}
        full = dict(zip(self.links["id"].astype(int), self.links["capacity_gbps"].astype(float)))
        for link, state, capacity in zip(self.states["link"].astype(int), self.states["state"].astype(str),
                                         self.states["capacity_gbps"].astype(float)):
            if state in FAILED_STATES:
                fates[link] = "failed"
            elif state == "up" and capacity < full.get(link, 0) and fates.get(link) != "failed":
                fates[link] = "degraded"
        return fates


def load_run(path, label=None, allow_incomplete=False):
    return Run(path, label, allow_incomplete)
