"""The drawings of a region (a run over several sites), as base64 PNG: the optical mesh with its
lightpaths in one state (before the failures, or after one), cross-site throughput over time with
each failure's healing, and the hierarchical all-reduce's iterations. regional.py prepares what they
draw (plain data: names, paths as node lists, times in ns), so these know nothing of the summary."""

import math

import numpy as np
import matplotlib.pyplot as plt

from .plots import COLORS, DEGRADED_COLOR, FAULT_COLOR, REPAIR_COLOR, REROUTE_COLOR, png

SITE_FILL, SITE_EDGE, JUNCTION_FILL, LOST_FILL = "#dbe9f6", "#4a7bb7", "#eeeeee", "#d0d0d0"
ROUTE_COLOR, DOWN_COLOR = "#b0b0b0", "#9a9a9a"
PROTECT_COLOR = "#8c564b"
LANE_GAP = 0.035  # between parallel lightpaths on one route, in units of the drawing's span
LABEL_BOX = dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85)


def circle_layout(n):
    return np.array([[math.cos(math.pi / 2 - 2 * math.pi * k / n), math.sin(math.pi / 2 - 2 * math.pi * k / n)]
                     for k in range(n)]) if n > 1 else np.zeros((n, 2))


def near_a_route(pos, edges):
    """Whether some node lies on (close to) a route it is not an end of: such a drawing would read as
    the route passing through the node."""
    span = max(np.ptp(pos[:, 0]), np.ptp(pos[:, 1]), 1e-9)
    for i, j in edges:
        a, b = pos[i], pos[j]
        ab = b - a
        length2 = float(ab @ ab)
        for k, p in enumerate(pos):
            if k in (i, j) or length2 == 0:
                continue
            t = min(1.0, max(0.0, float((p - a) @ ab) / length2))
            if np.linalg.norm(a + t * ab - p) < 0.08 * span:
                return True
    return False


def mesh_layout(n, edges, km):
    """Node positions (n x 2): no coordinates exist, so classical multidimensional scaling of the
    shortest-path km between nodes (a map roughly to scale, the same every time); a circle in node
    order where that puts nodes on top of each other or on a route not theirs (a chain, say)."""
    if n <= 2:
        return circle_layout(n) if n == 2 else np.zeros((n, 2))
    d = np.full((n, n), np.inf)
    np.fill_diagonal(d, 0.0)
    for (i, j), length in zip(edges, km):
        d[i, j] = d[j, i] = min(d[i, j], max(float(length), 1e-3))
    for k in range(n):  # Floyd-Warshall: n is a handful of ROADMs
        d = np.minimum(d, d[:, [k]] + d[[k], :])
    if np.isinf(d).any():  # a disconnected mesh: the parts apart, but not infinitely
        d[np.isinf(d)] = 1.5 * d[np.isfinite(d)].max()
    centring = np.eye(n) - np.ones((n, n)) / n
    vals, vecs = np.linalg.eigh(-0.5 * centring @ (d ** 2) @ centring)
    top = np.argsort(vals)[::-1][:2]
    pos = vecs[:, top] * np.sqrt(np.maximum(vals[top], 0.0))
    pos *= np.where(pos[0] > 0, -1.0, 1.0)  # eigenvectors' signs are arbitrary: the first node to the left, top
    pos[:, 1] *= -1
    spread = np.linalg.norm(pos[:, None] - pos[None], axis=2) + np.eye(n) * 1e9
    if spread.min() < 0.1 * max(np.ptp(pos[:, 0]), np.ptp(pos[:, 1]), 1e-9) or near_a_route(pos, edges):
        return circle_layout(n)
    return pos / max(np.ptp(pos[:, 0]), np.ptp(pos[:, 1]))


def offset_path(pos, index, nodes, slots):
    """The points of a lightpath along `nodes` (names), each hop shifted sideways to its slot on that
    route so that several lightpaths over one route run side by side. slots: {(name, name): (k, of)}."""
    pts = []
    for a, b in zip(nodes, nodes[1:]):
        pa, pb = pos[index[a]], pos[index[b]]
        lo, hi = sorted((a, b), key=lambda x: index[x])  # one sideways direction per route, whichever way it runs
        d = pos[index[hi]] - pos[index[lo]]
        normal = np.array([-d[1], d[0]]) / (np.linalg.norm(d) or 1.0)
        k, of = slots.get((lo, hi), (0, 1))
        shift = normal * LANE_GAP * (k - (of - 1) / 2)
        pts += [pa + shift, pb + shift]
    return np.array(pts)


