// A channel through an optical circuit switch: an open circuit is NoCircuit on both directions, with
// the same signals and epochs as a cut, and independent of cuts.

#include "ofab/photonics/helper/photonic-link-helper.h"
#include "ofab/photonics/model/optical-channel.h"

#include "ns3/nstime.h"
#include "ns3/simulator.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

using namespace ofab;
using ns3::NanoSeconds;
using State = OpticalChannel::DirectionState;

namespace
{
/// Every LossOfSignal / SignalRestored (receiving end) and every signal callback of both ends.
struct Signals
{
    std::vector<uint8_t> lost;
    std::vector<uint8_t> restored;
    std::vector<bool> end0;
    std::vector<bool> end1;

    void Attach(const ns3::Ptr<OpticalChannel>& ch)
    {
        ch->TraceConnectWithoutContext("LossOfSignal",
                                       ns3::Callback<void, uint8_t>([this](uint8_t e) { lost.push_back(e); }));
        ch->TraceConnectWithoutContext("SignalRestored",
                                       ns3::Callback<void, uint8_t>([this](uint8_t e) { restored.push_back(e); }));
        ch->SetSignalCallback(0, ns3::Callback<void, bool>([this](bool up) { end0.push_back(up); }));
        ch->SetSignalCallback(1, ns3::Callback<void, bool>([this](bool up) { end1.push_back(up); }));
    }
};
} // namespace

TEST_CASE("an open circuit: loss of signal on both ends once, frames in flight lost, light back on connect",
          "[channel][circuit]")
{
    PhotonicLinkHelper helper;
    auto ch = helper.Install(helper.CreateLaserSource(), helper.CreateLaserSource());
    Signals log;
    log.Attach(ch);
    CHECK(ch->IsCircuitConnected()); // the default: a plain fibre pair
    REQUIRE(ch->IsUp(0));
    REQUIRE(ch->IsUp(1));

    // Frames leave both ends at 0 ns and would arrive at ~116 ns; the circuit opens at 5 ns (twice:
    // the second call changes nothing) and closes at 50 ns; frames sent at 60 ns arrive.
    std::vector<std::string> delivered;
    std::vector<bool> sentWhileOpen;
    auto send = [&](uint8_t end, std::string name) {
        const auto t = ch->Transmit(end, 640);
        REQUIRE(t.sent);
        ns3::Simulator::Schedule(t.arrivalDelay, [&, end, t, name]() {
            if (ch->IsDelivered(end, t.epoch))
            {
                delivered.push_back(name);
            }
        });
    };
    ns3::Simulator::Schedule(NanoSeconds(0), [&]() {
        send(0, "a0");
        send(1, "a1");
    });
    ns3::Simulator::Schedule(NanoSeconds(5), [&]() {
        ch->SetCircuitConnected(false);
        ch->SetCircuitConnected(false);
    });
    ns3::Simulator::Schedule(NanoSeconds(7), [&]() {
        CHECK_FALSE(ch->IsCircuitConnected());
        CHECK(ch->GetState(0) == State::NoCircuit);
        CHECK(ch->GetState(1) == State::NoCircuit);
        CHECK_FALSE(ch->IsUp(0));
        sentWhileOpen.push_back(ch->Transmit(0, 640).sent);
        sentWhileOpen.push_back(ch->Transmit(1, 640).sent);
    });
    ns3::Simulator::Schedule(NanoSeconds(50), [&]() { ch->SetCircuitConnected(true); });
    ns3::Simulator::Schedule(NanoSeconds(60), [&]() {
        send(0, "b0");
        send(1, "b1");
    });
    ns3::Simulator::Run();

    CHECK(sentWhileOpen == std::vector<bool>{false, false});
    CHECK(delivered == std::vector<std::string>{"b0", "b1"});
    CHECK(log.lost == std::vector<uint8_t>{1, 0}); // direction 0 reaches end 1, direction 1 end 0
    CHECK(log.restored == std::vector<uint8_t>{1, 0});
    CHECK(log.end0 == std::vector<bool>{false, true});
    CHECK(log.end1 == std::vector<bool>{false, true});
    CHECK(ch->GetEpoch(0) == 1);
    CHECK(ch->GetEpoch(1) == 1);
    CHECK(ch->IsUp(0));
    CHECK(ch->IsUp(1));
    CHECK(std::string(ToString(State::NoCircuit)) == "NoCircuit");
    ns3::Simulator::Destroy();
}

