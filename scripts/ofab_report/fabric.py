"""What a fabric is and costs: the per-design table an architect compares designs by.

The run summary's `fabric` object (trace format 1.5 and newer) is the source. An older trace still
gives what its /topology tables hold: node counts, links and link capacity; hops, lasers, bisection
and optical power show "—": a report never invents a figure.
"""

import yaml

# (summary key, label, decimals)
FABRIC_ROWS = [
    ("accelerators", "accelerators", 0),
    ("switches", "switches", 0),
    ("links", "links (duplex)", 0),
    ("lasers", "laser sources", 0),
    ("laser_lines", "laser lines", 0),
    ("link_rate_gbps", "link rate per direction (Gb/s)", 4),
    ("diameter_hops", "diameter (hops, accelerator to accelerator)", 0),
    ("mean_hops", "mean hops (accelerator pairs)", 3),
    ("bisection_links", "bisection (links)", 0),
    ("bisection_gbps", "bisection bandwidth (Gb/s)", 4),
    ("optics_power_w", "optics power (W)", 4),
    ("optics_pj_per_bit", "optics energy (pJ/bit)", 3),
]
DASH = "—"
SIZE_KEYS = ("accelerators", "planes", "leaves", "spines", "hosts_per_leaf", "groups", "routers_per_group",
             "accelerators_per_router", "global_links_per_router", "links_per_pair")


def topology_facts(run):
    """What /topology gives: counts and capacity. Keys as in the summary's `fabric`."""
    roles = run.nodes["role"].astype(str)
    caps = sorted(set(run.links["capacity_gbps"].astype(float)))
    facts = {"accelerators": int((roles == "accelerator").sum()), "switches": int((roles != "accelerator").sum()),
             "links": len(run.links)}
    if len(caps) == 1:
        facts["link_rate_gbps"] = caps[0]
    elif caps:
        facts["link_rate_gbps"] = f"{caps[0]:g}–{caps[-1]:g}"
    return facts


def fabric_facts(run):
    """(facts, source): the summary's `fabric` where present (nulls stay "—"), else the topology's."""
    given = run.summary.get("fabric") if isinstance(run.summary, dict) else None
    if isinstance(given, dict) and given:
        return given, "summary"
    return topology_facts(run), "topology"


def cell(value, decimals):
    if value is None or value == "":
        return DASH
    if isinstance(value, str):
        return value
    if decimals == 0 and float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.{decimals}g}" if abs(value) < 1e4 else f"{value:,.0f}"


def fabric_table(columns):
    """(header, rows, note) for columns [(name, run)]: one column per design, a row per figure."""
    facts = [fabric_facts(run) for _, run in columns]
    rows = [[label] + [cell(f.get(key), decimals) for f, _ in facts] for key, label, decimals in FABRIC_ROWS]
    from_topology = [name for (name, _), (_, source) in zip(columns, facts) if source == "topology"]
    note = ""
    if from_topology:
        note = ("No fabric figures in the run summary of " + ", ".join(from_topology) + ": counts, link rate and hop "
                "come from the trace's /topology tables (a trace older than format 1.5); hops, lasers, "
                f"bisection and optical power are not in it ({DASH}).")
    return ["figure"] + [name for name, _ in columns], rows, note


def topology_config(run):
    """The experiment's topology section (from /meta@config_yaml), or {}."""
    try:
        config = yaml.safe_load(run.meta.get("config_yaml", "")) or {}
    except yaml.YAMLError:
        return {}
    topo = config.get("topology") if isinstance(config, dict) else None
    return topo if isinstance(topo, dict) else {}


def fabric_label(run):
    """A short name of the fabric: 'torus 4×4', 'ocs_cubes: 3 cubes of 2×2×2, slice 1×1×2',
    'switched_pod, 16 accelerators, 4 planes' (the topology's size keys; capacities such as
    switch_radix belong in the fabric table)."""
    topo = topology_config(run)
    kind = str(topo.get("kind", "fabric"))
    if isinstance(topo.get("cube_dims"), list) and isinstance(topo.get("slice"), list):  # ocs_cubes
        return (f"{kind}: {topo.get('cubes', '?')} cubes of " + "×".join(str(d) for d in topo["cube_dims"]) +
                ", slice " + "×".join(str(d) for d in topo["slice"]))
    if isinstance(topo.get("dims"), list):
        return f"{kind} " + "×".join(str(d) for d in topo["dims"])
    shape = [f"{v} {k.replace('_', ' ')}" for k, v in topo.items() if k in SIZE_KEYS]
    return ", ".join([kind] + shape)


def fabric_key(run):
    """Runs with the same key are drawn as one fabric: the same nodes and the same links."""
    return (tuple(run.nodes["name"]), tuple(zip(run.links["a"].astype(int), run.links["b"].astype(int))))
