"""The page of a region: a run over several sites joined by an optical mesh (`sites:` and
`optical_mesh:`, fabric/sites/README.md). Such a run writes no trace, only a summary JSON with
`sites` and `mesh`; everything here comes from it.

Sections: the sites and the run's totals; the mesh with its lightpaths before the failures and after
each one (restored lightpaths on their new paths, 1+1 switch-overs, those not restored with their
reason); each failure's healing per layer and the site pairs it partitioned; cross-site throughput
over time; the hierarchical all-reduce's iterations and phases, and the other transfers; the
simulator's speed. The drawings are in regional_plots.py, which gets plain data from here."""

import statistics

from .figures import num
from .page import fmt, img, page, simulation_table, table
from .plots import COLORS
from .regional_plots import PHASES, mesh_layout, plot_allreduce, plot_cross_site, plot_mesh_states
from .trace import ReportError


def is_regional(data):
    return isinstance(data, dict) and "sites" in data and "mesh" in data


def entries(data, key):
    """The dicts of list `key` (a hand-edited file may hold other things in it, or no such list)."""
    value = data.get(key)
    return [e for e in value if isinstance(e, dict)] if isinstance(value, list) else []


def check_shape(path, data):
    """What the page cannot do without: named sites, mesh nodes and routes between them. Anything
    else missing is left out of the page, not refused."""
    def bad(what):
        return ReportError(f"{path}: a regional summary (it has 'sites' and 'mesh'), but {what}; "
                           "rerun `ofab run` on the regional experiment to write it again")
    sites, mesh = data.get("sites"), data.get("mesh")
    if not isinstance(sites, list) or not all(isinstance(s, dict) and isinstance(s.get("name"), str) for s in sites):
        raise bad("'sites' is not a list of sites with names")
    if not isinstance(mesh, dict) or not isinstance(mesh.get("nodes"), list) or \
            not all(isinstance(n, str) for n in mesh["nodes"]) or not mesh["nodes"]:
        raise bad("'mesh.nodes' is not a list of node names")
    routes = mesh.get("routes")
    if not isinstance(routes, list) or not all(isinstance(r, dict) and r.get("a") in mesh["nodes"]
                                               and r.get("b") in mesh["nodes"] for r in routes):
        raise bad("'mesh.routes' is not a list of routes between its nodes")
    for key in ("failures", "lightpaths_before", "lightpaths_after", "hierarchical_allreduce", "transfers", "partitions"):
        if key in data and not isinstance(data[key], list):
            raise bad(f"'{key}' is not a list")


def ms(v, digits=5):
    v = num(v)
    return "—" if v is None else fmt(v / 1e6, digits)


def split_path(text, nodes):
    """'west-central-east' -> [west, central, east], by the mesh's node names (which may hold '-')."""
    if not isinstance(text, str) or not text:
        return []
    best = {0: []}
    for i in range(len(text) + 1):  # the longest prefix of names joined by '-' wins
        if i not in best:
            continue
        for name in nodes:
            j = i + len(name)
            if text.startswith(name, i) and (j == len(text) or text[j] == "-") and j not in best:
                best[j + (j < len(text))] = best[i] + [name]
    return best.get(len(text) + 1, best.get(len(text), []))


def fault_parts(fault):
    """'duct_cut duct central-exit' -> ('duct_cut', 'central-exit'); the element's own word dropped."""
    kind, _, element = str(fault or "?").partition(" ")
    for word in ("duct ", "route ", "roadm ", "site ", "gateway of "):
        if element.startswith(word):
            return kind, element[len(word):]
    return kind, element


def mesh_of(data):
    nodes = data["mesh"]["nodes"]
    routes = [(r["a"], r["b"], num(r.get("km"), 0.0), str(r.get("duct", ""))) for r in data["mesh"]["routes"]]
    index = {n: k for k, n in enumerate(nodes)}
    pos = mesh_layout(len(nodes), [(index[a], index[b]) for a, b, _, _ in routes], [km for _, _, km, _ in routes])
    return {"nodes": nodes, "routes": routes, "pos": pos, "sites": {s["name"] for s in data["sites"]},
            "ids": [r.get("id", k) for k, r in enumerate(data["mesh"]["routes"])]}


def lightpath_text(lp, what):
    return f"{lp.get('label', lp.get('id'))}: {what}"


