// The fabric simulator core behaves like ns-3's default one: the same script of schedules, ties,
// cancels, removals, stops and destroy events gives the same log on both.

#include "ofab/foundation/kernel/fabric-simulator-impl.h"
#include "ofab/foundation/kernel/reusable-event.h"

#include "ofab/foundation/time-resolution.h"

#include "ns3/global-value.h"
#include "ns3/simulator.h"
#include "ns3/string.h"

#include <catch2/catch.hpp>

#include <sstream>
#include <string>

using namespace ofab;

namespace
{

/// Records what ran, when, and what the core reported about pending events.
class Script
{
  public:
    std::ostringstream log;

    void Note(const std::string& what) { log << ns3::Simulator::Now().GetTimeStep() << ":" << what << ";"; }

    void Tick() { Note("tick" + std::to_string(++m_ticks)); }

    void Run()
    {
        // Ties at one time stamp run in scheduling order, also when scheduled from an event.
        ns3::Simulator::Schedule(ns3::PicoSeconds(500), &Script::Note, this, std::string("a"));
        ns3::Simulator::Schedule(ns3::PicoSeconds(500), &Script::Note, this, std::string("b"));
        ns3::Simulator::Schedule(ns3::PicoSeconds(100), [this] {
            Note("c");
            ns3::Simulator::Schedule(ns3::PicoSeconds(400), &Script::Note, this, std::string("d"));
            ns3::Simulator::ScheduleNow(&Script::Note, this, std::string("now"));
            m_cancelled = ns3::Simulator::Schedule(ns3::NanoSeconds(3), &Script::Note, this, std::string("x"));
            m_removed = ns3::Simulator::Schedule(ns3::NanoSeconds(4), &Script::Note, this, std::string("y"));
            log << "left=" << ns3::Simulator::GetDelayLeft(m_removed).GetTimeStep() << ";";
        });
        ns3::Simulator::Schedule(ns3::NanoSeconds(2), [this] {
            ns3::Simulator::Cancel(m_cancelled);
            ns3::Simulator::Remove(m_removed);
            log << "expired=" << m_cancelled.IsExpired() << m_removed.IsExpired() << ";";
        });
        // A reusable event object, scheduled again from its own firing, interleaved with the rest.
        m_reusable = ns3::Create<ReusableEvent<Script, &Script::Tick>>(this);
        ReusableEvent<Script, &Script::Tick>::Schedule(m_reusable, ns3::PicoSeconds(500));
        ns3::Simulator::Schedule(ns3::PicoSeconds(1500), [this] {
            ReusableEvent<Script, &Script::Tick>::Schedule(m_reusable, ns3::PicoSeconds(0));
            Note("after-reusable");
        });
        // A far event (beyond the bucket ring), one cut off by Stop, and a destroy event.
        ns3::Simulator::Schedule(ns3::MicroSeconds(20), &Script::Note, this, std::string("far"));
        ns3::Simulator::Schedule(ns3::MicroSeconds(40), &Script::Note, this, std::string("late"));
        ns3::Simulator::ScheduleDestroy(&Script::Note, this, std::string("destroy"));
        ns3::Simulator::Stop(ns3::MicroSeconds(30));
        ns3::Simulator::Run();
        log << "events=" << ns3::Simulator::GetEventCount() << ";";
        ns3::Simulator::Destroy();
    }

  private:
    int m_ticks = 0;
    ns3::EventId m_cancelled;
    ns3::EventId m_removed;
    ns3::Ptr<ReusableEvent<Script, &Script::Tick>> m_reusable;
};

std::string
RunOn(const std::string& core, bool bucketQueue)
{
    ns3::Simulator::Destroy();
    ns3::GlobalValue::Bind("SimulatorImplementationType", ns3::StringValue(core));
    if (bucketQueue)
    {
        ns3::ObjectFactory f;
        f.SetTypeId(BucketScheduler::GetTypeId());
        ns3::Simulator::SetScheduler(f);
    }
    ns3::Simulator::Now(); // the core is created on first use, from the setting above
    const bool fabric = FabricSimulatorImpl::Current() != nullptr;
    ns3::GlobalValue::Bind("SimulatorImplementationType", ns3::StringValue("ns3::DefaultSimulatorImpl"));
    Script s;
    s.Run();
    return (fabric ? "fabric|" : "default|") + s.log.str();
}

} // namespace

TEST_CASE("fabric simulator core: same log as ns-3's default core", "[scheduler]")
{
    EnsurePicosecondResolution();
    FabricSimulatorImpl::GetTypeId();
    const std::string reference = RunOn("ns3::DefaultSimulatorImpl", false);
    const std::string fabric = RunOn("ofab::FabricSimulatorImpl", true);
    const std::string fabricMap = RunOn("ofab::FabricSimulatorImpl", false);
    REQUIRE(reference.rfind("default|", 0) == 0);
    REQUIRE(fabric.rfind("fabric|", 0) == 0);
    INFO(reference);
    CHECK(fabric.substr(7) == reference.substr(8));
    CHECK(fabricMap.substr(7) == reference.substr(8));
    // The script's own expectations, so that a log both cores got wrong the same way still fails.
    CHECK(reference.find("100:c;left=4000;100:now;") != std::string::npos);
    CHECK(reference.find("500:a;500:b;500:tick1;500:d;") != std::string::npos);
    CHECK(reference.find("1500:after-reusable;1500:tick2;") != std::string::npos);
    CHECK(reference.find("expired=11;") != std::string::npos);
    CHECK(reference.find(":x;") == std::string::npos);
    CHECK(reference.find(":y;") == std::string::npos);
    CHECK(reference.find("20000000:far;") != std::string::npos);
    CHECK(reference.find("late") == std::string::npos);
    CHECK(reference.find("destroy") != std::string::npos);
    CHECK(FabricSimulatorImpl::Current() == nullptr); // the next simulation is on ns-3's default core again
    ns3::Simulator::Destroy();
}
