#include "ofab/protocols/model/forwarding-table.h"

#include "ofab/protocols/model/flit.h"

#include "ofab/foundation/parameter-error.h"

#include <string>

namespace ofab
{

void
ForwardingTable::Resize(uint32_t destinations)
{
    if (destinations > ualink::kMaxAccelerators)
    {
        throw ParameterError("Destinations", "at most " + std::to_string(ualink::kMaxAccelerators) +
                                                 " accelerators (10-bit ids), got " + std::to_string(destinations));
    }
    m_entries.resize(destinations);
}

void
ForwardingTable::CheckDst(uint16_t dst) const
{
    if (dst >= m_entries.size())
    {
        throw ParameterError("Destination", "accelerator id " + std::to_string(dst) + " is outside the table (size " +
                                                std::to_string(m_entries.size()) + ")");
    }
}

void
ForwardingTable::SetEntry(uint16_t dst, const std::vector<ForwardingChoice>& choices)
{
    CheckDst(dst);
    if (choices.size() > kMaxChoices)
    {
        throw ParameterError("ForwardingChoices", "at most " + std::to_string(kMaxChoices) +
                                                      " equal-cost choices per destination, got " +
                                                      std::to_string(choices.size()));
    }
    Entry& e = m_entries[dst];
    e.count = static_cast<uint8_t>(choices.size());
    for (std::size_t i = 0; i < choices.size(); ++i)
    {
        e.choices[i] = choices[i];
    }
}

void
ForwardingTable::AddChoice(uint16_t dst, ForwardingChoice choice)
{
    CheckDst(dst);
    Entry& e = m_entries[dst];
    for (uint32_t i = 0; i < e.count; ++i)
    {
        if (e.choices[i] == choice)
        {
            return;
        }
    }
    if (e.count >= kMaxChoices)
    {
        throw ParameterError("ForwardingChoices",
                             "at most " + std::to_string(kMaxChoices) + " equal-cost choices per destination");
    }
    e.choices[e.count++] = choice;
}

void
ForwardingTable::ClearEntry(uint16_t dst)
{
    CheckDst(dst);
    m_entries[dst].count = 0;
}

std::vector<ForwardingChoice>
ForwardingTable::GetEntry(uint16_t dst) const
{
    CheckDst(dst);
    const Entry& e = m_entries[dst];
    return std::vector<ForwardingChoice>(e.choices.begin(), e.choices.begin() + e.count);
}

void
ForwardingTable::SetDefault(const std::vector<ForwardingChoice>& choices)
{
    m_default = choices;
}

} // namespace ofab