def mesh_states(data, mesh):
    """The lightpaths before the failures, then after each failure has healed (cumulative: a
    lightpath down at one failure stays down unless restored). Also the restoration rows."""
    nodes = mesh["nodes"]
    before = entries(data, "lightpaths_before")
    colour = {lp.get("id"): COLORS[k % len(COLORS)] for k, lp in enumerate(before)}
    current = {}
    for lp in before:
        what = f"λ{lp.get('wavelength')}, {fmt(num(lp.get('km')), 4)} km, margin {fmt(num(lp.get('margin_db')), 3)} dB"
        if lp.get("protection"):
            what += f", 1+1 over {lp['protection']}"
        current[lp.get("id")] = dict(label=lp.get("label", lp.get("id")), nodes=split_path(lp.get("path"), nodes),
                                     colour=colour[lp.get("id")], up=bool(lp.get("up", True)),
                                     text=lightpath_text(lp, what), protection=split_path(lp.get("protection"), nodes))
    states = [dict(title="Before the failures", cut=set(), failed_nodes=set(), lost_sites=set(),
                   lightpaths=[dict(v) for v in current.values()])]
    cut, failed_nodes, lost, rows = set(), set(), set(), []
    for k, f in enumerate(entries(data, "failures")):
        kind, element = fault_parts(f.get("fault"))
        if kind == "duct_cut":
            cut |= {r for r, route in enumerate(mesh["routes"]) if route[3] == element}
        elif kind == "amplifier":
            cut |= {r for r, rid in enumerate(mesh["ids"]) if str(rid) == element}
        elif kind == "roadm":
            failed_nodes.add(element)
        elif kind == "site_loss":
            lost.add(element)
        label = f"{k + 1}: {f.get('fault', '?')} at {ms(f.get('at_ns'))} ms"
        for i in f.get("lightpaths_down") or []:
            if i in current:
                current[i].update(up=False, text=f"{current[i]['label']}: down, not restored")
        for i in f.get("switched_to_protection") or []:
            if i in current:
                lp = current[i]
                lp.update(up=True, nodes=lp["protection"] or lp["nodes"],
                          text=f"{lp['label']}: 1+1 switched to {'-'.join(lp['protection']) or 'its protection'}")
                rows.append([label, lp["label"], "1+1 switched", "-".join(lp["nodes"]), "—", "—", ""])
        for r in f.get("restoration") or []:
            lp = current.get(r.get("lightpath")) if isinstance(r, dict) else None
            if lp is None:
                continue
            if r.get("restored"):
                lp.update(up=True, nodes=split_path(r.get("path"), nodes) or lp["nodes"],
                          text=f"{lp['label']}: restored, λ{r.get('wavelength')}, {fmt(num(r.get('km')), 4)} km")
                rows.append([label, lp["label"], "restored", r.get("path", "?"), fmt(num(r.get("km")), 4),
                             fmt(r.get("wavelength")), ""])
            else:
                lp.update(up=False, text=f"{lp['label']}: not restored ({r.get('reason') or 'no reason given'})")
                rows.append([label, lp["label"], "not restored", "—", "—", "—", r.get("reason") or "—"])
        for i in f.get("lightpaths_down") or []:  # down without a restoration attempt: say why, where we can
            lp = current.get(i)
            if lp and not lp["up"] and not any(isinstance(r, dict) and r.get("lightpath") == i
                                               for r in f.get("restoration") or []):
                ends = [n for n in lp["nodes"][:1] + lp["nodes"][-1:] if n in lost | failed_nodes]
                why = f"an end ({', '.join(ends)}) is lost" if ends else "no restoration tried"
                lp["text"] = f"{lp['label']}: down, not restored ({why})"
                rows.append([label, lp["label"], "not restored", "—", "—", "—", why])
        states.append(dict(title=f"After failure {label}", cut=set(cut), failed_nodes=set(failed_nodes),
                           lost_sites=set(lost), lightpaths=[dict(v) for v in current.values()]))
    return states, rows


