// The parallel core: a toy fabric of nodes that draw from their own generators, run local events,
// message each other over "links" (delays >= the lookahead), are sampled by global events and report
// to a shared log through Defer. The log must be identical for every partitioning and thread count.

#include "ofab/foundation/kernel/parallel-simulator-impl.h"
#include "ofab/foundation/kernel/reusable-event.h"

#include "ofab/foundation/time-resolution.h"

#include "ns3/simulator.h"

#include <catch2/catch.hpp>

#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

using namespace ofab;

namespace
{

constexpr int64_t kLookahead = 1000; // ticks (ps)

/// A node's reusable event (counts its firings).
struct Ticker
{
    uint64_t fired = 0;
    void Tick() { ++fired; }
};
using TickEvent = ReusableEvent<Ticker, &Ticker::Tick>;

class ToyFabric
{
  public:
    explicit ToyFabric(uint32_t nodes)
        : m_state(nodes)
    {
        for (uint32_t i = 0; i < nodes; ++i)
        {
            m_state[i].rng = 0x9E3779B97F4A7C15ULL * (i + 1);
            m_state[i].tick = ns3::Create<TickEvent>(&m_state[i].ticker, i);
        }
    }

    std::vector<std::string> log;

    void Start()
    {
        for (uint32_t i = 0; i < m_state.size(); ++i)
        {
            ns3::Simulator::ScheduleWithContext(i, ns3::PicoSeconds(i % 3), &ToyFabric::Step, this, i);
        }
        ns3::Simulator::Schedule(ns3::NanoSeconds(3), &ToyFabric::Sample, this);
    }

  private:
    struct Node
    {
        uint64_t rng = 0;
        uint64_t value = 0;
        uint32_t steps = 0;
        ns3::EventId timer;
        Ticker ticker;
        ns3::Ptr<TickEvent> tick;
    };

    uint64_t Draw(uint32_t i)
    {
        uint64_t& x = m_state[i].rng;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        return x;
    }

    void Note(uint32_t i, const char* what)
    {
        const uint64_t v = m_state[i].value;
        const int64_t now = ns3::Simulator::Now().GetTimeStep();
        const uint32_t context = ns3::Simulator::GetContext();
        RunSerially([this, i, v, now, what, context] {
            std::ostringstream os;
            os << ns3::Simulator::Now().GetTimeStep() << " " << now << " " << context << " " << i << " " << what << " "
               << v;
            log.push_back(os.str());
        });
    }

    void Step(uint32_t i)
    {
        Node& n = m_state[i];
        const uint64_t r = Draw(i);
        n.value = n.value * 31 + (r % 1000) + n.ticker.fired;
        Note(i, "step");
        if (++n.steps > 60)
        {
            return;
        }
        // A local timer that a later step cancels half of the time (EventId in a node's context).
        if (!n.timer.IsExpired() && r % 2 == 0)
        {
            n.timer.Cancel();
        }
        n.timer = ns3::Simulator::Schedule(ns3::PicoSeconds(200 + r % 300), &ToyFabric::Timer, this, i);
        // Ties at one time from several origins: two messages to the same neighbour tick.
        const uint32_t a = (i + 1) % m_state.size();
        const uint32_t b = (i + 7) % m_state.size();
        const int64_t d = kLookahead + static_cast<int64_t>(r % 4) * 250;
        ns3::Simulator::ScheduleWithContext(a, ns3::PicoSeconds(d), &ToyFabric::Receive, this, a, r % 97);
        ns3::Simulator::ScheduleWithContext(b, ns3::PicoSeconds(d), &ToyFabric::Receive, this, b, r % 89);
        TickEvent::Schedule(n.tick, ns3::PicoSeconds(r % 50));
        ns3::Simulator::Schedule(ns3::PicoSeconds(500 + r % 2000), &ToyFabric::Step, this, i);
        if (r % 16 == 0)
        {
            // A node reports to a global element, a lookahead ahead.
            ns3::Simulator::ScheduleWithContext(ns3::Simulator::NO_CONTEXT, ns3::PicoSeconds(kLookahead),
                                                &ToyFabric::Report, this, i, n.value);
        }
    }

    void Timer(uint32_t i)
    {
        m_state[i].value ^= 0x55;
        Note(i, "timer");
    }

    void Receive(uint32_t i, uint64_t x)
    {
        m_state[i].value += x;
        Note(i, "receive");
    }

    void Report(uint32_t i, uint64_t v)
    {
        std::ostringstream os;
        os << ns3::Simulator::Now().GetTimeStep() << " global report " << i << " " << v;
        log.push_back(os.str());
    }

    void Sample()
    {
        // A global event reads every node between windows.
        uint64_t sum = 0;
        for (const Node& n : m_state)
        {
            sum += n.value;
        }
        std::ostringstream os;
        os << ns3::Simulator::Now().GetTimeStep() << " global sample " << sum;
        log.push_back(os.str());
        ns3::Simulator::Schedule(ns3::NanoSeconds(3), &ToyFabric::Sample, this);
    }

