#include "ofab/fabric/regional/mesh-keys.h"

namespace ofab
{

namespace
{

std::vector<SectionDoc>
MakeSections()
{
    return {
        {"optical_mesh",
         "The wide-area optical mesh between sites: ROADM nodes, amplified fibre routes and the lightpaths "
         "over them (a top-level section; `ofab link-budget` evaluates it).",
         {
             {"nodes", "", "a list of names", "The ROADMs, at sites and junctions (required)."},
             {"routes", "", "a list of sections",
              "Fibre routes between ROADMs: `ofab keys optical_mesh.routes` (required)."},
             {"fibre", "", "a section", "The fibre: `ofab keys optical_mesh.fibre`."},
             {"amplifiers", "", "a section", "The in-line amplifiers: `ofab keys optical_mesh.amplifiers`."},
             {"roadm", "", "a section", "The ROADM passes: `ofab keys optical_mesh.roadm`."},
             {"transceiver", "", "a section", "The coherent pluggables: `ofab keys optical_mesh.transceiver`."},
             {"k_paths", "4", "a whole number from 1 to 64",
              "Candidate paths per lightpath (the k shortest by length), for routing and restoration."},
             {"lightpaths", "", "a list of sections", "Lightpath demands: `ofab keys optical_mesh.lightpaths`."},
         }},
        {"optical_mesh.routes",
         "An item of optical_mesh.routes: one fibre route (a fibre pair) between two ROADMs.",
         {
             {"a", "", "a node name", "One end (required)."},
             {"b", "", "a node name other than a", "The other end (required)."},
             {"length_km", "", "a number above 0, at most 40000 (km)", "Fibre length (required)."},
             {"duct", "its own", "text",
              "Shared risk: routes in one duct fail together, and a 1+1 pair never shares one."},
             {"wavelengths", "as many as fit", "a whole number from 1 to what fits the C-band",
              "Channels the fibre carries: at most 4800 GHz / the transceiver's slot (64 at 75 GHz)."},
         }},
        {"optical_mesh.fibre",
         "optical_mesh: fibre: standard single-mode fibre in the C-band.",
         {
             {"loss_db_per_km", "0.2", "a number from 0 to 10 (dB/km)", "Attenuation at 1550 nm."},
             {"group_index", "1.468", "a number from 1 to 3", "Propagation delay: group index / c (4.9 us/km)."},
         }},
        {"optical_mesh.amplifiers",
         "optical_mesh: amplifiers: EDFAs after every span and every ROADM pass, each making good the loss "
         "before it.",
         {
             {"spacing_km", "80", "a number above 0, at most 1000 (km)",
              "A route of L km has ceil(L / spacing) equal spans."},
             {"noise_figure_db", "5", "a number from 3 to 20 (dB)", "Noise figure of every amplifier."},
         }},
        {"optical_mesh.roadm",
         "optical_mesh: roadm: wavelength-selective switching at every node a lightpath meets.",
         {
             {"pass_loss_db", "6", "a number from 0 to 30 (dB)",
              "Loss per pass (add, each express node, drop), made good by an amplifier."},
         }},
        {"optical_mesh.transceiver",
         "optical_mesh: transceiver: one kind for the whole mesh (one grid); `kind` sets the rest, which "
         "each key may override.",
         {
             {"kind", "400zr", "one of 400zr, 800g or 200g_qpsk",
              "400zr: DP-16QAM 59.84 GBd, 75 GHz, BER threshold 1.22e-2; 800g: DP-16QAM 118.2 GBd, 150 GHz, "
              "2e-2; 200g_qpsk: DP-QPSK 60.14 GBd, 75 GHz, 2e-2."},
             {"launch_power_dbm", "0", "a number from -30 to 20 (dBm)", "Power per channel into every span."},
             {"modulation", "the kind's", "one of dp-16qam or dp-qpsk", "Picks the BER closed form."},
             {"rate_gbps", "the kind's", "a number above 0, at most 10000 (Gb/s)", "Payload rate of a lightpath."},
             {"symbol_rate_gbaud", "the kind's", "a number above 0, at most 1000 (GBd)",
              "Rs in SNR = OSNR x 12.5 GHz / Rs."},
             {"slot_width_ghz", "the kind's", "a number from the symbol rate to 4800 (GHz)", "Grid slot per channel."},
             {"pre_fec_ber_threshold", "the kind's", "a number above 0, below 0.5",
              "A lightpath closes when its pre-FEC BER is at most this."},
             {"implementation_penalty_db", "5.6", "a number from 0 to 20 (dB)",
              "SNR a real module loses against the closed form (5.6 dB puts 400ZR at its published ~26 dB OSNR)."},
         }},
        {"optical_mesh.lightpaths",
         "An item of optical_mesh.lightpaths: lightpaths wanted between two ROADMs.",
         {
             {"a", "", "a node name", "One end (required)."},
             {"b", "", "a node name other than a", "The other end (required)."},
             {"count", "1", "a whole number from 1 to 4096", "How many lightpaths (not with capacity_gbps)."},
             {"capacity_gbps", "", "a number above 0 (Gb/s)",
              "Capacity wanted: ceil(capacity / the transceiver's rate) lightpaths (not with count)."},
             {"protection", "none", "one of none or 1+1",
              "1+1: each has a duct- and node-disjoint protection path with its own wavelength, set up front."},
         }},
    };
}

} // namespace

const std::vector<SectionDoc>&
OpticalMeshSections()
{
    static const std::vector<SectionDoc> sections = MakeSections();
    return sections;
}

std::vector<std::string>
OpticalMeshKeys(const std::string& section)
{
    return KeyNames(FindSection(OpticalMeshSections(), section));
}

} // namespace ofab
