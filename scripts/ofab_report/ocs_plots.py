"""The drawings of a fabric of optical circuit switches, as base64 PNG: the slice (cubes at their
places, the circuits between them counted, spares aside, cubes with a failure marked) and the payload
carried over the circuits around each move. ocs.py prepares what they draw (plain data, no summary)."""

import math

import numpy as np
import matplotlib.pyplot as plt
from matplotlib.patches import Circle, Patch, PathPatch, Rectangle
from matplotlib.path import Path

from .plots import COLORS, FAULT_COLOR, centers_us, png

AXES = "xyz"
CIRCUIT_COLOR = "#9467bd"  # the switches' colour in the topology heat map
CUBE_FILL, CUBE_EDGE, SPARE_FILL, FAILED_FILL = "#dbe9f6", "#4a7bb7", "#f2f2f2", "#fde0e0"
DARK_COLOR, TRAINING_COLOR = "#7f7f7f", "#e6a817"
STEP = 2.0  # between cube centres: a square is 1 wide, so a circuit's label sits in a gap as wide
WIDTH, HEIGHT = 1.0, 0.8
LABEL_BOX = dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.9)


def grid_xy(p, shape):
    """The 2-D place (in grid steps) of slice position p. A slice along one axis is a row (z across
    for 1 x 1 x N); along two, the first across and the second down; along all three, the z layers side
    by side, each an x-across, y-down grid."""
    long = [a for a in range(3) if shape[a] > 1]
    if len(long) <= 1:
        return (p[long[0]] if long else 0, 0)
    if len(long) == 2:
        return (p[long[0]], -p[long[1]])
    return (p[2] * (shape[0] + 0.5) + p[0], -p[1])


def centres(shape, panel):
    """Cube -> centre of its square: slice cubes on their grid, spares in a column to the right."""
    out = {c: tuple(STEP * v for v in grid_xy(p, shape)) for c, p in panel["positions"].items()}
    right = max([x for x, _ in out.values()] + [0])
    top = max([y for _, y in out.values()] + [0])
    for j, c in enumerate(panel["spares"]):
        out[c] = (right + 1.15 * STEP, top - j * STEP)
    return out


def straight(ax, a, b, label):
    ax.plot([a[0], b[0]], [a[1], b[1]], color=CIRCUIT_COLOR, lw=2.2, zorder=1, solid_capstyle="butt")
    ax.text((a[0] + b[0]) / 2, (a[1] + b[1]) / 2, label, ha="center", va="center", fontsize=7.5, bbox=LABEL_BOX,
            zorder=4)


def arc(ax, a, b, label, down=False):
    """A pair that is not side by side on the page (the wrap from the last cube to the first, or z
    neighbours of a 3-D slice): a curve bulging up or left (down: the pair is in the lower half of
    the drawing, so its curve stays off the rows above), passing the cubes between. Returns its peak."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = math.hypot(dx, dy)
    nx, ny = -dy / length, dx / length
    if ny < 0 or (ny == 0 and nx > 0):
        nx, ny = -nx, -ny
    if down:
        nx, ny = -nx, -ny
    rise = 0.45 + 0.12 * length
    mid = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
    control = (mid[0] + 2 * rise * nx, mid[1] + 2 * rise * ny)  # a quadratic curve peaks halfway to it
    path = Path([a, control, b], [Path.MOVETO, Path.CURVE3, Path.CURVE3])
    ax.add_patch(PathPatch(path, fill=False, ec=CIRCUIT_COLOR, lw=2.2, zorder=1))
    peak = (mid[0] + rise * nx, mid[1] + rise * ny)
    ax.text(*peak, label, ha="center", va="center", fontsize=7.5, bbox=LABEL_BOX, zorder=4)
    return peak


def loop_anchor(shape, axis):
    """Where a lone cube's wrap along `axis` is drawn, as (x, y) in half-square units: in a row of cubes
    (a slice along one axis) on the top and bottom edges, free of the circuits along the row; in a
    slice along two axes at the top-right corner, clear of both directions' lines."""
    lone = [a for a in range(3) if shape[a] == 1]
    if len(lone) == 1:
        return (1, 1)
    return [(0, 1), (0, -1), (1, 0)][lone.index(axis)]


