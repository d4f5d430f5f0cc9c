#include "ofab/fabric/faults/fault-state.h"

#include <algorithm>

namespace ofab
{

void
FaultTarget::Append(const FaultTarget& o)
{
    links.insert(links.end(), o.links.begin(), o.links.end());
    sources.insert(sources.end(), o.sources.begin(), o.sources.end());
    lines.insert(lines.end(), o.lines.begin(), o.lines.end());
    degradedLines.insert(degradedLines.end(), o.degradedLines.begin(), o.degradedLines.end());
    isolated.insert(isolated.end(), o.isolated.begin(), o.isolated.end());
}

FaultState::FaultState(const Fabric& fabric, const LaserMap& lasers)
    : m_fabric(fabric),
      m_lasers(lasers),
      m_cutHolds(fabric.Links().size(), 0),
      m_sourceHolds(lasers.Sources().size(), 0),
      m_isolateHolds(fabric.AcceleratorCount(), 0),
      m_mask(fabric.Links().size(), true)
{
    for (std::size_t l = 0; l < m_mask.size(); ++l)
    {
        const auto& ch = fabric.Links()[l].channel;
        m_mask[l] = ch->IsUp(0) && ch->IsUp(1);
    }
}

void
FaultState::Apply(const FaultTarget& t)
{
    for (uint32_t l : t.links)
    {
        if (m_cutHolds[l]++ == 0)
        {
            m_fabric.Links()[l].channel->Cut();
        }
    }
    for (uint32_t s : t.sources)
    {
        if (m_sourceHolds[s]++ == 0)
        {
            m_lasers.Sources()[s].laser->FailAll();
        }
    }
    for (const auto& x : t.lines)
    {
        ++m_lineHolds[{x.source, x.line}].failed;
        SetLine(x.source, x.line);
    }
    for (const auto& x : t.degradedLines)
    {
        m_lineHolds[{x.source, x.line}].drops.push_back(t.dropDb);
        SetLine(x.source, x.line);
    }
    for (uint32_t a : t.isolated)
    {
        if (m_isolateHolds[a]++ == 0)
        {
            m_fabric.Endpoints()[a]->SetIsolated(true);
        }
    }
    RefreshLinks(t);
}

void
FaultState::Undo(const FaultTarget& t)
{
    for (uint32_t a : t.isolated)
    {
        if (m_isolateHolds[a] > 0 && --m_isolateHolds[a] == 0)
        {
            m_fabric.Endpoints()[a]->SetIsolated(false);
        }
    }
    auto release = [this](const FaultTarget::Line& x, auto&& drop) {
        auto it = m_lineHolds.find({x.source, x.line});
        if (it == m_lineHolds.end())
        {
            return;
        }
        drop(it->second);
        if (it->second.failed == 0 && it->second.drops.empty())
        {
            m_lineHolds.erase(it);
        }
        SetLine(x.source, x.line);
    };
    for (const auto& x : t.degradedLines)
    {
        release(x, [&](LineHolds& h) {
            auto d = std::find(h.drops.begin(), h.drops.end(), t.dropDb);
            if (d != h.drops.end())
            {
                h.drops.erase(d);
            }
        });
    }
    for (const auto& x : t.lines)
    {
        release(x, [](LineHolds& h) { h.failed -= h.failed > 0 ? 1 : 0; });
    }
    for (uint32_t s : t.sources)
    {
        if (m_sourceHolds[s] == 0 || --m_sourceHolds[s] > 0)
        {
            continue;
        }
        // Lines that another fault still holds must not flicker on: restore line by line then.
        auto first = m_lineHolds.lower_bound({s, 0});
        if (first == m_lineHolds.end() || first->first.first != s)
        {
            m_lasers.Sources()[s].laser->RestoreAll();
            continue;
        }
        for (uint32_t line = 0; line < m_lasers.Sources()[s].laser->GetLineCount(); ++line)
        {
            SetLine(s, line);
        }
    }
    for (uint32_t l : t.links)
    {
        if (m_cutHolds[l] > 0 && --m_cutHolds[l] == 0)
        {
            m_fabric.Links()[l].channel->Restore();
        }
    }
    RefreshLinks(t);
}

void
FaultState::SetLine(uint32_t source, uint32_t line)
{
    if (m_sourceHolds[source] > 0)
    {
        return; // the whole source is dark; its lines take their own state when it comes back
    }
    const auto& laser = m_lasers.Sources()[source].laser;
    const auto state = laser->GetLineState(line);
    auto it = m_lineHolds.find({source, line});
    if (it != m_lineHolds.end() && it->second.failed > 0)
    {
        if (state != LaserSource::LineState::Failed)
        {
            laser->FailLine(line);
        }
    }
    else if (it != m_lineHolds.end() && !it->second.drops.empty())
    {
        double dropDb = 0;
        for (double d : it->second.drops)
        {
            dropDb += d; // independent attenuations multiply: their dB add
        }
        laser->DegradeLine(line, dropDb);
    }
    else if (state != LaserSource::LineState::On)
    {
        laser->RestoreLine(line);
    }
}

void
FaultState::RefreshLinks(const FaultTarget& t)
{
    for (uint32_t l : t.links)
    {
        RefreshLink(l);
    }
    auto fed = [this](uint32_t s) {
        for (const auto& f : m_lasers.Sources()[s].feeds)
        {
            RefreshLink(f.link);
        }
    };
    for (uint32_t s : t.sources)
    {
        fed(s);
    }
    for (const auto& x : t.lines)
    {
        fed(x.source);
    }
    for (const auto& x : t.degradedLines)
    {
        fed(x.source);
    }
}

void
FaultState::RefreshLink(uint32_t link)
{
    const auto& ch = m_fabric.Links()[link].channel;
    const bool up = m_cutHolds[link] == 0 && ch->IsUp(0) && ch->IsUp(1);
    if (m_mask[link] != up)
    {
        m_mask[link] = up;
        if (!m_maskCallback.IsNull())
        {
            m_maskCallback(link, !up);
        }
    }
}

} // namespace ofab
