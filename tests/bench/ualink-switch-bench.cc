// Micro-benchmark (not a test): DL-flit-hops per wall-clock second on a small switched pod.
//
//   ofab-bench-ualink-switch [accelerators=8] [planes=1] [simulated_us=200] [outstanding=128] [scheduler]
//
// scheduler: an ns-3 scheduler TypeId name. Default ns3::PriorityQueueScheduler, the fastest here
// (~20 % above ns-3's own default, ns3::MapScheduler, which allocates a tree node per event).
//
// Every accelerator keeps `outstanding` transactions open to random other accelerators (a mix of
// 256 B WriteFull and 256 B Read, closed loop), so every link runs near saturation in both
// directions. A DL-flit-hop is one DL flit transmitted on one link (new, replayed or control).

#include "ofab/protocols/helper/ualink-helper.h"

#include "ofab/foundation/time-resolution.h"

#include "ns3/object-factory.h"
#include "ns3/simulator.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

using namespace ofab;
using namespace ns3;

namespace
{

struct Generator
{
    Ptr<AcceleratorEndpoint> ep;
    uint32_t accelerators = 0;
    uint64_t state = 0;
    uint64_t next = 0;

    uint64_t Rand()
    {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL; // LCG: deterministic
        return state >> 33;
    }

    void IssueOne()
    {
        uint16_t dst = static_cast<uint16_t>(Rand() % (accelerators - 1));
        if (dst >= ep->GetAcceleratorId())
        {
            ++dst;
        }
        const uint64_t address = (next++ % (1 << 20)) * 256;
        if (Rand() % 2 == 0)
        {
            ep->WriteFull(dst, address, 256);
        }
        else
        {
            ep->Read(dst, address, 256);
        }
    }
};

void
OnDone(Generator* g, const TransactionRecord&)
{
    g->IssueOne();
}

} // namespace

int
main(int argc, char* argv[])
{
    EnsurePicosecondResolution();
    const uint32_t accelerators = argc > 1 ? std::atoi(argv[1]) : 8;
    const uint32_t planes = argc > 2 ? std::atoi(argv[2]) : 1;
    const double simulatedUs = argc > 3 ? std::atof(argv[3]) : 200.0;
    const uint32_t outstanding = argc > 4 ? std::atoi(argv[4]) : 128;
    const std::string scheduler = argc > 5 ? argv[5] : "ns3::PriorityQueueScheduler";
    ObjectFactory schedulerFactory;
    schedulerFactory.SetTypeId(scheduler);
    Simulator::SetScheduler(schedulerFactory);

    UalinkHelper h;
    h.SetLanes(4);
    UalinkHelper::Pod pod = h.BuildSwitchedPod(accelerators, planes);
    h.AssignStreams(1);

    std::vector<Generator> gens(accelerators);
    for (uint32_t i = 0; i < accelerators; ++i)
    {
        gens[i].ep = pod.endpoints[i];
        gens[i].accelerators = accelerators;
        gens[i].state = 12345 + i;
        pod.endpoints[i]->TraceConnectWithoutContext("TransactionCompleted", MakeBoundCallback(&OnDone, &gens[i]));
    }
    Simulator::Schedule(MicroSeconds(1), [&] {
        for (auto& g : gens)
        {
            for (uint32_t k = 0; k < outstanding; ++k)
            {
                g.IssueOne();
            }
        }
    });
    Simulator::Stop(MicroSeconds(simulatedUs));

    const auto t0 = std::chrono::steady_clock::now();
    const std::clock_t c0 = std::clock();
    Simulator::Run();
    const std::clock_t c1 = std::clock();
    const auto t1 = std::chrono::steady_clock::now();
    const double wall = std::chrono::duration<double>(t1 - t0).count();
    const double cpu = static_cast<double>(c1 - c0) / CLOCKS_PER_SEC;

    uint64_t hops = 0;
    uint64_t dataFlits = 0;
    uint64_t payload = 0;
    for (const auto& l : pod.links)
    {
        for (const auto& p : {l.portA, l.portB})
        {
            const auto& s = p->GetStats();
            hops += s.flitsSent + s.flitsReplayed + s.controlFlitsSent;
            dataFlits += s.flitsSent;
            payload += s.payloadBytesReceived;
        }
    }
    uint64_t completed = 0;
    for (const auto& e : pod.endpoints)
    {
        completed += e->GetCompletedCount();
    }
    const double linkSeconds = pod.links.size() * 2 * (simulatedUs - 1) * 1e-6;
    std::printf("pod: %u accelerators, %u plane(s), x4 links, %.0f us simulated, %u outstanding each, %s\n",
                accelerators, planes, simulatedUs, outstanding, scheduler.c_str());
    std::printf("DL flit-hops: %llu (%llu sequenced new) in %.3f s wall\n", static_cast<unsigned long long>(hops),
                static_cast<unsigned long long>(dataFlits), wall);
    std::printf("transactions completed: %llu; mean link goodput %.1f Gb/s per direction\n",
                static_cast<unsigned long long>(completed), payload * 8.0 / linkSeconds / 1e9);
    std::printf("events executed: %llu (%.2f per flit-hop)\n",
                static_cast<unsigned long long>(Simulator::GetEventCount()),
                static_cast<double>(Simulator::GetEventCount()) / hops);
    // On a shared machine the wall figure drops when other processes hold the core; CPU time shows
    // what the model itself costs.
    std::printf("RESULT flit-hops per wall second: %.3g (per CPU second: %.3g)\n", hops / wall, hops / cpu);
    Simulator::Destroy();
    return 0;
}