def draw_mesh(ax, mesh, state):
    """One state of the mesh. mesh: {nodes, sites (names), routes [(a, b, km, duct)]}; state: {title,
    cut (route indices), failed_nodes, lost_sites, lightpaths [{label, nodes, colour, up, text}]}."""
    nodes = mesh["nodes"]
    index = {n: k for k, n in enumerate(nodes)}
    pos = mesh["pos"]
    for r, (a, b, km, duct) in enumerate(mesh["routes"]):
        pa, pb = pos[index[a]], pos[index[b]]
        cut = r in state["cut"]
        ax.plot([pa[0], pb[0]], [pa[1], pb[1]], color=FAULT_COLOR if cut else ROUTE_COLOR, lw=5 if not cut else 2.5,
                ls="--" if cut else "-", zorder=1, solid_capstyle="round", alpha=0.9 if cut else 0.6)
        mid = (pa + pb) / 2
        ax.text(mid[0], mid[1], f"{km:g} km\n{duct}" + ("\n✕ cut" if cut else ""), fontsize=7, ha="center", va="center",
                color=FAULT_COLOR if cut else "#444444", bbox=LABEL_BOX, zorder=5)
    used = {}
    for lp in state["lightpaths"]:  # which lightpaths share each route, for their sideways slots
        for a, b in zip(lp["nodes"], lp["nodes"][1:]):
            key = tuple(sorted((a, b), key=lambda x: index[x]))
            used.setdefault(key, []).append(id(lp))
    for lp in state["lightpaths"]:
        if len(lp["nodes"]) < 2:
            continue
        slots = {key: (ids.index(id(lp)), len(ids)) for key, ids in used.items() if id(lp) in ids}
        pts = offset_path(pos, index, lp["nodes"], slots)
        ax.plot(pts[:, 0], pts[:, 1], color=lp["colour"] if lp["up"] else DOWN_COLOR, lw=2.2 if lp["up"] else 1.2,
                ls="-" if lp["up"] else ":", zorder=3, label=lp["text"])
    for name in nodes:
        x, y = pos[index[name]]
        site, lost = name in mesh["sites"], name in state["lost_sites"] or name in state["failed_nodes"]
        ax.scatter([x], [y], s=900 if site else 320, marker="s" if site else "o", zorder=6,
                   c=LOST_FILL if lost else SITE_FILL if site else JUNCTION_FILL,
                   edgecolors=FAULT_COLOR if lost else SITE_EDGE if site else "#777777", linewidths=1.5,
                   hatch="///" if lost else None)
        ax.text(x, y - (0.1 if site else 0.075), name + (" (lost)" if name in state["lost_sites"] else
                                                          " (failed)" if lost else "" if site else " (junction)"),
                ha="center", va="top", fontsize=8.5, weight="bold" if site else "normal", zorder=7,
                color=FAULT_COLOR if lost else "#222222", bbox=LABEL_BOX)
    ax.set_title(state["title"], fontsize=10)
    ax.set_aspect("equal")
    pad = 0.2  # the same frame in every panel, so that the states compare at a glance
    ax.set_xlim(pos[:, 0].min() - pad, pos[:, 0].max() + pad)
    ax.set_ylim(pos[:, 1].min() - pad, pos[:, 1].max() + pad)
    ax.axis("off")
    if state["lightpaths"]:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.02), fontsize=7.5, frameon=False, ncol=1)


def plot_mesh_states(mesh, states):
    """Each state a panel, two to a row."""
    cols = min(2, len(states))
    rows = math.ceil(len(states) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(6.2 * cols, 6.4 * rows), squeeze=False)
    for ax, state in zip(axes.flat, states):
        draw_mesh(ax, mesh, state)
    for ax in list(axes.flat)[len(states):]:
        ax.axis("off")
    fig.tight_layout(h_pad=3)  # room between a panel's legend and the title of the one below
    return png(fig)


HEALING = [("protect", "detect → 1+1 protection", PROTECT_COLOR), ("reroute", "detect → gateways reroute", REROUTE_COLOR),
           ("restore", "detect → lightpaths restored", REPAIR_COLOR), ("recover", "fault → 95 % of before", DEGRADED_COLOR)]