def summary_section(data):
    sites = entries(data, "sites")
    rows = []
    for s in sites:
        tx = s.get("transactions") if isinstance(s.get("transactions"), dict) else {}
        own = f"{fmt(s.get('faults'))} / {s.get('controller') or 'none'}" if "faults" in s else "—"
        rows.append([s["name"], s.get("topology", "?"), fmt(s.get("accelerators")), f"a{s.get('gateway', '?')}",
                     fmt(s.get("nics")), own, "LOST" if s.get("lost") else "no",
                     f"{fmt(tx.get('issued'))} / {fmt(tx.get('completed'))} / {fmt(tx.get('failed'))}"])
    site_table = table(["site", "topology", "accelerators", "gateway", "NICs", "own faults / controller", "lost",
                        "transactions issued / completed / failed"],
                       rows, bad_rows=[k for k, s in enumerate(sites) if s.get("lost")])
    iters = entries(data, "hierarchical_allreduce")
    transfers = entries(data, "transfers")
    before, after = entries(data, "lightpaths_before"), entries(data, "lightpaths_after")

    def count(items, key, value):
        return sum(i.get(key) == value for i in items)
    totals = [["experiment", data.get("experiment", "?")], ["file", data.get("file", "?")], ["seed", fmt(data.get("seed"))],
              ["simulated time (ms)", ms(data.get("sim_time_ns"))],
              ["mesh", f"{len(data['mesh']['nodes'])} ROADMs, {len(data['mesh']['routes'])} routes"],
              ["lightpaths up before / at the end",
               f"{count(before, 'up', True)} / {count(after, 'up', True)} of {len(before)}"],
              ["failures", fmt(len(entries(data, "failures")))],
              ["cross-site bytes lost", fmt(data.get("lost_bytes"))],
              ["cross-site bytes retransmitted", fmt(data.get("retransmitted_bytes"))],
              ["all-reduce iterations completed / failed",
               f"{count(iters, 'status', 'completed')} / {count(iters, 'status', 'failed')}"],
              ["cross-site transfers completed / failed",
               f"{count(transfers, 'status', 'completed')} / {count(transfers, 'status', 'failed')}"]]
    return ("summary", "Summary", site_table + table(["figure", "value"], totals) +
            '<p class="note">Transactions are each site\'s own (its scale-up fabric, flit by flit); bytes lost '
            "and retransmitted are the gateways' cross-site traffic. The simulator's speed is under Simulation.</p>")


def lightpath_table(data):
    after = {lp.get("id"): lp for lp in entries(data, "lightpaths_after")}
    rows, bad = [], []
    for k, lp in enumerate(entries(data, "lightpaths_before")):
        a = after.get(lp.get("id"), {})
        if a and not a.get("up"):
            bad.append(k)
        rows.append([lp.get("label", lp.get("id")), lp.get("path", "?"), fmt(lp.get("wavelength")), fmt(num(lp.get("km")), 4),
                     fmt(num(lp.get("osnr_db")), 3), fmt(num(lp.get("margin_db")), 3), fmt(num(lp.get("latency_ms")), 3),
                     lp.get("protection") or "—", a.get("state", "—"), a.get("path", "—") if a.get("up") else "—",
                     fmt(a.get("wavelength")), fmt(num(a.get("margin_db")), 3) if a.get("up") else "—",
                     a.get("protection_state") or "—"])
    return table(["lightpath", "path", "λ", "km", "OSNR (dB)", "margin (dB)", "latency (ms)", "1+1 over",
                  "at the end", "path", "λ", "margin (dB)", "protection"], rows, left=2, bad_rows=bad)


def mesh_section(data):
    mesh = mesh_of(data)
    states, restoration = mesh_states(data, mesh)
    parts = [img(plot_mesh_states(mesh, states), "the mesh and its lightpaths"),
             '<p class="note">Squares are sites, circles junction ROADMs; each route labelled with its length and '
             "duct; grey hatched: a site lost (or a ROADM failed); red dashed: a route cut (its duct, or its "
             "amplifier). Each lightpath a coloured line along its route, side by side where several share one; "
             "dotted grey: down. No coordinates exist: the nodes are placed by their routes' lengths (classical "
             "scaling of the shortest distances), or on a circle where that would crowd them.</p>",
             "<h3>Lightpaths</h3>", '<div class="scroll">' + lightpath_table(data) + "</div>"]
    if restoration:
        parts += ["<h3>Protection and restoration</h3>",
                  table(["failure", "lightpath", "outcome", "path", "km", "λ", "reason"], restoration, left=4,
                        bad_rows=[k for k, r in enumerate(restoration) if r[2] == "not restored"])]
    return ("mesh", "The mesh and its lightpaths", "\n".join(parts))


def healing_rows(data):
    rows, bad = [], []
    for k, f in enumerate(entries(data, "failures")):
        protected = f.get("switched_to_protection") or []
        restoration = [r for r in f.get("restoration") or [] if isinstance(r, dict)]
        restored = sum(bool(r.get("restored")) for r in restoration)
        protect = (f"{ms(f.get('t_protect_ns'))} ({len(protected)} switched)" if protected
                   else "— (nothing 1+1 hit)")
        restore = (f"{ms(f.get('t_restore_ns'))} ({restored} of {len(restoration)} restored)" if restoration
                   else "— (none tried)")
        recover = (ms(f.get("t_recover95_ns")) if num(f.get("t_recover95_ns")) is not None else
                   f"never: degraded to {100 * num(f.get('degraded_to')):.1f} %" if num(f.get("degraded_to")) is not None
                   else "never")
        if num(f.get("t_recover95_ns")) is None:
            bad.append(k)
        rows.append([f"{k + 1}: {f.get('fault', '?')}", ms(f.get("at_ns")), fmt(len(f.get("lightpaths_down") or [])),
                     ms(f.get("t_detect_ns")), protect, restore, ms(f.get("t_reroute_ns")), recover,
                     fmt(num(f.get("throughput_before_gbps")), 4), fmt(f.get("lost_bytes"))])
    return rows, bad


