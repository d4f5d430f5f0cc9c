#include "ofab/fabric/assembly/route-plan.h"

#include "ofab/protocols/model/ualink-router.h"

#include <algorithm>

namespace ofab
{

std::vector<uint16_t>
ChangedDestinations(const UalinkRouter& router, const ForwardingTable& planned)
{
    std::vector<uint16_t> changed;
    const ForwardingTable& current = router.GetForwardingTable();
    for (uint32_t dst = 0; dst < planned.Size(); ++dst)
    {
        const ForwardingChoice* a = nullptr;
        const ForwardingChoice* b = nullptr;
        const uint32_t na = current.Lookup(static_cast<uint16_t>(dst), a);
        const uint32_t nb = planned.Lookup(static_cast<uint16_t>(dst), b);
        if (nb > 0 && (na != nb || !std::equal(a, a + na, b)))
        {
            changed.push_back(static_cast<uint16_t>(dst));
        }
    }
    return changed;
}

void
InstallEntries(UalinkRouter& router, const ForwardingTable& planned, const std::vector<uint16_t>& destinations)
{
    for (uint16_t dst : destinations)
    {
        const std::vector<ForwardingChoice> choices = planned.GetEntry(dst);
        if (!choices.empty())
        {
            router.SetRoute(dst, choices);
        }
        // else: unreachable from this router. Its old entry stays: every port in it is dead, so the
        // router fails such messages with LinkDown (the truth) instead of DecodeError (a destination
        // it never heard of), and the entry works again by itself when a port comes back.
    }
}

} // namespace ofab
