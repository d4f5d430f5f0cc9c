"""Fabrics of optical circuit switches (`topology.kind: ocs_cubes`): which circuits make each slice,
which cubes hold a failure, the moves' table and the sections of the run and variants pages.

The summary's `ocs` object (fabric/README.md, "Optical circuit switches") is the source of the
configurations and the moves; the trace adds the candidate circuits (/topology/links of class `ocs`),
the faults and the payload per link. The drawings are in ocs_plots.py, which gets plain data from here."""

import html
import math
import re
from collections import Counter, defaultdict

from .figures import num
from .ocs_plots import THROUGHPUT_NOTE, plot_circuit_throughput, plot_slices
from .page import fmt, img, table

NAME = re.compile(r"c(\d+)\((\d+),(\d+),(\d+)\)")  # an accelerator of an OCS fabric: c<cube>(x,y,z)
AXES = "xyz"
NOT_YET = "not by the end"  # a move's figure the run did not reach (null in the summary)
MAX_MOVES_DRAWN = 8  # a schedule of many moves: the first ones drawn, the table lists them all


def ocs_of(summary):
    """The summary's `ocs` object when it describes a fabric of circuit switches, else None."""
    ocs = summary.get("ocs") if isinstance(summary, dict) else None
    if not isinstance(ocs, dict):
        return None

    def sizes(v):  # three positive integers (a hand-edited summary may hold anything)
        return isinstance(v, list) and len(v) == 3 and all(isinstance(k, int) and k > 0 for k in v)
    configs = ocs.get("configurations")
    ok = (isinstance(configs, list) and configs and sizes(ocs.get("slice")) and sizes(ocs.get("cube_dims"))
          and all(isinstance(c, dict) and isinstance(c.get("cubes"), list)
                  and all(isinstance(k, int) for k in c["cubes"]) for c in configs))
    return ocs if ok else None


def moves(ocs):
    return [m for m in ocs.get("reconfigurations") or [] if isinstance(m, dict)]


def configuration(ocs, index):
    """Configuration `index` ({} when the summary has no such one: a hand-edited file)."""
    configs = ocs["configurations"]
    return configs[index] if isinstance(index, int) and 0 <= index < len(configs) else {}


def cube_count(ocs):
    """Physical cubes, spares included (ids 0 .. n-1)."""
    n = ocs.get("cubes")
    return n if isinstance(n, int) else 1 + max(c for config in ocs["configurations"] for c in config["cubes"] or [0])


def cubes_text(config):
    return ", ".join(str(c) for c in config.get("cubes", [])) or "?"


