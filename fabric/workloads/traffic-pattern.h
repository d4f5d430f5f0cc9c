#ifndef OFAB_FABRIC_WORKLOADS_TRAFFIC_PATTERN_H
#define OFAB_FABRIC_WORKLOADS_TRAFFIC_PATTERN_H

#include "ofab/fabric/workloads/workload.h"
#include "ofab/foundation/kernel/fabric-simulator-impl.h"
#include "ofab/foundation/kernel/parallel-simulator-impl.h"

#include "ns3/event-id.h"
#include "ns3/event-impl.h"
#include "ns3/ptr.h"
#include "ns3/random-variable-stream.h"
#include "ns3/traced-callback.h"

#include <cstdint>
#include <vector>

namespace ofab
{

/**
 * Open-loop synthetic traffic: every accelerator issues transactions of Bytes at Load x its
 * injection rate (payload bytes; for reads the requested bytes; the rate of one port, or of all its
 * ports, by LoadReference), with Poisson or Bernoulli
 * arrivals, to destinations picked by Pattern:
 *   uniform     uniformly among the other accelerators;
 *   permutation a fixed random derangement drawn from the workload's stream at Start;
 *   transpose   N = k x k accelerators, (x, y) -> (y, x) with id = x k + y; (x, x) sends nothing;
 *   hotspot     HotspotFraction of the traffic to HotspotNode, the rest uniformly among the
 *               others (the hotspot node itself sends uniformly);
 *   all_to_all  MoE dispatch: each source cycles through every other accelerator in turn,
 *               starting with src + 1.
 * Bernoulli arrivals: time is cut into slots of one message time (Bytes x 8 / injection rate) and
 * a message leaves in a slot with probability Load; the gap to the next sending slot is drawn
 * directly (geometric), so the cost is one event per issued transaction, as for Poisson.
 *
 * Addresses: the k-th message from src to dst goes to src x 1 GiB + (k x 256 mod 1 GiB) in dst's
 * memory, at the start of a 256 B region, so a message never crosses a 256 B boundary and
 * consecutive messages never queue behind each other on the same-region ordering rule.
 */
class TrafficPattern : public Workload
{
  public:
    enum Pattern
    {
        UNIFORM,
        PERMUTATION,
        TRANSPOSE,
        HOTSPOT,
        ALL_TO_ALL,
    };
    enum Arrival
    {
        POISSON,
        BERNOULLI,
    };
    enum LoadReference
    {
        ONE_PORT,  ///< Load is a fraction of one port's rate: the injection channel, as BookSim counts it
        ALL_PORTS, ///< Load is a fraction of the sum of the accelerator's ports
    };

    static ns3::TypeId GetTypeId();
    TrafficPattern();

    void Validate() const override;
    void ValidateFor(const WorkloadContext& ctx) const override;
    void Install(const WorkloadContext& ctx) override;
    int64_t AssignStreams(int64_t stream) override;

    /// Destination of every source under a fixed pattern (permutation: after Start), -1 = sends
    /// nothing; empty for the random patterns (uniform, hotspot) and all_to_all.
    std::vector<int32_t> GetFixedDestinations() const;
    uint64_t GetIssuedCount(uint16_t src) const { return m_sources.at(src).issued; }
    /// Payload bytes issued by `src` (requested bytes for reads).
    uint64_t GetIssuedBytes(uint16_t src) const { return m_sources.at(src).issued * m_bytes; }
    /// Mean time between messages of `src` at its injection rate, as configured.
    ns3::Time GetMeanInterval(uint16_t src) const;

    typedef void (*SendTracedCallback)(uint16_t src, uint16_t dst, uint64_t txnId);

  protected:
    void DoDispose() override;

  private:
    static constexpr int32_t kNone = -1;

    /// The next Fire of one source: one event object per source, scheduled again after every
    /// message instead of a fresh allocation per message. Never cancelled (a cancelled EventImpl
    /// stays cancelled): dispose detaches it from its owner instead.
    class FireEvent : public ns3::EventImpl
    {
      public:
        FireEvent(TrafficPattern* owner, uint16_t src)
            : m_owner(owner),
              m_src(src)
        {
        }
        void Detach() { m_owner = nullptr; }

      protected:
        void Notify() override
        {
            if (m_owner != nullptr)
            {
                m_owner->Fire(m_src);
            }
        }

      private:
        TrafficPattern* m_owner;
        uint16_t m_src;
    };

    struct Source
    {
        AcceleratorEndpoint* endpoint = nullptr;
        double intervalSeconds = 0; ///< mean time between messages (Poisson) or the slot (Bernoulli)
        int64_t slotTicks = 0;      ///< Bernoulli slot in simulator ticks (whole slots stay exact)
        int32_t fixedDst = kNone;   ///< permutation / transpose partner
        uint32_t cursor = 0;        ///< all_to_all: next offset from src
        uint64_t issued = 0;
        ns3::Ptr<FireEvent> next; ///< the Fire event (detached on dispose)
        int64_t nextTick = 0;     ///< when the pending Fire runs
        /// The draws of this source: the workload's shared generators, or on the parallel core
        /// its own (sources run on several threads, and their draws must not depend on the order
        /// in which threads reach them).
        ns3::UniformRandomVariable* destRng = nullptr;
        ns3::UniformRandomVariable* arrivalRng = nullptr;
        ns3::ExponentialRandomVariable* expRng = nullptr;
    };
    /// Parallel core: one generator of each kind per source (streams after the shared three).
    std::vector<ns3::Ptr<ns3::UniformRandomVariable>> m_ownUniform;
    std::vector<ns3::Ptr<ns3::ExponentialRandomVariable>> m_ownExp;

    void Begin();
    ns3::EventId m_begin;
    void ScheduleNext(uint16_t src, int64_t nowTick);
    void Fire(uint16_t src);
    int32_t PickDestination(uint16_t src);
    void DrawDerangement();
    TransactionKind Kind() const;

    // attributes
    int m_pattern;
    int m_arrival;
    double m_load;
    int m_loadReference;
    uint32_t m_bytes;
    int m_operation; ///< TransactionKind
    ns3::Time m_stop;
    uint32_t m_hotspotNode;
    double m_hotspotFraction;
    uint8_t m_trafficClass;

    ns3::Ptr<ns3::UniformRandomVariable> m_destRng;
    ns3::Ptr<ns3::UniformRandomVariable> m_arrivalRng;
    ns3::Ptr<ns3::ExponentialRandomVariable> m_expRng;

    uint32_t m_n = 0;
    int64_t m_stopTick = 0;
    FabricSimulatorImpl* m_core = nullptr;       ///< the run's simulator, when it is the fabric core
    ParallelSimulatorImpl* m_parallel = nullptr; ///< or when it is the parallel core
    double m_tickSeconds = 1e-12;
    std::vector<Source> m_sources;
    std::vector<uint32_t> m_counter; ///< messages sent per (src, dst): src x N + dst
    ns3::TracedCallback<uint16_t, uint16_t, uint64_t> m_sendTrace;
};

} // namespace ofab

#endif
