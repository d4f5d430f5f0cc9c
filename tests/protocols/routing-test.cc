// Forwarding: planes spread by 256 B region, direct topologies with the dateline VC rule, and
// tables rewritten while traffic runs.

#include "protocol-test-util.h"

#include "ofab/foundation/parameter-error.h"
#include "ofab/topologies/channel-dependency.h"

#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <string>
#include <vector>

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

namespace
{

/// The channel dependency graph (Dally and Seitz) of every route the ring's tables give: a
/// channel is (link, VC class); each route adds an edge from each of its channels to the next. The
/// VC class follows the documented rule (protocols/README.md, "Router mode"): class 0 at injection,
/// class 1 from a choice flagged crossesDateline on (one routing group, so nothing resets it).
topo::ChannelDependencyGraph
RingRoutesGraph(const Ring& r)
{
    const auto n = static_cast<uint32_t>(r.ep.size());
    topo::ChannelDependencyGraph g;
    for (uint32_t src = 0; src < n; ++src)
    {
        for (uint32_t dst = 0; dst < n; ++dst)
        {
            if (dst == src)
            {
                continue;
            }
            std::vector<topo::Channel> route;
            uint8_t vc = 0;
            for (uint32_t node = src; node != dst && route.size() <= n;)
            {
                const auto entry = r.ep[node]->GetRoute(static_cast<uint16_t>(dst));
                REQUIRE(entry.size() == 1);
                REQUIRE(entry[0].port == r.links[node].portA->GetIndex()); // link `node` leaves node
                vc = entry[0].crossesDateline ? 1 : vc;
                route.push_back(topo::Channel{node, node, vc});
                node = (node + 1) % n;
            }
            g.AddRoute(route);
        }
    }
    return g;
}

/// The channels messages actually took, with the VC each arrived on: every message's hops in order.
struct ObservedRoutes
{
    std::map<std::pair<uint64_t, bool>, std::vector<topo::Channel>> hops; ///< (txn id, request?) -> hops

    void Attach(Ring& r)
    {
        for (uint32_t i = 0; i < r.links.size(); ++i)
        {
            r.links[i].portB->TraceConnectWithoutContext("TlMessageReceived",
                                                         MakeBoundCallback(&ObservedRoutes::On, this, i));
        }
    }
    static void On(ObservedRoutes* self, uint32_t link, const TlMessage& m)
    {
        self->hops[{m.txnId, m.kind == MessageKind::Request}].push_back(
            topo::Channel{link, link, static_cast<uint8_t>(m.vc & 1)});
    }
    topo::ChannelDependencyGraph Graph() const
    {
        topo::ChannelDependencyGraph g;
        for (const auto& [key, route] : hops)
        {
            g.AddRoute(route);
        }
        return g;
    }
};

/// A stalled ring is deadlocked on its credit loop when every link waits for the next one: link i
/// (node i -> i+1) holds queued messages without the credits to send them, because node i+1's
/// buffers behind it are full of messages queued for link i+1; and no credit is missing (credits
/// the sender holds + buffers the receiver fills = the buffer size, for every class of VC class 0).
/// A receiver that lost or withheld credits fails the last condition; a link that is merely slow
/// fails the first.
bool
EveryLinkWaitsForTheNext(const Ring& r, std::string& why)
{
    const std::size_t n = r.links.size();
    for (std::size_t i = 0; i < n; ++i)
    {
        const auto& tx = r.links[i].portA->GetTxCredits();
        const auto& rx = r.links[i].portB->GetRxBuffers();
        for (CreditClass c : {CreditClass::RequestCommand, CreditClass::ResponseCommand, CreditClass::RequestData,
                              CreditClass::ResponseData})
        {
            if (tx.Available(0, c) + rx.Occupied(0, c) != rx.Sizes().Of(c))
            {
                why = "link " + std::to_string(i) + ": credits missing in class " + std::to_string(int(c));
                return false;
            }
        }
        // A 256 B write needs 1 command and 4 data credits: its sender has fewer of one.
        const bool starved =
            tx.Available(0, CreditClass::RequestCommand) == 0 || tx.Available(0, CreditClass::RequestData) < 4;
        if (r.links[i].portA->GetQueuedMessages() == 0 || !starved)
        {
            why = "link " + std::to_string(i) + " is not waiting for credits";
            return false;
        }
        // What fills node i+1's buffers waits on node i+1's only output: link i+1.
        if (rx.Occupied(0, CreditClass::RequestCommand) == 0 || r.links[(i + 1) % n].portA->GetQueuedMessages() == 0)
        {
            why = "link " + std::to_string(i) + "'s receiver holds nothing waiting for the next link";
            return false;
        }
    }
    return true;
}

} // namespace

