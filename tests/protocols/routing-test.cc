// Forwarding: planes spread by 256 B region, direct topologies with the dateline VC rule, and
// tables rewritten while traffic runs.

#include "protocol-test-util.h"

#include "ofab/foundation/parameter-error.h"

#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <catch2/catch.hpp>

#include <map>
#include <set>

using namespace ofab;
using namespace ns3;

TEST_CASE("an accelerator spreads requests over its planes by 256 B region", "[routing]")
{
    test::UsePicoseconds();
    UalinkHelper h;
    auto pod = h.BuildSwitchedPod(2, 4);
    auto a = pod.endpoints[0];
    // Region r leaves on port r % 4; both requests to one region on the same port.
    std::map<uint64_t, std::set<uint16_t>> portsOfRegion;
    for (uint32_t port = 0; port < 4; ++port)
    {
        pod.switches[port]->GetPort(0)->TraceConnectWithoutContext(
            "TlMessageReceived",
            MakeBoundCallback(
                +[](std::pair<std::map<uint64_t, std::set<uint16_t>>*, uint16_t> s, const TlMessage& m) {
                    if (m.kind == MessageKind::Request)
                    {
                        (*s.first)[m.address / 256].insert(s.second);
                    }
                },
                std::make_pair(&portsOfRegion, static_cast<uint16_t>(port))));
    }
    Simulator::Schedule(MicroSeconds(1), [&] {
        for (uint64_t r = 0; r < 16; ++r)
        {
            a->Read(1, r * 256, 64);
            a->Read(1, r * 256 + 128, 64);
        }
    });
    Simulator::Run();
    REQUIRE(portsOfRegion.size() == 16);
    for (const auto& [region, ports] : portsOfRegion)
    {
        REQUIRE(ports.size() == 1);
        CHECK(*ports.begin() == region % 4);
    }
    CHECK(a->GetCompletedCount() == 32);
    Simulator::Destroy();
}

namespace
{

/// Four accelerators on a unidirectional ring (node i forwards everything through its "+" port),
/// tiny buffers, all-to-all writes. Returns the endpoints after `Simulator::Run` up to 5 ms.
struct Ring
{
    std::vector<Ptr<AcceleratorEndpoint>> ep;
    std::vector<UalinkHelper::Link> links; ///< links[i]: i -> i+1; portA is i's "+" port
};

Ring
BuildRing(UalinkHelper& h, uint16_t n, bool dateline)
{
    Ring r;
    for (uint16_t i = 0; i < n; ++i)
    {
        r.ep.push_back(h.CreateEndpoint(i));
    }
    for (uint16_t i = 0; i < n; ++i)
    {
        r.links.push_back(h.Connect(r.ep[i], r.ep[(i + 1) % n]));
    }
    // The wrap link n-1 -> 0 is the dateline.
    for (uint16_t i = 0; i < n; ++i)
    {
        for (uint16_t d = 0; d < n; ++d)
        {
            if (d != i)
            {
                r.ep[i]->SetRoute(d, {ForwardingChoice{r.links[i].portA->GetIndex(), dateline && i == n - 1}});
            }
        }
    }
    return r;
}

void
AllToAllWrites(Ring& r, uint32_t per)
{
    const auto n = static_cast<uint16_t>(r.ep.size());
    for (uint16_t s = 0; s < n; ++s)
    {
        for (uint16_t d = 0; d < n; ++d)
        {
            for (uint32_t k = 0; s != d && k < per; ++k)
            {
                r.ep[s]->WriteFull(d, (s * 10000 + k) * 256, 256);
            }
        }
    }
}

UalinkHelper
TinyBufferHelper()
{
    UalinkHelper h;
    h.SetLanes(1);
    h.SetPortAttribute("RequestCommandBuffers", UintegerValue(4)); // small buffers: deadlock-prone
    h.SetPortAttribute("ResponseCommandBuffers", UintegerValue(4));
    h.SetPortAttribute("RequestDataBuffers", UintegerValue(8));
    h.SetPortAttribute("ResponseDataBuffers", UintegerValue(8));
    h.SetEndpointAttribute("CompletionTimeout", TimeValue(MilliSeconds(10)));
    return h;
}

} // namespace

