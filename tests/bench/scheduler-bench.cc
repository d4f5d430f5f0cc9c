// ofab-bench-scheduler: events per wall second of the bare ns-3 scheduler, the ceiling that ofab
// compares its own events/s against.
//
// --pending K chains of self-rescheduling events are started at time 0; each event does nothing
// but reschedule itself --delayNs later, until --events events have run in total. With K = 1
// exactly one event is pending at any time; with K = 1000 the scheduler holds 1000.
// wall_s covers Simulator::Run() only.
#include "ns3/command-line.h"
#include "ns3/nstime.h"
#include "ns3/object-factory.h"
#include "ns3/simulator.h"

#include <chrono>
#include <cstdint>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>

using namespace ns3;

namespace
{

uint64_t g_toSchedule = 0; // events still to be scheduled
Time g_delay;

void
Tick()
{
    if (g_toSchedule > 0)
    {
        --g_toSchedule;
        Simulator::Schedule(g_delay, &Tick);
    }
}

} // namespace

int
main(int argc, char* argv[])
{
    uint64_t events = 5000000;
    uint32_t pending = 1;
    uint32_t delayNs = 1;
    std::string scheduler = "ns3::MapScheduler";
    std::string jsonPath;

    CommandLine cmd(__FILE__);
    cmd.AddValue("events", "total number of events to run", events);
    cmd.AddValue("pending", "number of events pending in the scheduler at any time", pending);
    cmd.AddValue("delayNs", "delay of each reschedule (ns)", delayNs);
    cmd.AddValue("scheduler",
                 "scheduler TypeId (ns3::MapScheduler is ns-3's default; also "
                 "ns3::HeapScheduler, ns3::CalendarScheduler, ns3::ListScheduler)",
                 scheduler);
    cmd.AddValue("json", "also write the JSON result to this path", jsonPath);
    cmd.Parse(argc, argv);

    if (pending == 0 || events < pending || delayNs == 0)
    {
        std::cerr << "ofab-bench-scheduler: need pending >= 1, events >= pending, delayNs >= 1\n";
        return 2;
    }

    ObjectFactory factory;
    factory.SetTypeId(scheduler);
    Simulator::SetScheduler(factory);

    g_delay = NanoSeconds(delayNs);
    g_toSchedule = events - pending;
    for (uint32_t i = 0; i < pending; ++i)
    {
        Simulator::Schedule(g_delay, &Tick);
    }

    const uint64_t eventsBefore = Simulator::GetEventCount();
    const auto start = std::chrono::steady_clock::now();
    Simulator::Run();
    const auto end = std::chrono::steady_clock::now();
    const uint64_t ran = Simulator::GetEventCount() - eventsBefore;
    Simulator::Destroy();
    const double wall = std::chrono::duration<double>(end - start).count();

    std::ostringstream json;
    json << std::setprecision(6);
    json << "{\"program\":\"ofab-bench-scheduler\",\"scheduler\":\"" << scheduler << "\",\"pending\":" << pending
         << ",\"delay_ns\":" << delayNs << ",\"events\":" << ran << ",\"wall_s\":" << wall
         << ",\"events_per_s\":" << (wall > 0 ? ran / wall : 0.0) << "}";
    std::cout << json.str() << std::endl;
    if (!jsonPath.empty())
    {
        std::ofstream out(jsonPath);
        out << json.str() << "\n";
        if (!out)
        {
            std::cerr << "ofab-bench-scheduler: cannot write " << jsonPath << "\n";
            return 1;
        }
    }
    return 0;
}