def failures_section(data):
    rows, bad = healing_rows(data)
    if not rows:
        return None
    parts = [table(["failure", "at (ms)", "lightpaths down", "T_detect (ms)", "T_protect (ms)", "T_restore (ms)",
                    "T_reroute (ms)", "T_recover95 (ms)", "cross-site before (Gb/s)", "bytes lost"], rows, bad_rows=bad),
             '<p class="note">Each layer\'s time after the failure: the optical layer detects the loss of light '
             "(T_detect), switches 1+1 protected lightpaths to their protection path (T_protect) and restores the "
             "others on new paths and wavelengths (T_restore); the gateways route around a dead lightpath over "
             "another site (T_reroute); cross-site delivered throughput is back to 95 % of the 100 ms before, held "
             "two bins (T_recover95), or not by the next failure or the end (its level then, of before).</p>"]
    pairs = entries(data, "partitions")
    if pairs:
        sim = num(data.get("sim_time_ns"))
        parts += ["<h3>Partitions</h3>",
                  table(["site pair", "partitioned (ms)", "of the run (%)"],
                        [[f"{p.get('a', '?')} ↔ {p.get('b', '?')}", ms(p.get("partitioned_ns")),
                          fmt(100 * num(p.get("partitioned_ns"), 0) / sim, 3) if sim else "—"] for p in pairs]),
                  '<p class="note">How long each pair of sites had no path between their gateways.</p>']
    return ("failures", "Failures and healing", "\n".join(parts))


def throughput_section(data):
    cs = data.get("cross_site_throughput_gbps")
    series = cs.get("series") if isinstance(cs, dict) else None
    bin_ns = num(cs.get("bin_ns")) if isinstance(cs, dict) else None
    if not isinstance(series, list) or not series or not bin_ns:
        return None
    marks = []
    for k, f in enumerate(entries(data, "failures")):
        at = num(f.get("at_ns"), 0.0)

        def after(key, f=f, at=at):
            v = num(f.get(key))
            return None if v is None else at + v
        marks.append(dict(label=f"{k + 1}: {fault_parts(f.get('fault'))[0]}", at=at, detect=after("t_detect_ns"),
                          protect=after("t_protect_ns"), reroute=after("t_reroute_ns"), restore=after("t_restore_ns"),
                          recover=after("t_recover95_ns")))
    return ("throughput", "Cross-site throughput over time",
            img(plot_cross_site(bin_ns, [num(v, 0.0) for v in series], marks), "cross-site throughput") +
            '<p class="note">Payload the gateways delivered to other sites, per bin. Red dashed: a failure (shaded '
            "until its last layer healed); below, each layer's healing interval from the detection (T_recover95 "
            "from the failure); a tick alone: that layer did not act, or never finished.</p>")


def iteration_rows(data):
    out = []
    for it in entries(data, "hierarchical_allreduce"):
        start, reduced, exchanged, end = (num(it.get(k)) for k in ("start_ns", "reduced_ns", "exchanged_ns", "end_ns"))

        def span(a, b):  # a phase not reached is written as -1
            return b - a if a is not None and b is not None and a >= 0 and b >= a else None
        out.append(dict(name=it.get("name", "?"), start=start or 0.0, time=num(it.get("time_ns"), 0.0),
                        sites=it.get("sites", "?"), failed=it.get("status") != "completed", failure=it.get("failure", ""),
                        iteration=it.get("iteration"), reduce=span(start, reduced), wide=span(reduced, exchanged),
                        broadcast=span(exchanged, end)))
    return out


def median_ms(values):
    known = [v for v in values if v is not None]
    return fmt(statistics.median(known) / 1e6, 4) if known else "—"