TEST_CASE("ring of accelerators in router mode: dateline VC classes and all-to-all without deadlock",
          "[routing][direct]")
{
    test::UsePicoseconds();
    UalinkHelper h = TinyBufferHelper();
    const uint16_t n = 4;
    Ring r = BuildRing(h, n, true);
    // VC classes seen on the wrap link into node 0 and on the link into node 2.
    std::set<uint8_t> vcIntoNode0;
    std::set<uint8_t> vcIntoNode2;
    auto collect = +[](std::set<uint8_t>* s, const TlMessage& m) { s->insert(m.vc & 1); };
    r.links[n - 1].portB->TraceConnectWithoutContext("TlMessageReceived", MakeBoundCallback(collect, &vcIntoNode0));
    r.links[1].portB->TraceConnectWithoutContext("TlMessageReceived", MakeBoundCallback(collect, &vcIntoNode2));

    const uint32_t per = 150;
    Simulator::Schedule(MicroSeconds(1), [&] { AllToAllWrites(r, per); });
    Simulator::Stop(MilliSeconds(5));
    Simulator::Run();
    for (uint16_t s = 0; s < n; ++s)
    {
        CHECK(r.ep[s]->GetCompletedCount() == per * (n - 1));
        CHECK(r.ep[s]->GetFailedCount() == 0);
    }
    // Everything crossing 3 -> 0 is in class 1; on 1 -> 2 both: traffic that never crossed (class
    // 0) and traffic that came round the wrap and keeps class 1 (same routing group).
    CHECK(vcIntoNode0 == std::set<uint8_t>{1});
    CHECK(vcIntoNode2 == std::set<uint8_t>{0, 1});
    // Transit traffic was routed by the accelerators' port logic.
    CHECK(r.ep[1]->GetRouterStats().forwarded > per * (n - 1));
    Simulator::Destroy();
}

TEST_CASE("the same ring without the dateline VC change deadlocks (why the flag exists)", "[routing][direct]")
{
    test::UsePicoseconds();
    UalinkHelper h = TinyBufferHelper();
    Ring r = BuildRing(h, 4, false);
    Simulator::Schedule(MicroSeconds(1), [&] { AllToAllWrites(r, 150); });
    Simulator::Stop(MilliSeconds(5));
    Simulator::Run();
    uint64_t open = 0;
    uint64_t queued = 0;
    for (const auto& e : r.ep)
    {
        open += e->GetInFlightCount();
    }
    for (const auto& l : r.links)
    {
        queued += l.portA->GetQueuedMessages();
    }
    // Stuck for milliseconds with every output holding messages it has no credit for.
    CHECK(open > 0);
    CHECK(queued > 0);
    Simulator::Destroy();
}

TEST_CASE("routing groups: a message changing group restarts in VC class 0", "[routing][direct]")
{
    test::UsePicoseconds();
    UalinkHelper h;
    // A line 0 - 1 - 2 where the 1 -> 2 port is in another group (another torus dimension).
    auto e0 = h.CreateEndpoint(0);
    auto e1 = h.CreateEndpoint(1);
    auto e2 = h.CreateEndpoint(2);
    auto l01 = h.Connect(e0, e1);
    auto l12 = h.Connect(e1, e2);
    l12.portA->SetAttribute("RoutingGroup", UintegerValue(1));
    l12.portB->SetAttribute("RoutingGroup", UintegerValue(1));
    e0->SetRoute(2, {{0, true}}); // pretend 0 -> 1 crosses a dateline of dimension 0
    e0->SetRoute(1, {{0, false}});
    e1->SetRoute(2, {{1, false}});
    e1->SetRoute(0, {{0, false}});
    e2->SetRoute(0, {{0, false}});
    e2->SetRoute(1, {{0, false}});
    std::set<uint8_t> into1, into2;
    auto collect = +[](std::set<uint8_t>* s, const TlMessage& m) {
        if (m.kind == MessageKind::Request)
        {
            s->insert(m.vc & 1);
        }
    };
    l01.portB->TraceConnectWithoutContext("TlMessageReceived", MakeBoundCallback(collect, &into1));
    l12.portB->TraceConnectWithoutContext("TlMessageReceived", MakeBoundCallback(collect, &into2));
    Simulator::Schedule(MicroSeconds(1), [&] { e0->Read(2, 0, 64); });
    Simulator::Run();
    CHECK(into1 == std::set<uint8_t>{1}); // dateline hop
    CHECK(into2 == std::set<uint8_t>{0}); // new group: back to class 0
    CHECK(e0->GetCompletedCount() == 1);
    CHECK_THROWS_AS(e0->SetRoute(1, {{7, false}}), ParameterError); // no port 7
    Simulator::Destroy();
}

TEST_CASE("a controller can rewrite forwarding entries while traffic runs", "[routing]")
{
    test::UsePicoseconds();
    UalinkHelper h;
    h.SetLanes(1);
    auto pod = h.BuildSwitchedPod(2, 2);
    auto a = pod.endpoints[0];
    // Start with plane 0 only, switch to plane 1 only half-way.
    a->SetRoute(1, {{0, false}});
    Simulator::Schedule(MicroSeconds(1), [&] {
        for (uint32_t i = 0; i < 2000; ++i)
        {
            a->WriteFull(1, i * 256, 256);
        }
    });
    Simulator::Schedule(MicroSeconds(3), [&] { a->SetRoute(1, {{1, false}}); });
    Simulator::Schedule(MicroSeconds(4), [&] {
        for (uint32_t i = 0; i < 500; ++i)
        {
            a->WriteFull(1, (i + 4000) * 256, 256);
        }
    });
    Simulator::Run();
    CHECK(a->GetCompletedCount() == 2500);
    CHECK(a->GetPort(0)->GetStats().messagesSent == 2000);
    CHECK(a->GetPort(1)->GetStats().messagesSent == 500);
    Simulator::Destroy();
}