def self_loop(ax, centre, anchor, label):
    """A cube alone along an axis wraps onto itself through the switches: a loop on its edge."""
    at = (centre[0] + anchor[0] * WIDTH / 2, centre[1] + anchor[1] * HEIGHT / 2)
    ax.add_patch(Circle(at, 0.2, fill=False, ec=CIRCUIT_COLOR, lw=2, zorder=1))
    ax.text(at[0] + 0.26, at[1] + 0.12 * (anchor[1] or 1), label, ha="left", va="center", fontsize=7.5,
            bbox=LABEL_BOX, zorder=4)


def cube(ax, centre, name, spare, failed):
    x, y = centre
    fill = FAILED_FILL if failed else SPARE_FILL if spare else CUBE_FILL
    ax.add_patch(Rectangle((x - WIDTH / 2, y - HEIGHT / 2), WIDTH, HEIGHT, fc=fill, lw=1.5, zorder=2,
                           ec=FAULT_COLOR if failed else "#888888" if spare else CUBE_EDGE,
                           ls="--" if spare else "-", hatch="///" if failed else None))
    ax.text(x, y + 0.14, f"cube {name}", ha="center", va="center", fontsize=9, weight="bold", zorder=3)
    lines = (["spare"] if spare else []) + [f"✕ {e.removeprefix('accelerator ')}" for e in failed[:2]]
    lines += [f"+{len(failed) - 2} more"] if len(failed) > 2 else []
    if lines:
        ax.text(x, y - 0.12, "\n".join(lines), ha="center", va="center", fontsize=6.5, zorder=3,
                color=FAULT_COLOR if failed else "#555555", bbox=LABEL_BOX if failed else None)


def draw_panel(ax, shape, panel):
    """One configuration; returns the drawing's extent (xmin, xmax, ymin, ymax) in data units."""
    at = centres(shape, panel)
    slice_ys = [at[c][1] for c in panel["positions"]] or [0]
    middle = (min(slice_ys) + max(slice_ys)) / 2
    peaks = []
    for (axis, c1, c2), n in sorted(panel["counts"].items()):
        if c1 not in at or c2 not in at:
            continue
        label = f"{AXES[axis]}: {n} circuit{'s' if n != 1 else ''}"
        if c1 == c2:
            self_loop(ax, at[c1], loop_anchor(shape, axis), f"{AXES[axis]}: {n} wrap")
        elif math.dist(at[c1], at[c2]) <= STEP * 1.01:
            straight(ax, at[c1], at[c2], label)
        else:
            peaks.append(arc(ax, at[c1], at[c2], label, down=(at[c1][1] + at[c2][1]) / 2 < middle - 1e-9))
    for c, centre in at.items():
        cube(ax, centre, c, c in panel["spares"], panel["failed"].get(c, []))
    xs = [x for x, _ in list(at.values()) + peaks]
    ys = [y for _, y in at.values()]
    low = min(ys + [y - 0.3 for _, y in peaks]) - 1.0  # room for a cube's half, its loops and labels
    high = max(ys + [y + 0.3 for _, y in peaks]) + 1.0
    extent = (min(xs) - 1.1, max(xs) + 1.1, low, high)
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(panel["title"], fontsize=9)
    return extent


def plot_slices(shape, panels):
    """Panels side by side (before, after), each a dict from ocs.panel(); one legend below."""
    fig, axes = plt.subplots(1, len(panels), squeeze=False)
    extents = [draw_panel(ax, shape, p) for ax, p in zip(axes[0], panels)]
    wide = max(e[1] - e[0] for e in extents)
    tall = max(e[3] - e[2] for e in extents)
    scale = 0.85  # inches per data unit: a cube's square about 0.85 in, its labels legible
    fig.set_size_inches(max(4.5, scale * wide + 0.5) * len(panels), scale * tall + 0.8)  # + the margins
    handles = [Patch(fc=CUBE_FILL, ec=CUBE_EDGE, label="cube in the slice"),
               Patch(fc=SPARE_FILL, ec="#888888", ls="--", label="spare cube"),
               Patch(fc=FAILED_FILL, ec=FAULT_COLOR, hatch="///", label="holds a failed accelerator or link"),
               plt.Line2D([], [], color=CIRCUIT_COLOR, lw=2.2, label="circuits through the switches (axis: count)")]
    fig.legend(handles=handles, loc="lower center", ncol=4 if len(panels) > 1 else 2, fontsize=8, frameon=False,
               bbox_to_anchor=(0.5, -0.02))
    fig.tight_layout(rect=(0, 0.1 if len(panels) > 1 else 0.16, 1, 1))
    return png(fig)