def slice_positions(config, shape):
    """Cube id -> its slice position (sx, sy, sz). The summary lists a configuration's cubes in
    position order, position = sx + SX * (sy + SY * sz)."""
    sx, sy = shape[0], shape[1]
    return {int(c): (p % sx, (p // sx) % sy, p // (sx * sy)) for p, c in enumerate(config.get("cubes", []))}


def parse(name):
    """(cube, x, y, z) of an accelerator's name, or None (another fabric's node)."""
    m = NAME.fullmatch(str(name))
    return tuple(int(v) for v in m.groups()) if m else None


def circuit_ways(a, b, dims):
    """How a circuit between accelerators a and b (parsed names) can run: (axis, upper cube, lower
    cube), its upper end on its cube's top face along the axis (coordinate dims[axis] - 1), the lower
    on the bottom face (0), the other two coordinates equal. One way when the cube's side along the
    axis is over 1; with side 1 an end lies on both faces, so both orientations (and maybe axes) fit."""
    ways = []
    for axis in range(3):
        if any(a[1 + k] != b[1 + k] for k in range(3) if k != axis):
            continue
        for up, low in ((a, b), (b, a)):
            if up[1 + axis] == dims[axis] - 1 and low[1 + axis] == 0 and (axis, up[0], low[0]) not in ways:
                ways.append((axis, up[0], low[0]))
    return ways


def joins(way, pos, shape):
    """Whether a slice (cube -> position) uses a circuit running `way`: the lower cube is the next after
    the upper along the axis (the last wraps to the first; a lone cube to itself), same row otherwise."""
    axis, up, low = way
    if up not in pos or low not in pos:
        return False
    p, q = pos[up], pos[low]
    return q[axis] == (p[axis] + 1) % shape[axis] and all(p[k] == q[k] for k in range(3) if k != axis)


def pair_key(axis, c1, c2):
    return (axis, min(c1, c2), max(c1, c2))


def circuits_in(run, ocs, index):
    """{link id: (axis, cube, cube')} of the trace's candidate circuits that configuration `index` lights.
    The trace does not say which configuration a circuit belongs to (the switches' maps are not in
    it), so membership is by geometry: a circuit belongs when its end faces and cubes are neighbours
    in that slice (circuit_ways, joins)."""
    if run is None or "class" not in run.links:
        return {}
    dims, shape = ocs["cube_dims"], ocs["slice"]
    pos = slice_positions(configuration(ocs, index), shape)
    found = {}
    for link, cls, a, b in zip(run.links["id"].astype(int), run.links["class"].astype(str),
                               run.links["a_name"], run.links["b_name"]):
        ends = (parse(a), parse(b))
        if cls != "ocs" or None in ends:
            continue
        way = next((w for w in circuit_ways(*ends, dims) if joins(w, pos, shape)), None)
        if way:
            found[int(link)] = pair_key(*way)
    return found


def expected_counts(ocs, index):
    """{(axis, cube, cube'): circuits} that configuration `index` must light by the geometry alone: a
    boundary between neighbours along axis a (a lone cube's wrap onto itself included) has a circuit
    per accelerator of the face, the product of the other two cube_dims."""
    dims, shape = ocs["cube_dims"], ocs["slice"]
    pos = slice_positions(configuration(ocs, index), shape)
    at = {p: c for c, p in pos.items()}
    counts = Counter()
    for cube, p in pos.items():
        for axis in range(3):
            nxt = tuple((p[k] + 1) % shape[k] if k == axis else p[k] for k in range(3))
            if nxt in at:
                counts[pair_key(axis, cube, at[nxt])] += math.prod(d for k, d in enumerate(dims) if k != axis)
    return counts


def circuit_counts(ocs, index, run=None):
    """(counts per (axis, cube, cube'), source): counted in the trace where there is one, else the
    geometry's expectation (a variant whose trace is missing)."""
    found = circuits_in(run, ocs, index)
    if found:
        return Counter(found.values()), "trace"
    return expected_counts(ocs, index), "geometry"


def hidden_circuits(run):
    """Link ids the topology heat map leaves out: an OCS run's candidate circuits outside its final
    configuration (no light at the end; drawn, they would read as lit). Empty for other fabrics."""
    ocs = ocs_of(run.summary)
    if ocs is None or "class" not in run.links:
        return set()
    final = circuits_in(run, ocs, ocs.get("final_configuration", 0))
    return {int(k) for k, cls in zip(run.links["id"], run.links["class"].astype(str)) if cls == "ocs"} - set(final)


SLANT = 0.4  # the third axis of a slice drawn as a slant, as the heat map draws 3-D tori


def topology_layout(run):
    """Heat map positions of an OCS run's nodes (by index), or None for other fabrics: the final
    slice's accelerators at their torus coordinates (slice place x cube size + place in the cube), the
    longest axis across, the next up, the third slanted; the spare cubes in a row below it."""
    ocs = ocs_of(run.summary)
    parsed = [parse(n) for n in run.nodes["name"]]
    if ocs is None or not parsed or None in parsed:
        return None
    dims, shape = ocs["cube_dims"], ocs["slice"]
    pos = slice_positions(configuration(ocs, ocs.get("final_configuration", 0)), shape)
    size = [d * s for d, s in zip(dims, shape)]
    across, up, slant = sorted(range(3), key=lambda a: (-size[a], -a))

    def project(g):
        return (g[across] + SLANT * g[slant], g[up] + SLANT * g[slant])
    spares = sorted({p[0] for p in parsed} - set(pos))
    below = dims[up] - 1 + SLANT * (dims[slant] - 1) + 1.2  # a cube's height on the page and a gap
    out = {}
    for i, (c, *local) in enumerate(parsed):
        if c in pos:
            out[i] = project([pos[c][a] * dims[a] + local[a] for a in range(3)])
        else:
            x, y = project(local)
            out[i] = (spares.index(c) * (dims[across] + SLANT * dims[slant] + 0.6) + x, y - below)
    return out


def topology_note(run, panels=False):
    """The heat map's caption for an OCS run ("" for other fabrics): what it draws of the circuits.
    panels: a caption for panels of several runs, each drawn with its own final configuration."""
    ocs = ocs_of(run.summary)
    if ocs is None:
        return ""
    k = ocs.get("final_configuration", 0)
    final = ("in each panel the circuits of that variant's final configuration" if panels else
             f"the circuits of the final configuration {k} (cubes {cubes_text(configuration(ocs, k))})")
    return (f"Circuit switches: the links inside the cubes and {final}, the slice on its torus grid, spare "
            "cubes below it; candidate circuits without light at the end are left out. ")


def fault_list(summary, run):
    """(time_ns, element) of every fault: the trace's fault events (links named by their ends) when
    there is a trace, else the summary's fault_recovery[]."""
    if run is not None:
        return [(t, element) for t, _, element, _ in run.faults]
    return [(f["time_ns"], str(f.get("element", ""))) for f in (summary or {}).get("fault_recovery") or []
            if isinstance(f, dict) and isinstance(f.get("time_ns"), (int, float))]


def failed_cubes(faults, repairs, until):
    """Cube id -> its failed elements at time `until`: faults by then, not repaired by then, whose
    element names accelerators of that one cube (an accelerator, a link inside the cube). A circuit
    between two cubes marks neither: a move does not heal it (fabric/README.md, "Limits")."""
    out = defaultdict(list)
    for time, element in faults:
        if time > until or any(e == element and time <= t <= until for t, e in repairs):
            continue
        cubes = {int(m.group(1)) for m in NAME.finditer(element)}
        if len(cubes) == 1:
            out[cubes.pop()].append(element)
    return out


def yes_no(v, bad_when):
    if v is None:
        return NOT_YET
    return ("NO" if v == bad_when else "yes") if isinstance(v, bool) else str(v)


def us(v, digits=6):
    return NOT_YET if not isinstance(v, (int, float)) else fmt(v / 1e3, digits)


MOVE_HEADER = ["from → to", "reason", "start (µs)", "lit (µs)", "ready (µs)", "recovered after (µs)",
               "circuits darkened", "circuits lit", "dark min–max (µs)", "failed / delayed transactions",
               "slice connected", "slice diameter", "slice is the declared torus"]


def move_row(ocs, m):
    """One move as the table shows it: times in µs, null figures 'not by the end'."""
    src, dst = m.get("from"), m.get("to")
    dark = NOT_YET if m.get("dark_min_ns") is None else f"{us(m['dark_min_ns'], 4)}–{us(m.get('dark_max_ns'), 4)}"
    ends = f"{src} (cubes {cubes_text(configuration(ocs, src))}) → {dst} (cubes {cubes_text(configuration(ocs, dst))})"
    return [ends, m.get("reason", "—"), us(m.get("start_ns")), us(m.get("lit_ns")), us(m.get("ready_ns")),
            us(m.get("recovered_after_ns")), fmt(m.get("circuits_darkened")), fmt(m.get("circuits_lit")), dark,
            f"{fmt(m.get('failed_transactions'))} / {fmt(m.get('delayed_transactions'))}",
            yes_no(m.get("slice_connected"), False),
            NOT_YET if m.get("slice_diameter") is None else fmt(m["slice_diameter"]),
            yes_no(m.get("slice_is_torus"), False)]


def moves_table(entries):
    """entries: [(label or None, ocs)]: a row per move; a label column when several runs share it.
    A slice left unconnected or not the declared torus is a red row."""
    labelled = any(label is not None for label, _ in entries)
    rows, bad = [], []
    for label, ocs in entries:
        for m in moves(ocs):
            if m.get("slice_connected") is False or m.get("slice_is_torus") is False:
                bad.append(len(rows))
            rows.append(([label] if labelled else []) + move_row(ocs, m))
    header = (["variant"] if labelled else []) + MOVE_HEADER
    return '<div class="scroll">' + table(header, rows, left=3 if labelled else 2, bad_rows=bad) + "</div>"


MOVES_NOTE = ('<p class="note">Times from the start of the run. Start: the switches begin to move (the '
              "circuits leaving the map go dark); lit: every new circuit has light; ready: routes for the new "
              "slice are in force with no pair cut off, the jobs resume. Dark min–max: how long the new "
              "circuits stayed dark (each switch draws its own time). Failed / delayed: transactions failed, "
              "and issued before the move but completed after its start, up to ready. The slice checks are "
              f"of the live slice when its routes went in; {NOT_YET}: the run ended first.</p>")


def pairs_text(counts):
    """'x 0–0: 4, z 0–1: 8' (axis, the cubes a circuit group joins, how many circuits)."""
    return ", ".join(f"{AXES[a]} {c1}–{c2}: {n}" for (a, c1, c2), n in sorted(counts.items()))


def configurations_table(ocs, run):
    """A row per declared configuration: its cubes, spares, circuits (the summary's and, per cube pair,
    the trace's), torus, diameter, bisection, and whether it was in force."""
    spares_of = range(cube_count(ocs))
    used = {m.get("to") for m in moves(ocs)}
    rows = []
    for k, config in enumerate(ocs["configurations"]):
        counts, source = circuit_counts(ocs, k, run)
        role = ", ".join(w for w, yes in (("initial", k == 0), ("moved to", k in used),
                                          ("final", k == ocs.get("final_configuration"))) if yes) or "declared"
        rows.append([k, cubes_text(config), ", ".join(str(c) for c in spares_of if c not in config["cubes"]) or "—",
                     role, f"{sum(counts.values())} ({source}): {pairs_text(counts)}", fmt(config.get("circuits")),
                     "×".join(str(d) for d in config.get("dims") or []) or "—", fmt(config.get("diameter")),
                     fmt(config.get("bisection_links"))])
    return table(["configuration", "cubes (slice order)", "spare cubes", "in force", "circuits per cube pair",
                  "circuits (summary)", "torus", "diameter", "bisection (links)"], rows, left=5)


def panel(ocs, title, index, counts_of, failed):
    """What ocs_plots draws of configuration `index`: its cubes at their slice places, the spares, the
    circuit count per cube pair and the cubes with a failure."""
    config = configuration(ocs, index)
    dims = "×".join(str(d) for d in config.get("dims") or []) or "?"
    positions = slice_positions(config, ocs["slice"])
    return {"title": f"{title}: configuration {index} (cubes {cubes_text(config)})\ntorus {dims}, diameter "
                     f"{fmt(config.get('diameter'))}, bisection {fmt(config.get('bisection_links'))} links",
            "positions": positions, "counts": counts_of(index), "failed": failed,
            "spares": [c for c in range(cube_count(ocs)) if c not in positions]}


def slice_images(label, ocs, counts_of, faults, repairs, end_ns):
    """The slice figures of one run: a before/after pair per move (the first MAX_MOVES_DRAWN), or the
    slice in force when nothing moved. counts_of(k): circuit counts of configuration k."""
    prefix = f"{label}: " if label else ""
    out = []
    for n, m in enumerate(moves(ocs)[:MAX_MOVES_DRAWN]):
        until = num(m.get("ready_ns"), num(m.get("lit_ns"), end_ns))
        panels = [panel(ocs, "before", m.get("from"), counts_of, failed_cubes(faults, repairs, num(m.get("start_ns"), 0))),
                  panel(ocs, "after", m.get("to"), counts_of, failed_cubes(faults, repairs, until))]
        out.append(img(plot_slices(ocs["slice"], panels), f"slice {prefix}before and after move {n + 1}"))
    if not moves(ocs):
        k = ocs.get("final_configuration", 0)
        drawn = panel(ocs, "whole run", k, counts_of, failed_cubes(faults, repairs, end_ns))
        out.append(img(plot_slices(ocs["slice"], [drawn]), f"slice {prefix}in force"))
    if len(moves(ocs)) > MAX_MOVES_DRAWN:
        out.append(f'<p class="note">The first {MAX_MOVES_DRAWN} of {len(moves(ocs))} moves drawn; the table '
                   "lists them all.</p>")
    return "".join(out)


SLICE_NOTE = ('<p class="note">Each square is a cube at its place in the slice (spare cubes in the column on '
              "the right); a purple line joins two cubes through the circuit switches, labelled with its axis and "
              "how many circuits join the pair (a loop: a lone cube along that axis wraps onto itself). Circuits "
              "are counted among the trace's candidate circuits by where their ends sit (without a trace: what "
              "the cube size implies). Red, hatched: a cube holding a failed accelerator or link at that time "
              "(before: at the start of the move; after: when the slice was ready, or at the end of the run).</p>")


def no_move_note(who, ocs):
    """Runs (named by `who`, or this run) whose slice never moved: it stayed as it began."""
    where = f"configuration 0 (cubes {cubes_text(configuration(ocs, 0))})"
    if who:
        return f'<p class="note">No move in {html.escape(who)}: the slice stayed in {where}.</p>'
    return f'<p class="note">No move in this run: the slice stayed in {where}.</p>'


def run_section(run):
    """The run page's section, or None when the run's fabric has no circuit switches."""
    ocs = ocs_of(run.summary)
    if ocs is None:
        return None
    shape = "×".join(str(v) for v in ocs["slice"])
    parts = [f'<p class="note">Cubes of {"×".join(str(v) for v in ocs["cube_dims"])} accelerators, a slice of '
             f'{shape} cubes, {cube_count(ocs)} cubes in all; '
             f'{len(moves(ocs))} move{"" if len(moves(ocs)) == 1 else "s"}.</p>']
    parts.append(moves_table([(None, ocs)]) + MOVES_NOTE if moves(ocs) else no_move_note(None, ocs))
    parts.append(slice_images(None, ocs, lambda k: circuit_counts(ocs, k, run)[0], fault_list(None, run),
                              [(t, e) for t, _, e, _ in run.repairs], run.end_ns) + SLICE_NOTE)
    parts.append(img(plot_circuit_throughput([(run.label, run, moves(ocs))], with_delivered=True),
                     "throughput across the slice") + THROUGHPUT_NOTE)
    parts.append("<h3>Configurations</h3>" + configurations_table(ocs, run))
    return ("ocs", "Optical circuit switches", "\n".join(parts))


def variants_section(names, summaries, runs):
    """The variants page's section: the moves of every variant in one table, each variant's slices, and
    the circuits' throughput of all variants on one plot; None when no variant has circuit switches."""
    have = [(n, ocs_of(s)) for n, s in zip(names, summaries) if ocs_of(s) is not None]
    if not have:
        return None
    parts = []
    moved = [(n, ocs) for n, ocs in have if moves(ocs)]
    if moved:
        parts.append(moves_table(moved) + MOVES_NOTE)
    still = [(n, ocs) for n, ocs in have if not moves(ocs)]
    if still:
        parts.append(no_move_note(", ".join(n for n, _ in still), still[0][1]))
    by_name = dict(zip(names, summaries))
    for name, ocs in have:
        run = runs.get(name)
        faults = fault_list(by_name[name], run)
        repairs = [(t, e) for t, _, e, _ in run.repairs] if run else []
        end = run.end_ns if run else math.inf
        parts.append(f"<h3>{html.escape(name)}</h3>" +
                     slice_images(name, ocs, lambda k, o=ocs, r=run: circuit_counts(o, k, r)[0], faults, repairs, end))
    parts.append(SLICE_NOTE)
    drawn = [(n, runs[n], moves(ocs)) for n, ocs in have if n in runs]
    if drawn:
        parts.append("<h3>Throughput across the slice, per variant</h3>" +
                     img(plot_circuit_throughput(drawn), "circuit throughput per variant") + THROUGHPUT_NOTE)
    return ("ocs", "Optical circuit switches", "\n".join(parts))