def allreduce_section(data):
    its = iteration_rows(data)
    transfers = entries(data, "transfers")
    if not its and not transfers:
        return None
    parts = []
    if its:
        times = [num(f.get("at_ns"), 0.0) for f in entries(data, "failures")]
        parts.append(img(plot_allreduce(its, times), "hierarchical all-reduce iterations"))
        groups = {}
        for it in its:
            groups.setdefault((it["name"], it["sites"]), []).append(it)
        rows = []
        for (name, sites), group in groups.items():
            done = [it for it in group if not it["failed"]]
            rows.append([name, fmt(sites), fmt(len(group)), fmt(len(done)), fmt(len(group) - len(done)),
                         median_ms([it["time"] for it in done]),
                         fmt(max(it["time"] for it in done) / 1e6, 4) if done else "—"] +
                        [median_ms([it[key] for it in done]) for key, _, _, _ in PHASES])
        parts.append(table(["all-reduce", "sites", "iterations", "completed", "failed", "median time (ms)",
                            "longest (ms)"] + [f"median {label} (ms)" for _, label, _, _ in PHASES], rows))
        failed = [[it["name"], fmt(it["iteration"]), ms(it["start"]), ms(it["time"]), it["failure"] or "—"]
                  for it in its if it["failed"]]
        if failed:
            parts.append(table(["all-reduce", "iteration", "start (ms)", "until it failed (ms)", "why"], failed, left=1))
        algorithms = {it.get("algorithm", "funnel") for it in entries(data, "hierarchical_allreduce")}
        how = {"sharded": "sharded: a reduce-scatter inside each site (rank r keeps shard r), one ring all-reduce "
                          "of its shard per NIC r between the sites' NICs r over the wide area, an all-gather inside "
                          "each site",
               "funnel": "funnel: a reduce inside each site into its gateway accelerator, one ring all-reduce "
                         "between the gateways over the wide area, a broadcast inside each site"}
        parts.append('<p class="note">Each iteration, ' + "; ".join(how[a] for a in sorted(algorithms) if a in how) +
                     ". Coloured by how many sites took part (after a site loss the job goes on without it); red "
                     "dashed: the failures. Log scale where the times span more than a decade.</p>")
    if transfers:
        names = {it["name"] for it in its}
        steps = [t for t in transfers if str(t.get("label", "")).split(" #")[0] in names]
        step_ids = {id(t) for t in steps}  # listed one by one only when they failed: there are hundreds
        rows = [[t.get("label", "?"), f"{t.get('from', '?')} → {t.get('to', '?')}", fmt(t.get("bytes")), t.get("status", "?"),
                 ms(t.get("start_ns")), ms(t.get("end_ns")),
                 ms(num(t.get("end_ns"), 0) - num(t.get("start_ns"), 0)) if num(t.get("end_ns")) is not None else "—",
                 fmt(t.get("delivered_bytes")), fmt(t.get("retransmitted_bytes")), t.get("reason") or "—"]
                for t in transfers if id(t) not in step_ids or t.get("status") != "completed"]
        for name in sorted({str(t.get("label")).split(" #")[0] for t in steps}):
            mine = [t for t in steps if str(t.get("label")).split(" #")[0] == name]
            rows.append([f"{name}: all its wide-area steps", f"{len(mine)} transfers",
                         fmt(sum(num(t.get("bytes"), 0) for t in mine)),
                         f"{sum(t.get('status') == 'completed' for t in mine)} completed", "", "", "",
                         fmt(sum(num(t.get("delivered_bytes"), 0) for t in mine)),
                         fmt(sum(num(t.get("retransmitted_bytes"), 0) for t in mine)), ""])
        parts += ["<h3>Cross-site transfers</h3>",
                  table(["transfer", "from → to", "bytes", "status", "start (ms)", "end (ms)", "took (ms)", "delivered",
                         "retransmitted", "reason"], rows, left=2,
                        bad_rows=[k for k, r in enumerate(rows) if r[3] == "failed"])]
    return ("allreduce", "The hierarchical all-reduce and the transfers", "\n".join(parts))


def regional_report(path, data):
    check_shape(path, data)
    sections = [summary_section(data), mesh_section(data)]
    sections += [s for s in (failures_section(data), throughput_section(data), allreduce_section(data)) if s]
    speed = dict(data)
    if num(data.get("wall_s")) and num(data.get("events")) is not None:
        speed["events_per_wall_s"] = num(data["events"]) / num(data["wall_s"])
    sections.append(("simulation", "Simulation", simulation_table([(data.get("experiment", "run"), [speed])], "run") +
                     '<p class="note">Flit-hops per wall second are not counted in a region.</p>'))
    sites = entries(data, "sites")
    subtitle = (f"{path} - {len(sites)} sites ({', '.join(s['name'] for s in sites)}) on a mesh of "
                f"{len(data['mesh']['nodes'])} ROADMs, {len(entries(data, 'failures'))} failure(s)")
    return page(f"ofab region: {data.get('experiment', '?')}", subtitle, sections)