TEST_CASE("the same ring without the dateline VC change deadlocks: its routes close a channel dependency cycle",
          "[routing][direct]")
{
    test::UsePicoseconds();
    const uint16_t n = 4;

    SECTION("the routes alone: a cycle through the four links on class 0 without the dateline, none with it")
    {
        UalinkHelper h = TinyBufferHelper();
        Ring plain = BuildRing(h, n, false);
        const auto cycle = RingRoutesGraph(plain).FindCycle();
        REQUIRE(cycle.size() == n);
        std::set<uint32_t> links;
        for (const auto& c : cycle)
        {
            CHECK(c.vc == 0);
            links.insert(c.link);
        }
        CHECK(links == std::set<uint32_t>{0, 1, 2, 3});

        Ring dateline = BuildRing(h, n, true);
        CHECK(RingRoutesGraph(dateline).FindCycle().empty());
        Simulator::Destroy();
    }

    SECTION("run without it: the channels messages took close the cycle and the stall is that credit loop")
    {
        UalinkHelper h = TinyBufferHelper();
        Ring r = BuildRing(h, n, false);
        ObservedRoutes seen;
        seen.Attach(r);
        Simulator::Schedule(MicroSeconds(1), [&] { AllToAllWrites(r, 150); });
        Simulator::Stop(MilliSeconds(5));
        Simulator::Run();
        uint64_t open = 0;
        for (const auto& e : r.ep)
        {
            open += e->GetInFlightCount();
            CHECK(e->GetFailedCount() == 0); // stuck, not failed: the completion timeout is 10 ms
        }
        CHECK(open > 0);
        // The channels messages took, and the ones the stuck ones wait to take: a message holding
        // node i+1's buffers arrived over link i and waits for link i+1, node i+1's only output.
        // (Which pairs were crossed before the ring locked depends on the arbitration order.)
        topo::ChannelDependencyGraph waits = seen.Graph();
        for (uint32_t i = 0; i < n; ++i)
        {
            if (r.links[i].portB->GetRxBuffers().Occupied(0, CreditClass::RequestCommand) > 0)
            {
                waits.AddRoute({topo::Channel{i, i, 0}, topo::Channel{(i + 1) % n, (i + 1) % n, 0}});
            }
        }
        CHECK(waits.FindCycle().size() == n);
        std::string why;
        const bool loop = EveryLinkWaitsForTheNext(r, why);
        INFO(why);
        CHECK(loop);
        for (const auto& l : r.links)
        {
            CHECK(l.portA->GetStats().bufferOverflows == 0);
        }
        Simulator::Destroy();
    }

    SECTION("run with it: the channels messages took have no cycle, and a withheld credit is told apart")
    {
        UalinkHelper h = TinyBufferHelper();
        Ring r = BuildRing(h, n, true);
        ObservedRoutes seen;
        seen.Attach(r);
        // Node 2 stops returning credits on link 1 -> 2 for good: that link stalls with free buffers
        // behind it, a stall that is no credit loop.
        Simulator::Schedule(MicroSeconds(3), [&] { r.links[1].portB->SetCreditReturnPaused(true); });
        Simulator::Schedule(MicroSeconds(1), [&] { AllToAllWrites(r, 150); });
        Simulator::Stop(MilliSeconds(5));
        Simulator::Run();
        CHECK(seen.Graph().FindCycle().empty());
        uint64_t open = 0;
        for (const auto& e : r.ep)
        {
            open += e->GetInFlightCount();
        }
        CHECK(open > 0); // stalled too
        std::string why;
        const bool loop = EveryLinkWaitsForTheNext(r, why);
        INFO(why);
        CHECK_FALSE(loop);
        const auto& tx = r.links[1].portA->GetTxCredits();
        const auto& rx = r.links[1].portB->GetRxBuffers();
        CHECK(tx.Available(0, CreditClass::RequestCommand) + rx.Occupied(0, CreditClass::RequestCommand) <
              rx.Sizes().Of(CreditClass::RequestCommand));
        Simulator::Destroy();
    }
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