    std::vector<Node> m_state;
};

struct Outcome
{
    std::vector<std::string> log;
    uint64_t events = 0;
    uint64_t windows = 0;
};

Outcome
RunToy(uint32_t nodes, uint32_t partitions, uint32_t threads)
{
    ns3::Simulator::Destroy();
    SelectParallelSimulator();
    ParallelSimulatorImpl* core = ParallelSimulatorImpl::Current();
    REQUIRE(core != nullptr);
    std::vector<uint32_t> partitionOf(nodes);
    for (uint32_t i = 0; i < nodes; ++i)
    {
        partitionOf[i] = i * partitions / nodes;
    }
    core->SetPartitions(partitionOf, ns3::PicoSeconds(kLookahead));
    core->SetThreads(threads);
    ToyFabric toy(nodes);
    toy.Start();
    ns3::Simulator::Stop(ns3::NanoSeconds(40));
    ns3::Simulator::Run();
    Outcome o;
    o.log = toy.log;
    o.events = ns3::Simulator::GetEventCount();
    o.windows = core->GetWindowCount();
    ns3::Simulator::Destroy();
    return o;
}

} // namespace

TEST_CASE("parallel core: the same log for every partitioning and thread count", "[parallel]")
{
    EnsurePicosecondResolution();
    const Outcome reference = RunToy(24, 1, 1);
    // The toy does what it should: many steps, messages, cancelled timers, global samples and reports.
    REQUIRE(reference.log.size() > 2000);
    std::size_t receives = 0, timers = 0, samples = 0, reports = 0;
    for (const std::string& line : reference.log)
    {
        receives += line.find(" receive ") != std::string::npos;
        timers += line.find(" timer ") != std::string::npos;
        samples += line.find("global sample") != std::string::npos;
        reports += line.find("global report") != std::string::npos;
    }
    CHECK(receives > 1000);
    CHECK(timers > 100);
    CHECK(timers < 24 * 60); // some were cancelled
    CHECK(samples == 13);    // 3, 6, .. 39 ns
    CHECK(reports > 10);
    CHECK(reference.windows > 10);
    // Deferred calls see the deferring event's time and context.
    const std::string& first = reference.log.front();
    std::istringstream in(first);
    int64_t seen = -1, now = -2;
    in >> seen >> now;
    CHECK(seen == now);

    for (uint32_t partitions : {1u, 3u, 24u})
    {
        for (uint32_t threads : {1u, 2u, 4u})
        {
            INFO("partitions " << partitions << ", threads " << threads);
            const Outcome o = RunToy(24, partitions, threads);
            CHECK(o.events == reference.events);
            CHECK(o.windows == reference.windows);
            REQUIRE(o.log.size() == reference.log.size());
            CHECK(o.log == reference.log);
        }
    }
}

TEST_CASE("parallel core: without partitions, ns-3's order and semantics", "[parallel]")
{
    EnsurePicosecondResolution();
    ns3::Simulator::Destroy();
    SelectParallelSimulator();
    std::ostringstream log;
    auto note = [&log](const std::string& what) { log << ns3::Simulator::Now().GetTimeStep() << ":" << what << ";"; };
    ns3::EventId cancelled, removed;
    ns3::Simulator::Schedule(ns3::PicoSeconds(500), [&] { note("a"); });
    ns3::Simulator::Schedule(ns3::PicoSeconds(500), [&] { note("b"); });
    ns3::Simulator::Schedule(ns3::PicoSeconds(100), [&] {
        note("c");
        ns3::Simulator::Schedule(ns3::PicoSeconds(400), [&] { note("d"); });
        ns3::Simulator::ScheduleNow([&] { note("now"); });
        cancelled = ns3::Simulator::Schedule(ns3::NanoSeconds(3), [&] { note("x"); });
        removed = ns3::Simulator::Schedule(ns3::NanoSeconds(4), [&] { note("y"); });
        log << "left=" << ns3::Simulator::GetDelayLeft(removed).GetTimeStep() << ";";
    });
    ns3::Simulator::Schedule(ns3::NanoSeconds(2), [&] {
        ns3::Simulator::Cancel(cancelled);
        ns3::Simulator::Remove(removed);
        log << "expired=" << cancelled.IsExpired() << removed.IsExpired() << ";";
    });
    ns3::EventId ran = ns3::Simulator::Schedule(ns3::NanoSeconds(1), [&] { note("r"); });
    ns3::Simulator::Schedule(ns3::NanoSeconds(1), [&] { log << "ran=" << ran.IsExpired() << ";"; });
    ns3::Simulator::Schedule(ns3::MicroSeconds(40), [&] { note("late"); });
    ns3::Simulator::ScheduleDestroy([&] { note("destroy"); });
    ns3::Simulator::Stop(ns3::MicroSeconds(30));
    ns3::Simulator::Run();
    log << "events=" << ns3::Simulator::GetEventCount() << ";";
    ns3::Simulator::Destroy();
    CHECK(log.str() == "100:c;left=4000;100:now;500:a;500:b;500:d;1000:r;ran=1;expired=11;events=10;"
                       "30000000:destroy;");
}

TEST_CASE("parallel core: an exception in a node event reaches Run's caller", "[parallel]")
{
    EnsurePicosecondResolution();
    ns3::Simulator::Destroy();
    SelectParallelSimulator();
    ParallelSimulatorImpl* core = ParallelSimulatorImpl::Current();
    core->SetPartitions({0, 1, 2, 3}, ns3::PicoSeconds(kLookahead));
    core->SetThreads(2);
    int ran = 0;
    for (uint32_t i = 0; i < 4; ++i)
    {
        ns3::Simulator::ScheduleWithContext(i, ns3::NanoSeconds(1 + i), [&ran, i] {
            ++ran;
            if (i == 2)
            {
                throw std::runtime_error("bad parameter in node 2");
            }
        });
    }
    CHECK_THROWS_WITH(ns3::Simulator::Run(), "bad parameter in node 2");
    CHECK(ran >= 3);
    ns3::Simulator::Destroy();
}