def plot_cross_site(bin_ns, series, failures):
    """Cross-site delivered throughput per bin; each failure a red line, its layers' healing intervals
    as bars in lanes below. failures: [{label, at, detect, protect, reroute, restore, recover} in ns,
    absolute; None where a layer did not act or did not finish]."""
    fig, (ax, lanes) = plt.subplots(2, 1, figsize=(10, 5.2), sharex=True, gridspec_kw={"height_ratios": [3, 1.2]})
    x = (np.arange(len(series)) + 0.5) * bin_ns / 1e6
    ax.step(x, series, where="mid", lw=1.4, label="cross-site delivered")
    end = len(series) * bin_ns / 1e6
    for k, f in enumerate(failures):
        at = f["at"] / 1e6
        ax.axvline(at, color=FAULT_COLOR, ls="--", lw=1.2, label="failure" if k == 0 else None)
        ax.text(at, 1.0, f" {f['label']}", transform=ax.get_xaxis_transform(), fontsize=7.5, color=FAULT_COLOR,
                ha="left", va="top", rotation=0)
        healed = [f[key] for key, _, _ in HEALING if f.get(key) is not None]
        ax.axvspan(at, (max(healed) / 1e6) if healed else end, color=FAULT_COLOR, alpha=0.06, lw=0)
        start = (f["detect"] if f.get("detect") is not None else f["at"]) / 1e6
        for lane, (key, _, colour) in enumerate(HEALING):
            begin = at if key == "recover" else start
            if f.get(key) is not None:
                lanes.barh(lane, f[key] / 1e6 - begin, left=begin, height=0.6, color=colour)
            else:  # this layer did not act (nothing to protect) or never got there: a thin mark
                lanes.plot([begin], [lane], marker="|", color=colour, ms=10)
        lanes.axvline(at, color=FAULT_COLOR, ls="--", lw=1)
    ax.set_ylabel(f"Gb/s ({bin_ns / 1e6:g} ms bins)")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.02), ncol=3, fontsize=8, frameon=False)
    lanes.set_yticks(range(len(HEALING)), [label for _, label, _ in HEALING], fontsize=7.5)
    lanes.set_ylim(-0.6, len(HEALING) - 0.4)
    lanes.invert_yaxis()
    lanes.set_xlabel("simulated time (ms)")
    lanes.set_xlim(0, end)
    lanes.grid(alpha=0.3, axis="x")
    return png(fig)


PHASES = [("reduce", "site reduce(-scatter)", "#1f77b4", "s--"), ("wide", "wide area (rings)", "#ff7f0e", "o-"),
          ("broadcast", "site broadcast / all-gather", "#2ca02c", "o:")]  # reduce and broadcast take about as long: told apart by style


def plot_allreduce(iterations, failure_times):
    """Iteration time against start time, coloured by how many sites took part, failed ones ✕; below,
    each phase's time. iterations: [{start, time, sites, failed, reduce, wide, broadcast}] in ns (a
    phase None where the iteration did not reach it). Log y where the times span more than a decade."""
    fig, (ax, ph) = plt.subplots(2, 1, figsize=(10, 6.4), sharex=True)
    times = [it["time"] for it in iterations if it["time"] and it["time"] > 0]
    phase_times = [it[k] for it in iterations for k, _, _, _ in PHASES if it[k] and it[k] > 0]
    for k, sites in enumerate(sorted({it["sites"] for it in iterations}, reverse=True)):
        done = [it for it in iterations if it["sites"] == sites and not it["failed"]]
        ax.plot([it["start"] / 1e6 for it in done], [it["time"] / 1e6 for it in done], "o-", ms=3.5, lw=0.8,
                color=COLORS[k % len(COLORS)], label=f"{sites} site{'s' if sites != 1 else ''}")
    failed = [it for it in iterations if it["failed"]]
    if failed:
        ax.plot([it["start"] / 1e6 for it in failed], [it["time"] / 1e6 for it in failed], "x", ms=9, mew=2,
                color=FAULT_COLOR, label="failed (time to the failure)")
    for key, label, colour, style in PHASES:
        pts = [(it["start"] / 1e6, it[key] / 1e6) for it in iterations if it[key] is not None and it[key] > 0]
        if pts:
            ph.plot(*zip(*pts), style, ms=4 if style.startswith("s") else 2.5, mfc="none" if style.startswith("s") else None,
                    lw=0.9, color=colour, label=label)
    for a in (ax, ph):
        for k, t in enumerate(failure_times):
            a.axvline(t / 1e6, color=FAULT_COLOR, ls="--", lw=1, label="failure" if k == 0 and a is ax else None)
        a.grid(alpha=0.3)
    if times and max(times) > 10 * min(times):
        ax.set_yscale("log")
    if phase_times and max(phase_times) > 10 * min(phase_times):
        ph.set_yscale("log")
    ax.set_ylabel("iteration time (ms)")
    ph.set_ylabel("phase time (ms)")
    ph.set_xlabel("iteration start (simulated ms)")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.02), ncol=5, fontsize=8, frameon=False)
    ph.legend(loc="upper right", fontsize=8, ncol=3)
    return png(fig)

