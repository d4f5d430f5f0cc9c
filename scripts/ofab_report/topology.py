"""The topology drawn as a utilization heat map: each link direction a line beside its twin, its colour
and width the direction's mean utilization over the run, failed and degraded links marked.

Layouts: tori and meshes on their grid (node names a(x,y[,z])); cubes wired by optical circuit
switches as their final slice's torus (ocs.py), with only the circuits in force at the end; fabrics
with switches in layers (accelerators at the bottom, each switch tier above the one it reaches,
ordered by their neighbours to keep crossings few); the rest (rings, full meshes) on a circle.
"""

import math
import re
from collections import defaultdict

import numpy as np
import matplotlib.pyplot as plt
from matplotlib.collections import LineCollection

from .ocs import hidden_circuits, topology_layout
from .plots import DEGRADED_COLOR, FAULT_COLOR, png

CMAP = "viridis"  # no red in it: red stays the colour of a failure
ACC_COLOR, SWITCH_COLOR = "#1f77b4", "#9467bd"
LABEL_BOX = dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85)


def grid_layout(names):
    coords = [re.fullmatch(r"a\(([\d,]+)\)", n) for n in names]
    if not coords or not all(coords):
        return None
    pos = {}
    for i, m in enumerate(coords):
        c = [int(v) for v in m.group(1).split(",")] + [0, 0]
        pos[i] = (c[0] + 0.2 * c[2], c[1] + 0.2 * c[2])
    return pos


def layered_layout(roles, adjacency):
    """Accelerators in a row at the bottom; a switch one row above the nearest row it links to."""
    acc = [i for i, r in enumerate(roles) if r == "accelerator"]
    layer = {i: 0 for i in acc}
    frontier = list(acc)
    while frontier:
        nxt = []
        for n in frontier:
            for m in adjacency[n]:
                if m not in layer:
                    layer[m] = layer[n] + 1
                    nxt.append(m)
        frontier = nxt
    for i in range(len(roles)):
        layer.setdefault(i, max(layer.values(), default=0) + 1)
    rows = defaultdict(list)
    for i, k in layer.items():
        rows[k].append(i)
    width = max(len(r) for r in rows.values()) - 1 or 1
    pos = {}
    for k in sorted(rows):
        members = rows[k]
        if k > 0:  # order by the mean x of the neighbours below: few crossings
            members.sort(key=lambda n: (np.mean([pos[m][0] for m in adjacency[n] if m in pos] or [0]), n))
        step = width / max(1, len(members) - 1) if len(members) > 1 else 0
        x0 = 0 if len(members) > 1 else width / 2
        for j, n in enumerate(members):
            pos[n] = (x0 + j * step, k * max(1.5, width / 2.2))  # about 2:1 for a two-tier fabric
    return pos


def circle_layout(count):
    return {i: (math.cos(2 * math.pi * i / count + math.pi / 2), math.sin(2 * math.pi * i / count + math.pi / 2))
            for i in range(count)}


def layout(run):
    """(positions by node index, kind of layout)."""
    names = list(run.nodes["name"])
    roles = list(run.nodes["role"].astype(str))
    ocs = topology_layout(run)  # cubes wired by circuit switches: the final slice on its torus grid
    if ocs:
        return ocs, "grid"
    grid = grid_layout(names)
    if grid and len({p[1] for p in grid.values()}) > 1:  # one row (a ring a(0), a(1) ...): a circle reads better
        return grid, "grid"
    if any(r != "accelerator" for r in roles):
        adjacency = defaultdict(list)
        for a, b in zip(run.links["a"].astype(int), run.links["b"].astype(int)):
            adjacency[a].append(b)
            adjacency[b].append(a)
        return layered_layout(roles, adjacency), "layered"
    return circle_layout(len(names)), "circle"


