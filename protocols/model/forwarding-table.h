#ifndef OFAB_PROTOCOLS_MODEL_FORWARDING_TABLE_H
#define OFAB_PROTOCOLS_MODEL_FORWARDING_TABLE_H

#include <array>
#include <cstdint>
#include <vector>

namespace ofab
{

/**
 * One way out toward a destination: an output port of the node, and whether taking it crosses a
 * dateline (the message then moves to VC class 1).
 *
 * VC classes follow the dimension-order dateline rule: a message keeps its class while it stays in
 * one routing group (ports carry a "RoutingGroup" attribute, e.g. the torus dimension), is reset
 * to class 0 when it changes group or is injected, and moves to class 1 on a choice flagged
 * `crossesDateline`. With all groups equal and no flags (switched fabrics) the class never changes.
 */
struct ForwardingChoice
{
    uint16_t port = 0;
    bool crossesDateline = false;

    bool operator==(const ForwardingChoice& o) const { return port == o.port && crossesDateline == o.crossesDateline; }
};

/**
 * Forwarding table indexed by destination accelerator id: a flat array of small fixed-size entries
 * (no map, no allocation on lookup). An entry holds up to kMaxChoices equal-cost choices; a request
 * takes choice (address / 256) mod n so that one 256 B region always leaves on the same port, a
 * response takes choice tag mod n. A default entry serves destinations without their own entry
 * (an endpoint's planes: every destination reachable through every port).
 *
 * Entries may be rewritten at any time, also while traffic runs (a reroute controller): lookups
 * after the write see the new entry; messages already queued at an output stay there.
 */
class ForwardingTable
{
  public:
    static constexpr uint32_t kMaxChoices = 8;

    /// Destinations 0..n-1 get (empty) entries; n <= 1024.
    void Resize(uint32_t destinations);
    uint32_t Size() const { return static_cast<uint32_t>(m_entries.size()); }

    /// Replaces the entry of `dst` (ParameterError: dst out of range, more than kMaxChoices).
    void SetEntry(uint16_t dst, const std::vector<ForwardingChoice>& choices);
    void AddChoice(uint16_t dst, ForwardingChoice choice);
    void ClearEntry(uint16_t dst);
    std::vector<ForwardingChoice> GetEntry(uint16_t dst) const;

    void SetDefault(const std::vector<ForwardingChoice>& choices);
    const std::vector<ForwardingChoice>& GetDefault() const { return m_default; }

    /// Hot path: the choices for `dst` (its entry, else the default); returns their count (0: none).
    uint32_t Lookup(uint16_t dst, const ForwardingChoice*& choices) const
    {
        if (dst < m_entries.size() && m_entries[dst].count > 0)
        {
            choices = m_entries[dst].choices.data();
            return m_entries[dst].count;
        }
        choices = m_default.data();
        return static_cast<uint32_t>(m_default.size());
    }

  private:
    struct Entry
    {
        uint8_t count = 0;
        std::array<ForwardingChoice, kMaxChoices> choices{};
    };
    void CheckDst(uint16_t dst) const;

    std::vector<Entry> m_entries;
    std::vector<ForwardingChoice> m_default;
};

} // namespace ofab

#endif
