"""Reading an ofab trace (docs/trace-format.md) and the facts a report derives from it."""

import json

import h5py
import numpy as np

SIGNAL_KINDS = {"loss_of_signal", "signal_restored"}
# The reroute controller's actions (trace format 1.2): listed with the events, never taken for faults.
CONTROLLER_KINDS = {"detect", "switch_over", "install", "restore", "partition", "unprotected",
                    "fallback_routes", "stall", "external_event", "external_routes", "external_rejected",
                    "external_fallback", "deadlock_risk"}


class ReportError(Exception):
    """A clear message for the user; exit code 1."""


def enum_names(dataset, field):
    """Value -> name of a one-byte HDF5 enumeration field."""
    mapping = h5py.check_enum_dtype(dataset.dtype[field])
    return {v: k for k, v in mapping.items()} if mapping else {}


def text(value):
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def load_trace(path, allow_incomplete):
    """Everything a run report needs, read once; ReportError for a corrupt, foreign or incomplete file."""
    try:
        f = h5py.File(path, "r")
    except (OSError, ValueError) as e:
        raise ReportError(f"{path}: cannot read it as an HDF5 trace ({e}); is the file whole?") from None
    with f:
        if "meta" not in f or "status" not in f["meta"].attrs:
            raise ReportError(f"{path}: not an ofab trace (no /meta@status)")
        status = text(f["meta"].attrs["status"])
        if status != "complete" and not allow_incomplete:
            hint = (" (the run was killed while writing it)" if status == "running" else "")
            raise ReportError(f"{path}: the trace is {status!r}, not 'complete'{hint}; "
                              "--allow-incomplete renders what it holds")
        try:
            t = {
                "path": path,
                "status": status,
                "meta": {k: text(v) if isinstance(v, (bytes, str)) else v for k, v in f["meta"].attrs.items()},
                "nodes": f["topology/nodes"][:],
                "links": f["topology/links"][:],
                "tx": f["transactions"][:],
                "tx_status": enum_names(f["transactions"], "status"),
                "throughput": f["links/throughput"][:],
                "bin_ns": float(f["links/throughput"].attrs["bin_width_ns"]),
                "states": f["links/state"][:],
                "state_names": enum_names(f["links/state"], "state"),
                "events": f["events"][:],
                "event_kinds": enum_names(f["events"], "kind"),
                "node_roles": enum_names(f["topology/nodes"], "role"),
            }
        except (KeyError, OSError) as e:
            raise ReportError(f"{path}: missing or unreadable part of the trace ({e}); "
                              "see docs/trace-format.md") from None
        summary = {}
        # Format 1.3 keeps the summary in the dataset /summary/json; 1.2 and older in an attribute.
        stored = None
        if "summary" in f and "json" in f["summary"]:
            stored = f["summary/json"][()]
        elif "summary" in f and "json" in f["summary"].attrs:
            stored = f["summary"].attrs["json"]
        if stored is not None:
            try:
                summary = json.loads(text(stored))
            except json.JSONDecodeError as e:
                raise ReportError(f"{path}: /summary/json is not valid JSON ({e})") from None
        t["summary"] = summary
    faults, repairs, actions = [], [], []
    for row in t["events"]:
        kind = t["event_kinds"].get(row["kind"], str(row["kind"]))
        if kind in SIGNAL_KINDS:
            continue
        entry = (float(row["time_ns"]), kind, text(row["element"]), text(row["detail"]))
        (repairs if kind == "repair" else actions if kind in CONTROLLER_KINDS else faults).append(entry)
    t["faults"], t["repairs"], t["actions"] = faults, repairs, actions
    return t


def fault_windows(t):
    """(start, end, element) of each fault, ending at its repair or the end of the run."""
    end = t["throughput"].shape[0] * t["bin_ns"]
    windows = []
    for time, kind, element, _ in t["faults"]:
        stop = next((r[0] for r in t["repairs"] if r[2] == element and r[0] >= time), end)
        windows.append((time, stop, f"{kind} {element}"))
    return windows


def latency_windows(t):
    """Completed transactions' latencies split by issue time: before, during and after the faults."""
    tx = t["tx"]
    done = tx[tx["status"] == 0]
    if not t["faults"]:
        return [("whole run", done["latency_ns"])]
    first = min(f[0] for f in t["faults"])
    windows = fault_windows(t)
    last = max(w[1] for w in windows)
    end = t["throughput"].shape[0] * t["bin_ns"]
    parts = [("before the first fault", done["latency_ns"][done["issue_ns"] < first]),
             ("during (from the first fault until every fault is repaired)",
              done["latency_ns"][(done["issue_ns"] >= first) & (done["issue_ns"] < last)])]
    if last < end:
        parts.append(("after every fault is repaired", done["latency_ns"][done["issue_ns"] >= last]))
    return parts


def link_capacity(t):
    """Capacity per link direction (column 2*link + direction) at the start, Gb/s."""
    cap = np.zeros(2 * len(t["links"]))
    for row in t["links"]:
        cap[2 * row["id"]] = cap[2 * row["id"] + 1] = row["capacity_gbps"]
    return cap


def link_fates(t):
    """Link id -> 'failed' (a direction was cut or dark at some time) or 'degraded' (lost lines)."""
    fates = {}
    full = {int(r["id"]): float(r["capacity_gbps"]) for r in t["links"]}
    for row in t["states"]:
        link = int(row["link"])
        state = t["state_names"].get(row["state"], "up")
        if state != "up":
            fates[link] = "failed"
        elif row["capacity_gbps"] < full.get(link, 0) and fates.get(link) != "failed":
            fates[link] = "degraded"
    return fates
