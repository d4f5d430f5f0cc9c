#include "ofab/fabric/experiment/section-keys.h"

namespace ofab
{

namespace
{

const char* const kTime = "a time with a unit, e.g. 150ns, 2.5us, 10ms";
const char* const kRates = "{mttf: TIME, mttr: TIME}";

std::vector<SectionDoc>
MakeSections()
{
    return {
        {"experiment",
         "The top level of an experiment file. Every other key is a section of its own (`ofab keys <section>`).",
         {
             {"name", "experiment", "text",
              "The experiment's name: in the trace (/meta@experiment), the summary "
              "and the tables; outputs of another name are not overwritten."},
             {"description", "", "text", "One line saying what the experiment shows."},
             {"seed", "1", "a whole number from 1 to 4294967295",
              "Every random draw follows from it (ns-3 RngRun); `--seed` overrides it."},
             {"duration", "", kTime, "Simulated time to run (required)."},
             {"topology", "", "a section", "The graph: `ofab keys topology` (required)."},
             {"links", "", "a section", "The photonic links: `ofab keys links`, `laser`, `link`."},
             {"protocol", "", "a section with port:, endpoint:, switch:",
              "UALink-style protocol attributes: `ofab keys port`, `endpoint`, `switch`."},
             {"workloads", "", "a list",
              "Traffic and collectives; each item's `type` picks the model: `ofab keys "
              "workload:<type>`."},
             {"faults", "", "a list or a section", "Faults and repairs: `ofab keys faults`."},
             {"controller", "", "a section",
              "The reroute controller; `policy` picks the model: `ofab keys "
              "controller`. Absent: no controller."},
             {"ocs", "", "a section with switch:, schedule:",
              "The optical circuit switches of an ocs_cubes topology: `ofab keys ocs`, `ocs_switch`."},
             {"outputs", "", "a section", "Trace, summary and measurement settings: `ofab keys outputs`."},
             {"run", "", "a section", "How the simulation runs (threads): `ofab keys run`."},
             {"variants", "", "a list of {name, set}",
              "Runs of the same file with some keys changed, compared side by side: `ofab keys variants`."},
         }},
        {"topology",
         "`kind` picks the graph; each kind takes its own shape keys (the `for ...` in the range column).",
         {
             {"kind", "",
              "one of torus, mesh, ring, full_mesh, switched_pod, fat_tree, dragonfly, edge_list or ocs_cubes",
              "The topology generator (required)."},
             {"routing", "auto", "one of auto, dimension_order or shortest_path",
              "auto: dimension order (with dateline virtual channels) on tori and meshes, shortest paths "
              "elsewhere."},
             {"link_length_m", "the link file's fibre_length_m", "a number from 0 to 1e6 (m)",
              "Cable length of every link (m); sets each link's fibre length."},
             {"dims", "", "a list of whole numbers from 2 to 1024, for torus and mesh",
              "Size of each dimension, e.g. [8, 8]; at most 1024 accelerators."},
             {"accelerators", "", "a whole number from 2 to 1024, for ring, full_mesh and switched_pod",
              "Number of accelerators."},
             {"links_per_pair", "1", "a whole number from 1 to 64, for full_mesh", "Parallel links between each pair."},
             {"planes", "1", "a whole number from 1 to 64, for switched_pod",
              "Switch planes; each accelerator has one link to each plane's switch."},
             {"switch_radix", "the larger of accelerators and 64", "a whole number from 2 to 4096, for switched_pod",
              "Ports per switch."},
             {"leaves", "", "a whole number from 1 to 1024, for fat_tree", "Leaf switches."},
             {"spines", "", "a whole number from 1 to 1024, for fat_tree",
              "Spine switches; every leaf links to "
              "every spine."},
             {"hosts_per_leaf", "", "a whole number from 1 to 1024, for fat_tree", "Accelerators under each leaf."},
             {"routers_per_group", "", "a whole number from 1 to 256, for dragonfly", "Routers in a group (a)."},
             {"accelerators_per_router", "", "a whole number from 1 to 256, for dragonfly",
              "Accelerators on each router (p)."},
             {"global_links_per_router", "", "a whole number from 1 to 256, for dragonfly",
              "Global links of each router (h)."},
             {"groups", "0", "a whole number from 0 to 4096, for dragonfly",
              "Groups; 0: the balanced maximum a * h + 1."},
             {"file", "", "a path, for edge_list",
              "An edge-list file, relative to the experiment (format in topologies/README.md)."},
             {"cube_dims", "[4, 4, 4]", "three whole numbers from 2 to 64, for ocs_cubes",
              "Accelerators of one cube along x, y, z (a mesh inside the cube; its faces go to the circuit "
              "switches)."},
             {"cubes", "the slice's cubes + 1", "a whole number from 1 to 1024, for ocs_cubes",
              "Physical cubes, spares included."},
             {"slice", "[1, 1, 2]", "three whole numbers from 1 to 64, for ocs_cubes",
              "Cubes along x, y, z of the slice: a torus of cube_dims x slice accelerators."},
             {"slice_cubes", "0, 1, ...", "a list of cube ids, for ocs_cubes",
              "The cubes filling the slice at the start, position x fastest."},
             {"configurations", "", "a list of cube-id lists, for ocs_cubes",
              "More slices the switches may be moved to (every swap of one slice cube for a spare is "
              "declared already)."},
             {"circuit_length_m", "10", "a number from 0 to 1e6 (m), for ocs_cubes",
              "Fibre of one circuit: cube face -> switch -> cube face (m). link_length_m is the cubes' inner links."},
         }},
        {"ocs",
         "Only with `topology.kind: ocs_cubes`: the circuit switches' attributes and planned reconfigurations.",
         {
             {"switch", "", "a section", "Attributes of every circuit switch: `ofab keys ocs_switch`."},
             {"schedule", "", "a list of {at, cubes}",
              "Reconfigurations: at `at`, move the switches to the slice of `cubes` (needs a controller to "
              "install the new slice's routes)."},
         }},
        {"links",
         "The link every graph link is built with: a link file and/or attribute sections layered on top of it.",
         {
             {"file", "", "a path", "A link file (YAML with laser: and link:), relative to the experiment."},
             {"laser", "", "a section", "Laser source attributes over the file's: `ofab keys laser`."},
             {"link", "", "a section", "Photonic link attributes over the file's: `ofab keys link`."},
             {"classes", "", "a map {<link class>: {file, laser, link}}",
              "Links of one graph link class that differ (fat_tree: access, uplink)."},
             {"name", "", "text", "Only in a link file: its name."},
             {"description", "", "text", "Only in a link file: what it describes."},
         }},
        {"faults",
         "A list of fault events (`ofab keys faults.events`), or a section with these keys.",
         {
             {"events", "", "a list", "Explicit faults and repairs: `ofab keys faults.events`."},
             {"groups", "", "a map {<name>: {links, laser_sources}}",
              "Shared-risk groups that fail together: `ofab keys faults.groups`."},
             {"stochastic", "", "a section", "Random failures and repairs by class: `ofab keys faults.stochastic`."},
         }},
        {"faults.events",
         "One fault or repair; `kind` decides which element keys apply (the `for ...` in the range column).",
         {
             {"at", "", kTime, "When it happens (required)."},
             {"kind", "", "one of fibre_cut, laser_line, laser_source, switch, accelerator, flap, group or repair",
              "What fails (required)."},
             {"repair_at", "", std::string(kTime) + ", not for repair", "When it is repaired; absent: never."},
             {"of", "", "a fault kind, for repair", "The kind of fault a `repair` undoes."},
             {"link", "", "a link id, for fibre_cut, flap and laser_line", "The link, by id."},
             {"between", "", "[node, node], for fibre_cut, flap and laser_line", "The link, by its two end nodes."},
             {"from", "", "a node, for laser_line",
              "The end whose transmitter loses the line (default: the link's first end)."},
             {"source", "", "{node, index}, for laser_line and laser_source",
              "A laser source: its node and its index among that node's sources."},
             {"line", "", "a whole number from 0 to 4095, for laser_line", "The line's index on its source."},
             {"power_drop_db", "", "a number (dB), for laser_line",
              "Degrade the line by this much instead of "
              "losing it."},
             {"degraded", "true when power_drop_db is given", "true or false, for laser_line",
              "Whether the line is degraded (true) or lost (false)."},
             {"node", "", "a node name, for switch and accelerator", "The node that fails."},
             {"group", "", "a group name, for group", "A shared-risk group of faults.groups."},
             {"period", "", std::string(kTime) + ", for flap", "Time from one going-down to the next."},
             {"down_for", "half the period", std::string(kTime) + ", for flap", "How long each flap is down."},
             {"count", "1", "a whole number from 1 to 1000000, for flap", "How many times the link goes down."},
         }},
        {"faults.groups",
         "Each entry names a shared-risk group (a duct, a laser bank): elements that fail together.",
         {
             {"links", "", "a list of links (ids or [node, node])", "Links of the group."},
             {"laser_sources", "", "a list of {node, index}", "Laser sources of the group."},
         }},
        {"faults.stochastic",
         "Each class fails and is repaired at random: exponential up times (mean mttf) and down times (mean "
         "mttr), drawn from the class's own random stream.",
         {
             {"links", "", kRates, "Fibre cuts of every link."},
             {"laser_lines", "", kRates, "Every line of every laser source."},
             {"laser_sources", "", kRates, "Every whole laser source."},
             {"switches", "", kRates, "Every switch node."},
             {"groups", "", kRates, "Every shared-risk group of faults.groups."},
             {"accelerators", "", kRates,
              "Every accelerator: its links cut and its endpoint isolated (a GPU or memory failure)."},
             {"start", "0ns", kTime, "Elements are up until then."},
         }},
        {"run",
         "How the simulation runs. The results depend on the seed, never on the thread count: with threads set, "
         "the parallel core gives the same trace for 1 or N threads (its event order differs from the "
         "sequential core's, so its results are its own reference).",
         {
             {"threads", "sequential", "sequential, all, or a whole number from 1 to 1024",
              "sequential: the single-threaded core. N: the parallel core on N threads (`all`: every core the "
              "process may use: its CPU affinity, or OFAB_CORES, which `ofab sweep` sets to each point's share); "
              "traffic and collective workloads, faults, reroute controllers and circuit switches so far. `--threads` "
              "overrides it."},
         }},
        {"outputs",
         "Where a run writes its results, and how it measures them. `-o` and `--summary-json` override the paths.",
         {
             {"trace", "", "a path", "HDF5 trace (docs/trace-format.md); absent: none."},
             {"summary_json", "", "a path", "Summary JSON; absent: none (with -o: beside the trace)."},
             {"throughput_bin", "100ns", std::string(kTime) + ", at least 1ns",
              "Width of a /links/throughput bin and of the throughput series."},
             {"recovery_window", "1us", std::string(kTime) + ", at least throughput_bin",
              "Shortest hold of a recovery: T_recover95 is the start of a return to 95 % that lasts this long."},
             {"recovery_reference", "0ns", kTime,
              "Span before a fault its throughput is compared with; 0: since the previous fault."},
             {"stall_timeout", "20us", std::string(kTime) + ", 0 (off) or at least 1us",
              "Without a controller: credit stalls and starvation reported after this."},
             {"trace_flush", "10s", "a wall-clock time, 0 (only at the end) or at least 100ms",
              "Wall-clock time between flushes of the trace: a killed run keeps every row up to the last one."},
             {"transaction_sample", "1", "a whole number from 0 to 1000000",
              "Keep one /transactions row in this many (0: none); the summary counts every transaction."},
             {"flows", "false", "true or false",
              "Write /flows: per workload, source and destination accelerator, the transactions, bytes and "
              "latency (as ns-3's FlowMonitor; every transaction, sampled or not)."},
         }},
        {"variants",
         "Each item is one run of the same file with some keys changed; outputs are named <output>-<name>.",
         {
             {"name", "", "text without spaces", "The variant's name (required, unique)."},
             {"set", "", "a map {key.path: value}", "The keys it changes, as `--set` would (required)."},
         }},
    };
}

} // namespace

const std::vector<SectionDoc>&
LoaderSections()
{
    static const std::vector<SectionDoc> sections = MakeSections();
    return sections;
}

const SectionDoc&
LoaderSection(const std::string& name)
{
    return FindSection(LoaderSections(), name);
}

std::vector<std::string>
LoaderKeys(const std::string& section)
{
    return KeyNames(LoaderSection(section));
}

} // namespace ofab