def segments(a, b, kind, rise=1.0):
    """The polylines of a link from a to b. Straight, except: on a grid, a link longer than one step
    (a torus wrap-around) is two stubs leaving its ends outward; in layers, a link within one layer
    (a dragonfly's router links) is an arc above it (rise: the layer spacing). Either way no link is
    drawn over the others it would otherwise run along."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = math.hypot(dx, dy)
    if kind == "layered" and abs(dy) < 1e-9 and length > 0:
        control = ((a[0] + b[0]) / 2, a[1] + rise * min(0.9, 0.25 + 0.08 * length))
        t = np.linspace(0, 1, 17)[:, None]
        return [[tuple(p) for p in (1 - t) ** 2 * np.array(a) + 2 * (1 - t) * t * np.array(control)
                 + t ** 2 * np.array(b)]]
    if kind != "grid" or length <= 1.01:
        return [[a, b]]
    ux, uy = dx / length * 0.38, dy / length * 0.38
    return [[a, (a[0] - ux, a[1] - uy)], [(b[0] + ux, b[1] + uy), b]]


def offset(line, d):
    """The polyline moved sideways by d (to the right of its direction): a direction beside its twin."""
    pts = np.asarray(line, dtype=float)
    ahead = np.gradient(pts, axis=0) if len(pts) > 2 else np.repeat([pts[-1] - pts[0]], len(pts), axis=0)
    norm = np.hypot(ahead[:, 0], ahead[:, 1])[:, None]
    normal = np.column_stack([ahead[:, 1], -ahead[:, 0]]) / np.where(norm > 0, norm, 1)
    return [tuple(p) for p in pts + normal * d]


def middle(line):
    """Where a link's failure mark goes: halfway along its first polyline."""
    if len(line) == 2:
        return ((line[0][0] + line[1][0]) / 2, (line[0][1] + line[1][1]) / 2)
    return line[len(line) // 2]


def draw_topology(ax, run, util_mean, vmax, labels=True, title=None):
    """Draws the heat map on ax; returns the LineCollection (for a colour bar)."""
    pos, kind = layout(run)
    names = list(run.nodes["name"])
    roles = list(run.nodes["role"].astype(str))
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1)
    hidden = hidden_circuits(run)
    shown = ~run.links["id"].astype(int).isin(hidden)
    degree = np.bincount(np.concatenate([run.links["a"][shown].astype(int), run.links["b"][shown].astype(int)]),
                         minlength=len(names))
    dense = degree.max(initial=0) > 8 or shown.sum() > 80  # many lines meet: thin ones stay apart
    sep = 0.06 if kind == "grid" else (0.004 if dense else 0.012) * span
    rows = sorted(set(ys))
    rise = rows[1] - rows[0] if len(rows) > 1 else 1.0  # the layer spacing: arcs stay below the next layer
    lines, values, marks = [], [], {"failed": [], "degraded": []}
    fates = run.link_fates()
    for link, a, b in zip(run.links["id"].astype(int), run.links["a"].astype(int), run.links["b"].astype(int)):
        if link in hidden:
            continue
        for direction, (p, q) in enumerate(((pos[a], pos[b]), (pos[b], pos[a]))):
            for seg in segments(p, q, kind, rise):
                lines.append(offset(seg, sep))
                values.append(util_mean[2 * link + direction] if 2 * link + direction < len(util_mean) else 0)
        if link in fates:
            marks[fates[link]].append(middle(segments(pos[a], pos[b], kind, rise)[0]))
    values = np.asarray(values)
    scale = max(vmax, 1e-9)
    widths = (0.5 if dense else 1.0) + (1.8 if dense else 4.5) * np.clip(values / scale, 0, 1)
    order = np.argsort(values, kind="stable")  # the busiest drawn last, on top
    coll = LineCollection([lines[i] for i in order], cmap=CMAP, linewidths=widths[order], zorder=1)
    coll.set_array(values[order] * 100)
    coll.set_clim(0, scale * 100)
    ax.add_collection(coll)
    for fate, color, marker in (("failed", FAULT_COLOR, "X"), ("degraded", DEGRADED_COLOR, "D")):
        if marks[fate]:
            ax.scatter(*zip(*marks[fate]), marker=marker, s=90, color=color, edgecolors="white", zorder=5)
    size = 40 if len(names) > 64 else 140
    for i, (x, y) in pos.items():
        acc = roles[i] == "accelerator"
        ax.scatter([x], [y], s=size if acc else 2 * size, marker="o" if acc else "s",
                   color=ACC_COLOR if acc else SWITCH_COLOR, zorder=4, edgecolors="white")
    accs = [n for n, r in zip(names, roles) if r == "accelerator"]
    crowded = len(accs) * max(map(len, accs), default=0) > 70  # a row of long names: turn them
    if labels and len(names) <= 64:
        for i, (x, y) in pos.items():
            ax.annotate(names[i], (x, y), **label_place(kind, pos[i], roles[i], crowded), fontsize=7, bbox=LABEL_BOX,
                        zorder=6)
    ax.autoscale()
    ax.margins(0.1)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=9, pad=16 if kind == "layered" else 6)
    return coll