def circuit_gbps(run):
    """Payload carried over the circuits per bin (Gb/s): every link of class `ocs`, both directions
    summed (a circuit without light carries nothing, so the candidates outside the map add 0)."""
    if "class" not in run.links:
        return np.zeros(run.throughput.shape[0])
    ids = run.links.loc[run.links["class"].astype(str) == "ocs", "id"].to_numpy(dtype=int)
    return run.throughput[:, np.concatenate([2 * ids, 2 * ids + 1])].sum(axis=1)


def time_of(move, key):
    """A move's time in ns, or None where the run did not get there (null; anything but a number)."""
    v = move.get(key)
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def shade_moves(ax, moves, end_ns):
    """Each move: start -> lit (circuits dark) in grey, lit -> ready (links train, routes go in) in
    amber; a phase the run did not finish runs to its end."""
    for m in moves:
        start, lit, ready = (time_of(m, k) for k in ("start_ns", "lit_ns", "ready_ns"))
        if start is None:
            continue
        ax.axvspan(start / 1e3, (lit if lit is not None else end_ns) / 1e3, color=DARK_COLOR, alpha=0.25, lw=0)
        if lit is not None:
            ax.axvspan(lit / 1e3, (ready if ready is not None else end_ns) / 1e3, color=TRAINING_COLOR, alpha=0.25,
                       lw=0)


def plot_circuit_throughput(entries, with_delivered=False):
    """entries: [(label, run, moves)]. One run: its circuits' payload and (with_delivered) its delivered
    payload; several: each run's circuits' payload in its colour, its moves named at their start.
    Moves shaded, failures dashed (red for one run, the run's colour for several)."""
    fig, ax = plt.subplots(figsize=(10, 3.8))
    single = len(entries) == 1
    faults = False
    for k, (label, run, moves) in enumerate(entries):
        color = COLORS[k % len(COLORS)]
        x = centers_us(run)
        ax.plot(x, circuit_gbps(run), color=color, lw=1.3, label="carried over the circuits" if single else label)
        if with_delivered:
            ax.plot(x, run.delivered, color=COLORS[(k + 1) % len(COLORS)], lw=1, alpha=0.8, label="delivered payload")
        shade_moves(ax, moves, run.end_ns)
        for time, _, _, _ in run.faults:
            ax.axvline(time / 1e3, color=FAULT_COLOR if single else color, lw=1, ls="--")
            faults = True
        for m in moves if not single else []:
            if time_of(m, "start_ns") is not None:
                ax.text(time_of(m, "start_ns") / 1e3, 0.98, f" {label}", transform=ax.get_xaxis_transform(), rotation=90,
                        va="top", ha="right", fontsize=7, color=color)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("simulated time (µs)")
    ax.set_ylabel(f"Gb/s ({entries[0][1].bin_ns:g} ns bins)")
    ax.grid(alpha=0.3)
    handles = ax.get_legend_handles_labels()[0]
    if any(moves for _, _, moves in entries):
        handles += [Patch(color=DARK_COLOR, alpha=0.35, label="move: circuits dark (start → lit)"),
                    Patch(color=TRAINING_COLOR, alpha=0.35, label="move: links train, routes (lit → ready)")]
    if faults:
        handles.append(plt.Line2D([], [], color=FAULT_COLOR if single else "#555555", ls="--", label="failure"))
    ax.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=5, fontsize=8, frameon=False)
    return png(fig)


THROUGHPUT_NOTE = ('<p class="note">Carried over the circuits: the payload on every link of class ocs (cube face '
                   "to switch to cube face), both directions summed, per throughput bin (a payload crossing two "
                   "circuits counts twice). Delivered: bytes of completed transactions by completion time. Grey: a "
                   "move from its start until every new circuit has light; amber: from lit until ready (the links "
                   "train, the new slice's routes go in). Dashed: a failure.</p>")