TEST_CASE("a cut and an open circuit: the light comes back only when both are undone", "[channel][circuit]")
{
    PhotonicLinkHelper helper;
    auto ch = helper.Install(helper.CreateLaserSource(), helper.CreateLaserSource());
    Signals log;
    log.Attach(ch);

    SECTION("cut, open, restore, connect")
    {
        ch->Cut();
        CHECK(log.lost == std::vector<uint8_t>{1, 0});
        ch->SetCircuitConnected(false);
        CHECK(ch->GetState(0) == State::Cut); // the cut is named first
        ch->Restore();                        // the fibre is mended but no circuit joins the ends
        CHECK(ch->GetState(0) == State::NoCircuit);
        CHECK(ch->GetState(1) == State::NoCircuit);
        CHECK(log.restored.empty());
        ch->SetCircuitConnected(true);
    }
    SECTION("open, cut, connect, restore")
    {
        ch->SetCircuitConnected(false);
        CHECK(log.lost == std::vector<uint8_t>{1, 0});
        ch->Cut();
        CHECK(ch->GetState(0) == State::Cut);
        ch->SetCircuitConnected(true); // the circuit is back but the fibre is still cut
        CHECK(ch->GetState(0) == State::Cut);
        CHECK(ch->GetState(1) == State::Cut);
        CHECK(log.restored.empty());
        ch->Restore();
    }
    SECTION("a one-direction cut with the circuit open")
    {
        ch->SetCircuitConnected(false);
        ch->CutDirection(0);
        ch->SetCircuitConnected(true);
        CHECK(ch->GetState(0) == State::Cut);
        CHECK(ch->IsUp(1));
        CHECK(log.restored == std::vector<uint8_t>{0}); // only direction 1 (received at end 0)
        ch->RestoreDirection(0);
        CHECK(log.restored == std::vector<uint8_t>{0, 1});
        log.restored = {1, 0}; // the same end result as the other sections, for the shared checks
    }
    // One loss of signal per direction however many causes stacked up, one restore when all are gone,
    // and one epoch step per loss.
    CHECK(ch->IsUp(0));
    CHECK(ch->IsUp(1));
    CHECK(log.lost == std::vector<uint8_t>{1, 0});
    CHECK(log.restored == std::vector<uint8_t>{1, 0});
    CHECK(log.end0 == std::vector<bool>{false, true});
    CHECK(log.end1 == std::vector<bool>{false, true});
    CHECK(ch->GetEpoch(0) == 1);
    CHECK(ch->GetEpoch(1) == 1);
    ns3::Simulator::Destroy();
}

TEST_CASE("connecting a circuit whose lasers are dead leaves that direction Dark", "[channel][circuit]")
{
    PhotonicLinkHelper helper;
    auto srcA = helper.CreateLaserSource();
    auto ch = helper.Install(srcA, helper.CreateLaserSource());
    Signals log;
    log.Attach(ch);

    ch->SetCircuitConnected(false);
    srcA->FailAll(); // direction 0 has no usable line; while the circuit is open it stays NoCircuit
    CHECK(ch->GetState(0) == State::NoCircuit);
    CHECK(log.lost == std::vector<uint8_t>{1, 0});

    ch->SetCircuitConnected(true);
    CHECK(ch->GetState(0) == State::Dark);
    CHECK(ch->IsUp(1));
    CHECK(log.restored == std::vector<uint8_t>{0}); // only the light reaching end 0 came back
    CHECK(log.end1 == std::vector<bool>{false});

    srcA->RestoreAll();
    CHECK(ch->IsUp(0));
    CHECK(log.restored == std::vector<uint8_t>{0, 1});
    CHECK(ch->GetEpoch(0) == 1);
    ns3::Simulator::Destroy();
}

TEST_CASE("a channel wired up while its circuit is open starts NoCircuit, silently", "[channel][circuit]")
{
    PhotonicLinkHelper helper;
    auto ch = ns3::CreateObject<OpticalChannel>();
    Signals log;
    log.Attach(ch);
    ch->SetCircuitConnected(false);
    ch->Connect(helper.CreateLink(helper.CreateLaserSource()), helper.CreateLink(helper.CreateLaserSource()));
    CHECK(ch->GetState(0) == State::NoCircuit);
    CHECK(ch->GetState(1) == State::NoCircuit);
    CHECK(log.lost.empty());
    ch->SetCircuitConnected(true);
    CHECK(ch->IsUp(0));
    CHECK(log.restored == std::vector<uint8_t>{1, 0});
    ns3::Simulator::Destroy();
}