def label_place(kind, p, role, crowded=False):
    """Where a node's name goes: beside its marker, never on it (switches above, accelerators below in
    layers, turned upright when a row of them would touch; outward on a circle; up and right on a
    grid, clear of the links)."""
    if kind == "layered":
        up = role != "accelerator"
        return dict(xytext=(0, 11 if up else -11), textcoords="offset points", ha="center",
                    va="bottom" if up else "top", rotation=90 if crowded and not up else 0)
    if kind == "circle":
        return dict(xytext=(13 * p[0], 13 * p[1]), textcoords="offset points", ha="center", va="center")
    return dict(xytext=(7, 7), textcoords="offset points", ha="left", va="bottom")


def legend_handles(failed, degraded, switches):
    handles = [plt.Line2D([], [], marker="o", ls="", color=ACC_COLOR, label="accelerator")]
    if switches:
        handles.append(plt.Line2D([], [], marker="s", ls="", color=SWITCH_COLOR, label="switch"))
    if failed:
        handles.append(plt.Line2D([], [], marker="X", ls="", color=FAULT_COLOR, label="link failed during the run"))
    if degraded:
        handles.append(plt.Line2D([], [], marker="D", ls="", color=DEGRADED_COLOR, label="link lost laser lines"))
    return handles


def plot_topologies(items, ncols=2, labels=True):
    """One heat map per (title, run, mean utilization per direction), one colour scale for all."""
    vmax = max([float(np.max(u)) for _, _, u in items if len(u)] + [1e-9])
    ncols = min(ncols, len(items))
    nrows = math.ceil(len(items) / ncols)
    pos, _ = layout(items[0][1])  # the panels' shape follows the drawing's, so no band of white
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    aspect = min(1.2, max(0.3, (max(ys) - min(ys) + 1) / (max(xs) - min(xs) + 1)))
    width = 5.6 if ncols > 1 else 7.5
    fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols, (0.88 * width * aspect + 0.6) * nrows), squeeze=False)
    fig.subplots_adjust(left=0.02, right=0.98, bottom=0.03, top=0.95, wspace=0.08, hspace=0.15)  # no frame to leave room for
    failed = degraded = switches = False
    for k, (title, run, util) in enumerate(items):
        coll = draw_topology(axes[k // ncols][k % ncols], run, util, vmax, labels, title)
        fates = set(run.link_fates().values())
        failed, degraded = failed or "failed" in fates, degraded or "degraded" in fates
        switches = switches or (run.nodes["role"].astype(str) != "accelerator").any()
    for k in range(len(items), nrows * ncols):
        axes[k // ncols][k % ncols].axis("off")
    bar = fig.colorbar(coll, ax=axes.ravel().tolist(), fraction=0.03, pad=0.02, shrink=0.8)
    bar.set_label("mean utilization (%)")
    fig.canvas.draw()  # the legend goes under everything drawn, names below the axes included
    bottom = fig.get_tightbbox(fig.canvas.get_renderer()).y0 / fig.get_figheight()
    fig.legend(handles=legend_handles(failed, degraded, switches), loc="upper center", ncol=4, fontsize=8,
               frameon=False, bbox_to_anchor=(0.45, min(0.0, bottom)))
    return png(fig)
