#include "ofab/fabric/workloads/traffic-pattern.h"

#include "ofab/foundation/kernel/fabric-simulator-impl.h"
#include "ofab/foundation/parameter-error.h"

#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <cmath>
#include <string>

namespace ofab
{

NS_OBJECT_ENSURE_REGISTERED(TrafficPattern);

namespace
{

constexpr uint64_t kWindowBytes = uint64_t{1} << 30; ///< per-source address window in a completer

uint32_t
SquareRoot(uint32_t n)
{
    auto k = static_cast<uint32_t>(std::lround(std::sqrt(static_cast<double>(n))));
    return k * k == n ? k : 0;
}

} // namespace

ns3::TypeId
TrafficPattern::GetTypeId()
{
    using namespace ns3;
    static TypeId tid =
        TypeId("ofab::TrafficPattern")
            .SetParent<Workload>()
            .SetGroupName("Ofab")
            .AddConstructor<TrafficPattern>()
            .AddAttribute("Pattern",
                          "Destination rule: uniform, permutation (random derangement), transpose "
                          "(N = k x k, (x,y) -> (y,x)), hotspot, all_to_all (each source cycles "
                          "through every other accelerator).",
                          EnumValue(UNIFORM), MakeEnumAccessor(&TrafficPattern::m_pattern),
                          MakeEnumChecker(UNIFORM, "uniform", PERMUTATION, "permutation", TRANSPOSE, "transpose",
                                          HOTSPOT, "hotspot", ALL_TO_ALL, "all_to_all"))
            .AddAttribute("Load",
                          "Offered load as a fraction (0, 1] of the accelerator's injection rate "
                          "(see LoadReference), counted in payload bytes (reads: requested bytes).",
                          DoubleValue(0.5), MakeDoubleAccessor(&TrafficPattern::m_load), MakeDoubleChecker<double>())
            .AddAttribute("LoadReference",
                          "What Load is a fraction of: port (one port's rate, the injection channel "
                          "of BookSim-style studies; a torus node with 4 ports injects at most 1/4 of "
                          "its link capacity at Load 1) or all_ports (the sum of the accelerator's ports).",
                          EnumValue(ONE_PORT), MakeEnumAccessor(&TrafficPattern::m_loadReference),
                          MakeEnumChecker(ONE_PORT, "port", ALL_PORTS, "all_ports"))
            .AddAttribute("Arrival",
                          "Arrival process: poisson (exponential gaps), bernoulli (a message in each "
                          "slot of one message time with probability Load).",
                          EnumValue(POISSON), MakeEnumAccessor(&TrafficPattern::m_arrival),
                          MakeEnumChecker(POISSON, "poisson", BERNOULLI, "bernoulli"))
            .AddAttribute("Bytes",
                          "Bytes per transaction, 1..256 (write_full: 64..256 in 64 B beats; atomics: "
                          "4 or 8).",
                          UintegerValue(256), MakeUintegerAccessor(&TrafficPattern::m_bytes),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("Operation",
                          "Transaction kind: read, write (partial, with byte enables), write_full, "
                          "atomic_r, atomic_nr.",
                          EnumValue(static_cast<int>(TransactionKind::WriteFull)),
                          MakeEnumAccessor(&TrafficPattern::m_operation),
                          MakeEnumChecker(static_cast<int>(TransactionKind::Read), "read",
                                          static_cast<int>(TransactionKind::Write), "write",
                                          static_cast<int>(TransactionKind::WriteFull), "write_full",
                                          static_cast<int>(TransactionKind::AtomicR), "atomic_r",
                                          static_cast<int>(TransactionKind::AtomicNR), "atomic_nr"))
            .AddAttribute("Stop", "Simulated time after which no message is issued (0 = the end of the run).",
                          TimeValue(Seconds(0)), MakeTimeAccessor(&TrafficPattern::m_stop), MakeTimeChecker())
            .AddAttribute("HotspotNode", "Accelerator id that receives HotspotFraction of the traffic (hotspot).",
                          UintegerValue(0), MakeUintegerAccessor(&TrafficPattern::m_hotspotNode),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute(
                "HotspotFraction", "Share [0, 1] of each other source's messages sent to HotspotNode (hotspot).",
                DoubleValue(0.2), MakeDoubleAccessor(&TrafficPattern::m_hotspotFraction), MakeDoubleChecker<double>())
            .AddAttribute("TrafficClass", "UALink traffic class 0 or 1 of the requests (VC = 2 x class).",
                          UintegerValue(0), MakeUintegerAccessor(&TrafficPattern::m_trafficClass),
                          MakeUintegerChecker<uint8_t>())
            .AddTraceSource("Send", "A message was issued: source, destination, transaction id.",
                            MakeTraceSourceAccessor(&TrafficPattern::m_sendTrace),
                            "ofab::TrafficPattern::SendTracedCallback");
    return tid;
}

TrafficPattern::TrafficPattern()
    : m_pattern(UNIFORM),
      m_arrival(POISSON),
      m_load(0.5),
      m_loadReference(ONE_PORT),
      m_bytes(256),
      m_operation(static_cast<int>(TransactionKind::WriteFull)),
      m_stop(ns3::Seconds(0)),
      m_hotspotNode(0),
      m_hotspotFraction(0.2),
      m_trafficClass(0)
{
    m_destRng = ns3::CreateObject<ns3::UniformRandomVariable>();
    m_arrivalRng = ns3::CreateObject<ns3::UniformRandomVariable>();
    m_expRng = ns3::CreateObject<ns3::ExponentialRandomVariable>();
}

void
TrafficPattern::DoDispose()
{
    m_begin.Cancel();
    for (Source& s : m_sources)
    {
        if (s.next)
        {
            s.next->Detach();
        }
    }
    m_sources.clear();
    m_counter.clear();
    m_destRng = nullptr;
    m_arrivalRng = nullptr;
    m_expRng = nullptr;
    Workload::DoDispose();
}

TransactionKind
TrafficPattern::Kind() const
{
    return static_cast<TransactionKind>(m_operation);
}

void
TrafficPattern::Validate() const
{
    Workload::Validate();
    if (!(m_load > 0.0 && m_load <= 1.0))
    {
        throw ParameterError("Load", "a fraction of the injection rate in (0, 1], got " + std::to_string(m_load));
    }
    if (m_bytes == 0 || m_bytes > 256)
    {
        throw ParameterError("Bytes", "a transaction moves 1..256 B, got " + std::to_string(m_bytes));
    }
    const TransactionKind k = Kind();
    if (k == TransactionKind::WriteFull && m_bytes % 64 != 0)
    {
        throw ParameterError("Bytes",
                             "write_full moves whole 64 B beats (64, 128, 192, 256), got " + std::to_string(m_bytes));
    }
    if ((k == TransactionKind::AtomicR || k == TransactionKind::AtomicNR) && m_bytes != 4 && m_bytes != 8)
    {
        throw ParameterError("Bytes", "atomics operate on 4 or 8 B elements, got " + std::to_string(m_bytes));
    }
    if (m_stop.IsStrictlyNegative())
    {
        throw ParameterError("Stop", "must be a time >= 0 (0 = end of the run)");
    }
    if (!(m_hotspotFraction >= 0.0 && m_hotspotFraction <= 1.0))
    {
        throw ParameterError("HotspotFraction", "a share in [0, 1], got " + std::to_string(m_hotspotFraction));
    }
    if (m_trafficClass > 1)
    {
        throw ParameterError("TrafficClass", "0 or 1, got " + std::to_string(m_trafficClass));
    }
}

void
TrafficPattern::ValidateFor(const WorkloadContext& ctx) const
{
    Workload::ValidateFor(ctx);
    const auto n = static_cast<uint32_t>(ctx.endpoints.size());
    if (m_pattern == TRANSPOSE && SquareRoot(n) == 0)
    {
        throw ParameterError("Pattern",
                             "transpose needs a square number of accelerators (k x k), got " + std::to_string(n));
    }
    if (m_pattern == HOTSPOT && m_hotspotNode >= n)
    {
        throw ParameterError("HotspotNode",
                             "accelerator id 0.." + std::to_string(n - 1) + ", got " + std::to_string(m_hotspotNode));
    }
}

void
TrafficPattern::Install(const WorkloadContext& ctx)
{
    ValidateFor(ctx);
    m_n = static_cast<uint32_t>(ctx.endpoints.size());
    ns3::Time stop = ctx.stopTime;
    if (m_stop.IsStrictlyPositive() && (!stop.IsStrictlyPositive() || m_stop < stop))
    {
        stop = m_stop;
    }
    m_stopTick = stop.IsStrictlyPositive() ? stop.GetTimeStep() : INT64_MAX;
    m_tickSeconds = ns3::TimeStep(1).GetSeconds();
    // Installed into the run: its core is chosen.
    m_parallel = ParallelSimulatorImpl::Current();
    m_core = m_parallel ? nullptr : FabricSimulatorImpl::Current();
    m_sources.assign(m_n, Source{});
    m_ownUniform.clear();
    m_ownExp.clear();
    m_counter.assign(static_cast<std::size_t>(m_n) * m_n, 0);
    const uint32_t k = SquareRoot(m_n);
    for (uint32_t s = 0; s < m_n; ++s)
    {
        Source& src = m_sources[s];
        src.endpoint = ns3::PeekPointer(ctx.endpoints[s]);
        const double rate = m_loadReference == ALL_PORTS ? ctx.injectionRateBps[s] : ctx.portRateBps[s];
        // Poisson: mean gap; Bernoulli: the slot (one message time at the full injection rate).
        const double messageTime = rate > 0 ? m_bytes * 8.0 / rate : 0;
        src.intervalSeconds = m_arrival == POISSON ? messageTime / m_load : messageTime;
        src.slotTicks = ns3::Seconds(messageTime).GetTimeStep();
        src.cursor = 1;
        src.next = ns3::Create<FireEvent>(this, static_cast<uint16_t>(s));
        src.destRng = ns3::PeekPointer(m_destRng);
        src.arrivalRng = ns3::PeekPointer(m_arrivalRng);
        src.expRng = ns3::PeekPointer(m_expRng);
        if (m_parallel)
        {
            m_ownUniform.push_back(ns3::CreateObject<ns3::UniformRandomVariable>());
            m_ownUniform.push_back(ns3::CreateObject<ns3::UniformRandomVariable>());
            m_ownExp.push_back(ns3::CreateObject<ns3::ExponentialRandomVariable>());
            src.destRng = ns3::PeekPointer(m_ownUniform[2 * s]);
            src.arrivalRng = ns3::PeekPointer(m_ownUniform[2 * s + 1]);
            src.expRng = ns3::PeekPointer(m_ownExp[s]);
        }
        if (m_pattern == TRANSPOSE)
        {
            const uint32_t x = s / k;
            const uint32_t y = s % k;
            src.fixedDst = x == y ? kNone : static_cast<int32_t>(y * k + x);
        }
    }
    m_begin = ns3::Simulator::Schedule(DelayToStart(), &TrafficPattern::Begin, this);
}

int64_t
TrafficPattern::AssignStreams(int64_t stream)
{
    m_destRng->SetStream(stream);
    m_arrivalRng->SetStream(stream + 1);
    m_expRng->SetStream(stream + 2);
    for (std::size_t s = 0; s < m_ownExp.size(); ++s)
    {
        m_ownUniform[2 * s]->SetStream(stream + 3 + 3 * static_cast<int64_t>(s));
        m_ownUniform[2 * s + 1]->SetStream(stream + 4 + 3 * static_cast<int64_t>(s));
        m_ownExp[s]->SetStream(stream + 5 + 3 * static_cast<int64_t>(s));
    }
    return 3 + 3 * static_cast<int64_t>(m_ownExp.size());
}

std::vector<int32_t>
TrafficPattern::GetFixedDestinations() const
{
    std::vector<int32_t> out;
    if (m_pattern != PERMUTATION && m_pattern != TRANSPOSE)
    {
        return out;
    }
    for (const Source& s : m_sources)
    {
        out.push_back(s.fixedDst);
    }
    return out;
}

ns3::Time
TrafficPattern::GetMeanInterval(uint16_t src) const
{
    const Source& s = m_sources.at(src);
    return ns3::Seconds(m_arrival == POISSON ? s.intervalSeconds : s.intervalSeconds / m_load);
}

void
TrafficPattern::DrawDerangement()
{
    // Uniform over derangements: shuffle (Fisher-Yates) and retry while a point is fixed
    // (about e = 2.7 tries on average).
    std::vector<int32_t> p(m_n);
    bool fixed = true;
    while (fixed)
    {
        for (uint32_t i = 0; i < m_n; ++i)
        {
            p[i] = static_cast<int32_t>(i);
        }
        for (uint32_t i = m_n - 1; i > 0; --i)
        {
            const uint32_t j = m_destRng->GetInteger(0, i);
            std::swap(p[i], p[j]);
        }
        fixed = false;
        for (uint32_t i = 0; i < m_n && !fixed; ++i)
        {
            fixed = p[i] == static_cast<int32_t>(i);
        }
    }
    for (uint32_t i = 0; i < m_n; ++i)
    {
        m_sources[i].fixedDst = p[i];
    }
}

void
TrafficPattern::Begin()
{
    if (m_pattern == PERMUTATION)
    {
        DrawDerangement(); // here, not in Install: AssignStreams usually comes after Install
    }
    for (uint32_t s = 0; s < m_n; ++s)
    {
        const Source& src = m_sources[s];
        const bool fixedPattern = m_pattern == PERMUTATION || m_pattern == TRANSPOSE;
        if (src.intervalSeconds > 0 && (m_arrival == POISSON || src.slotTicks > 0) &&
            !(fixedPattern && src.fixedDst == kNone))
        {
            ScheduleNext(static_cast<uint16_t>(s), ns3::Simulator::Now().GetTimeStep());
        }
    }
}

void
TrafficPattern::ScheduleNext(uint16_t s, int64_t now)
{
    Source& src = m_sources[s];
    double ticks; // gap to the next message, in simulator ticks
    if (m_arrival == POISSON)
    {
        ticks = std::round(src.expRng->GetValue(src.intervalSeconds, 0) / m_tickSeconds);
    }
    else
    {
        // Slots until the next sending one: geometric on {1, 2, ...} with success probability Load.
        double slots = 1;
        if (m_load < 1.0)
        {
            const double u = 1.0 - src.arrivalRng->GetValue(); // (0, 1]
            slots += std::floor(std::log(u) / std::log1p(-m_load));
        }
        ticks = slots * static_cast<double>(src.slotTicks);
    }
    // Compared in double first: a tiny Load can draw a gap beyond any int64 tick count.
    if (ticks >= static_cast<double>(m_stopTick - now))
    {
        return;
    }
    src.nextTick = now + static_cast<int64_t>(ticks);
    if (m_core)
    {
        m_core->ScheduleReusable(static_cast<int64_t>(ticks), ns3::PeekPointer(src.next)); // no EventId needed
        return;
    }
    if (m_parallel)
    {
        m_parallel->ScheduleReusable(src.endpoint->GetContext(), static_cast<int64_t>(ticks),
                                     ns3::PeekPointer(src.next));
        return;
    }
    ns3::Simulator::Schedule(ns3::TimeStep(static_cast<int64_t>(ticks)), ns3::Ptr<ns3::EventImpl>(src.next));
}

int32_t
TrafficPattern::PickDestination(uint16_t s)
{
    Source& src = m_sources[s];
    switch (m_pattern)
    {
    case PERMUTATION:
    case TRANSPOSE:
        return src.fixedDst;
    case ALL_TO_ALL:
    {
        const uint32_t d = (s + src.cursor) % m_n;
        src.cursor = src.cursor + 1 == m_n ? 1 : src.cursor + 1;
        return static_cast<int32_t>(d);
    }
    case HOTSPOT:
        if (s != m_hotspotNode)
        {
            if (m_n == 2 || src.destRng->GetValue() < m_hotspotFraction)
            {
                return static_cast<int32_t>(m_hotspotNode);
            }
            // Uniform among the N - 2 accelerators that are neither s nor the hotspot.
            uint32_t d = src.destRng->GetInteger(0, m_n - 3);
            const uint32_t lo = s < m_hotspotNode ? s : m_hotspotNode;
            const uint32_t hi = s < m_hotspotNode ? m_hotspotNode : s;
            d += d >= lo ? 1 : 0;
            d += d >= hi ? 1 : 0;
            return static_cast<int32_t>(d);
        }
        [[fallthrough]];
    case UNIFORM:
    default:
    {
        const uint32_t d = src.destRng->GetInteger(0, m_n - 2);
        return static_cast<int32_t>(d >= s ? d + 1 : d);
    }
    }
}

void
TrafficPattern::Fire(uint16_t s)
{
    const int32_t dst = PickDestination(s);
    Source& src = m_sources[s];
    uint32_t& k = m_counter[static_cast<std::size_t>(s) * m_n + static_cast<uint32_t>(dst)];
    const uint64_t address = uint64_t{s} * kWindowBytes + (uint64_t{k} * 256) % kWindowBytes;
    ++k;
    ++src.issued;
    const uint64_t id = src.endpoint->Issue(
        TransactionSpec{Kind(), static_cast<uint16_t>(dst), address, m_bytes, m_trafficClass, m_number, 0});
    m_sendTrace(s, static_cast<uint16_t>(dst), id);
    ScheduleNext(s, m_sources[s].nextTick); // this event runs exactly at nextTick: no Now() call
}

} // namespace ofab
