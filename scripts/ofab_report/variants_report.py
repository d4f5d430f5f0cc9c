"""The report of a JSON file: a variants summary (`{experiment, variants: [...]}`, what `ofab run`
writes for a file with `variants:`) becomes the variants page, a run's summary the run page of its
trace, a sweep's sweep.json the page of its folder.

The variants page compares the variants side by side: the headline and recovery figures, each fault's
recovery timeline, throughput over time per variant, their latency CCDFs and the topology of each
distinct fabric with every variant's utilization on it."""

import html
import json
import os
import sys

from .fabric import fabric_key, fabric_label, fabric_table
from .figures import comparison_rows
from .ocs import topology_note, variants_section as ocs_section
from .page import img, page, simulation_table, table
from .plots import plot_latency_ccdf, plot_over_time
from .recovery import fault_rows, recovery_section
from .regional import is_regional, regional_report
from .run_report import run_report
from .sweep_report import sweep_report
from .topology import plot_topologies
from .trace import ReportError, load_run


def read_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, UnicodeDecodeError) as e:
        raise ReportError(f"{path}: cannot read it ({e})") from None
    except json.JSONDecodeError as e:
        raise ReportError(f"{path}: not valid JSON ({e}); pass a trace (.h5), a summary (.json) "
                          "or a sweep folder") from None


def find_trace(json_path, written, fallback_name):
    """The trace a summary names: as written (absolute, or relative to where ofab ran: tried from
    here), else beside the JSON by its file name, else `fallback_name` beside the JSON."""
    here = os.path.dirname(os.path.abspath(json_path))
    candidates = []
    if isinstance(written, str) and written:
        candidates += [written, os.path.join(here, written), os.path.join(here, os.path.basename(written))]
    candidates.append(os.path.join(here, fallback_name))
    return next((c for c in candidates if os.path.isfile(c)), None), candidates[0]


def json_report(path, allow_incomplete):
    data = read_json(path)
    if is_regional(data):  # a run over several sites: no trace, the summary has it all
        return regional_report(path, data)
    if isinstance(data, dict) and isinstance(data.get("variants"), list):
        return variants_report(path, data, allow_incomplete)
    if isinstance(data, dict) and "sweep" in data and isinstance(data.get("points"), list):
        return sweep_report(os.path.dirname(os.path.abspath(path)), allow_incomplete)
    if isinstance(data, dict) and "transactions" in data:  # one run's summary: its trace has everything
        stem = os.path.splitext(os.path.basename(path))[0]
        found, named = find_trace(path, data.get("trace"), stem + ".h5")
        if not found:
            raise ReportError(f"{path}: the summary of one run, and its trace {named} is not there; "
                              "pass the trace (.h5) instead")
        return run_report(found, allow_incomplete)
    raise ReportError(f"{path}: not an ofab summary (no 'variants' list, no 'transactions', no 'sites' and 'mesh'); "
                      "pass a trace (.h5), a run's, a region's or a variants summary (.json), or a sweep folder")


def variants_report(path, data, allow_incomplete):
    variants = [v for v in data["variants"] if isinstance(v, dict)]
    if not variants:
        raise ReportError(f"{path}: a variants summary without variants")
    stem = os.path.splitext(os.path.basename(path))[0]
    names = [str(v.get("variant", f"variant {k + 1}")) for k, v in enumerate(variants)]
    runs, missing = {}, []
    for name, v in zip(names, variants):
        found, named = find_trace(path, v.get("trace"), f"{stem}-{name}.h5")
        if not found:
            missing.append(f"{name} ({named})")
            continue
        try:
            runs[name] = load_run(found, label=name, allow_incomplete=allow_incomplete)
        except ReportError as e:
            missing.append(f"{name} ({e})")
            print(f"report: warning: {e}", file=sys.stderr)

    def namer(name):
        return runs[name].name_links if name in runs else str
    fabrics = {}  # distinct fabric -> its variants
    for name in names:
        if name in runs:
            fabrics.setdefault(fabric_key(runs[name]), []).append(name)

    rows = comparison_rows([(n, v, namer(n)) for n, v in zip(names, variants)])
    rows.insert(0, ["fabric"] + [fabric_label(runs[n]) if n in runs else "—" for n in names])
    sections = [("variants", "Variants side by side",
                 '<div class="scroll">' + table(["figure"] + names, rows, cls="cmp") + "</div>" +
                 '<p class="note">Fault times are after the fault, in µs (fabric/README.md, "Per fault"); '
                 "never: the fabric did not get back to 95 % of its pre-fault delivery in the run.</p>")]
    if fabrics:
        columns = [(fabric_label(runs[members[0]]), runs[members[0]]) for members in fabrics.values()]
        header, frows, note = fabric_table(columns)
        frows.append(["variants"] + [", ".join(m) for m in fabrics.values()])
        sections.append(("fabric", "The fabrics", table(header, frows) +
                         (f'<p class="note">{html.escape(note)}</p>' if note else "")))
    ocs = ocs_section(names, variants, runs)  # variants on fabrics of optical circuit switches only
    if ocs:
        sections.append(ocs)
    recovery = fault_rows([(n, [v], namer(n)) for n, v in zip(names, variants)])
    if recovery:
        sections.append(recovery_section(recovery, "variant", "Recovery of each fault, per variant"))
    drawn = [n for n in names if n in runs]
    if drawn:
        sections.append(("timeline", "Throughput over time, per variant",
                         img(plot_over_time([(n, [runs[n]]) for n in drawn]), "throughput per variant") +
                         '<p class="note">Delivered payload (completed transactions by completion time); each '
                         "variant's own faults shaded, its reroute and recovery marked.</p>"))
        panels = [(fabric_label(runs[m[0]]), [(n, runs[n].latency) for n in m]) for m in fabrics.values()]
        sections.append(("latency", "Latency per variant",
                         img(plot_latency_ccdf(panels), "latency CCDF per variant") +
                         '<p class="note">Completed transactions of the whole run: the fraction slower than x, '
                         "log scales. One panel per fabric.</p>"))
        ocs_caption = next((" " + html.escape(topology_note(runs[n], panels=True).strip()) for n in drawn
                            if topology_note(runs[n])), "")  # circuit switches: which circuits are drawn
        pictures = "".join(
            f"<h3>{html.escape(fabric_label(runs[m[0]]))}</h3>" +
            img(plot_topologies([(n, runs[n], runs[n].utilization().mean(axis=0)) for n in m]),
                f"topology {fabric_label(runs[m[0]])}") for m in fabrics.values())
        sections.append(("topology", "Topology and utilization, per fabric", pictures +
                         '<p class="note">Mean utilization of each link direction over the run, one panel per '
                         "variant and one colour scale per fabric; ✕: the link that failed." +
                         ocs_caption + "</p>"))
    sections.append(("simulation", "Simulation", simulation_table([(n, [v]) for n, v in zip(names, variants)],
                                                                  "variant")))
    listing = [[n, runs[n].path if n in runs else "missing"] for n in names]
    sections.append(("traces", "Traces", table(["variant", "trace"], listing, left=2)))
    warning = ("No trace read for " + "; ".join(missing) + ": its plots are left out.") if missing else None
    title = f"ofab variants: {data.get('experiment', stem)}"
    subtitle = f"{path} - {len(names)} variants on {len(fabrics) or '?'} fabric(s)"
    return page(title, subtitle, sections, warning)
