// One training step of a transformer as a workload graph (fabric/workloads/README.md, "Training step
// generator"): the layout of the ranks, the groups, and each rank's operations in schedule order.

#include "ofab/fabric/workloads/transformer-step.h"

#include "ofab/foundation/time-resolution.h"

#include "ns3/nstime.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace ofab
{

namespace
{

constexpr uint32_t kNoGroup = UINT32_MAX;

/// The groups of every rank, by their index in WorkloadGraph::groups (kNoGroup: a group of one rank).
struct Groups
{
    std::vector<uint32_t> tp;       ///< per rank
    std::vector<uint32_t> dp;       ///< per rank
    std::vector<uint32_t> ep;       ///< per rank
    std::vector<uint32_t> expertDp; ///< per rank
};

/// Adds one group per key (in key order) of the ranks sharing it; `index[rank]` its position.
template <typename Key>
void
AddGroups(const TransformerSpec& spec, WorkloadGraph& g, std::vector<uint32_t>& index, uint32_t size, Key key)
{
    index.assign(spec.Ranks(), kNoGroup);
    if (size < 2)
    {
        return;
    }
    const uint32_t first = static_cast<uint32_t>(g.groups.size());
    const uint32_t count = spec.Ranks() / size;
    g.groups.resize(first + count);
    // Ranks in increasing order: each group lists its members in rank order, and the groups come in
    // the order of their smallest members, as long as key() numbers them in that order.
    for (uint32_t r = 0; r < spec.Ranks(); ++r)
    {
        const uint32_t k = key(r % spec.tp, (r / spec.tp) % spec.dp, r / (spec.tp * spec.dp));
        g.groups[first + k].push_back(r);
        index[r] = first + k;
    }
}

Groups
MakeGroups(const TransformerSpec& spec, WorkloadGraph& g)
{
    Groups out;
    const uint32_t tp = spec.tp;
    const uint32_t dp = spec.dp;
    const uint32_t ep = spec.ep;
    // TP: one per (stage, dp index); DP: one per (stage, tp index).
    AddGroups(spec, g, out.tp, tp, [&](uint32_t, uint32_t d, uint32_t p) { return d + dp * p; });
    AddGroups(spec, g, out.dp, dp, [&](uint32_t t, uint32_t, uint32_t p) { return t + tp * p; });
    if (spec.experts == 0)
    {
        out.ep.assign(spec.Ranks(), kNoGroup);
        out.expertDp.assign(spec.Ranks(), kNoGroup);
        return out;
    }
    // EP: ep consecutive DP replicas (dp index / ep) of one (stage, tp index).
    const uint32_t sets = dp / ep;
    AddGroups(spec, g, out.ep, ep, [&](uint32_t t, uint32_t d, uint32_t p) { return t + tp * (d / ep + sets * p); });
    // Expert data parallel: the replicas holding the same experts (dp index % ep), dp / ep of them.
    if (ep == 1)
    {
        out.expertDp = out.dp;
    }
    else
    {
        AddGroups(spec, g, out.expertDp, sets,
                  [&](uint32_t t, uint32_t d, uint32_t p) { return t + tp * (d % ep + ep * p); });
    }
    return out;
}

/// The passes of one stage in schedule order: (micro-batch, forward?).
std::vector<std::pair<uint32_t, bool>>
Schedule(const TransformerSpec& spec, uint32_t stage)
{
    const uint32_t m = spec.microBatches;
    std::vector<std::pair<uint32_t, bool>> out;
    if (spec.schedule == PipelineSchedule::GPipe)
    {
        for (uint32_t i = 0; i < m; ++i)
        {
            out.emplace_back(i, true);
        }
        for (uint32_t i = 0; i < m; ++i)
        {
            out.emplace_back(i, false);
        }
        return out;
    }
    const uint32_t warmup = std::min(spec.pp - 1 - stage, m);
    for (uint32_t i = 0; i < warmup; ++i)
    {
        out.emplace_back(i, true);
    }
    for (uint32_t i = 0; i + warmup < m; ++i)
    {
        out.emplace_back(warmup + i, true);
        out.emplace_back(i, false);
    }
    for (uint32_t i = m - warmup; i < m; ++i)
    {
        out.emplace_back(i, false);
    }
    return out;
}

/// Builds one rank's operations: a chain of compute and blocking collectives in schedule order.
class RankBuilder
{
  public:
    RankBuilder(const TransformerSpec& spec, const TransformerSizes& z, const Groups& groups, uint32_t rank,
                std::vector<GraphOp>& ops)
        : m_spec(spec),
          m_z(z),
          m_t(rank % spec.tp),
          m_d((rank / spec.tp) % spec.dp),
          m_stage(rank / (spec.tp * spec.dp)),
          m_tpGroup(groups.tp[rank]),
          m_dpGroup(groups.dp[rank]),
          m_epGroup(groups.ep[rank]),
          m_expertDpGroup(groups.expertDp[rank]),
          m_ops(ops)
    {
    }

    void Build();

  private:
    uint64_t Add(GraphOp op)
    {
        op.id = m_ops.size();
        m_ops.push_back(std::move(op));
        return m_ops.back().id;
    }

    /// Appends to the chain: after the chain's last op and `m_pending` (receives, gathers).
    void Chain(GraphOp op)
    {
        if (m_hasLast)
        {
            op.deps.push_back(m_last);
        }
        op.deps.insert(op.deps.end(), m_pending.begin(), m_pending.end());
        m_pending.clear();
        m_last = Add(std::move(op));
        m_hasLast = true;
    }

    void Compute(const std::string& name, uint64_t flops)
    {
        GraphOp op;
        op.name = name;
        op.kind = GraphOp::Kind::Compute;
        op.duration = ns3::Seconds(static_cast<double>(flops / m_spec.tp) / m_spec.flopsPerSecond);
        Chain(std::move(op));
    }

    static GraphOp Collective(const std::string& name, CollectiveAlgorithms::Algorithm a, uint32_t group,
                              uint64_t bytes)
    {
        GraphOp op;
        op.name = name;
        op.kind = GraphOp::Kind::Collective;
        op.algorithm = a;
        op.group = group;
        op.bytes = bytes;
        return op;
    }

    /// A blocking collective in the chain, when its group has more than one rank.
    void ChainCollective(const std::string& name, CollectiveAlgorithms::Algorithm a, uint32_t group, uint64_t bytes)
    {
        if (group != kNoGroup)
        {
            Chain(Collective(name, a, group, bytes));
        }
    }

    /// An MoE layer's all-to-all over the EP group: tokens to the experts (`toExperts`) or back.
    /// With a skew the load is uneven (alltoallv): the low ranks' experts receive, then return, more.
    void ExpertExchange(const std::string& name, bool toExperts)
    {
        if (m_epGroup == kNoGroup)
        {
            return;
        }
        if (m_spec.expertSkew == 0)
        {
            Chain(Collective(name, CollectiveAlgorithms::ALLTOALL, m_epGroup, m_z.dispatchBytes));
            return;
        }
        GraphOp op = Collective(name, CollectiveAlgorithms::ALLTOALLV, m_epGroup, m_z.dispatchBytes);
        op.skew = toExperts ? m_spec.expertSkew : -m_spec.expertSkew;
        Chain(std::move(op));
    }

    /// A pipeline transfer of one pass's activations (forward) or gradients (backward).
    uint64_t Transfer(const std::string& name, GraphOp::Kind kind, uint32_t stage, uint32_t micro, bool forward)
    {
        GraphOp op;
        op.name = name;
        op.kind = kind;
        op.peer = m_spec.RankOf(m_t, m_d, stage);
        op.bytes = m_z.activationBytes;
        op.tag = 2 * micro + (forward ? 0 : 1);
        if (kind == GraphOp::Kind::Send)
        {
            op.deps.push_back(m_last);
        }
        return Add(std::move(op));
    }

    void Forward(uint32_t micro);
    void Backward(uint32_t micro);
    void Gradients(bool start);

    const TransformerSpec& m_spec;
    const TransformerSizes& m_z;
    uint32_t m_t;
    uint32_t m_d;
    uint32_t m_stage;
    uint32_t m_tpGroup;
    uint32_t m_dpGroup;
    uint32_t m_epGroup;
    uint32_t m_expertDpGroup;
    std::vector<GraphOp>& m_ops;
    uint64_t m_last = 0;
    bool m_hasLast = false;
    std::vector<uint64_t> m_pending; ///< ops the next chain op waits for besides the chain
};

void
RankBuilder::Forward(uint32_t micro)
{
    const std::string mb = "mb" + std::to_string(micro);
    if (m_stage > 0)
    {
        m_pending.push_back(Transfer(mb + ".fwd.recv", GraphOp::Kind::Recv, m_stage - 1, micro, true));
    }
    const uint32_t perStage = m_spec.layers / m_spec.pp;
    for (uint32_t l = m_stage * perStage; l < (m_stage + 1) * perStage; ++l)
    {
        const std::string p = mb + ".L" + std::to_string(l) + ".fwd.";
        Compute(p + "attn", m_z.attentionFlops);
        ChainCollective(p + "tp-ar1", CollectiveAlgorithms::RING_ALLREDUCE, m_tpGroup, m_z.activationBytes);
        if (m_spec.IsMoeLayer(l))
        {
            ExpertExchange(p + "a2a-dispatch", true);
            Compute(p + "experts", m_z.expertFlops);
            ExpertExchange(p + "a2a-combine", false);
        }
        else
        {
            Compute(p + "mlp", m_z.mlpFlops);
        }
        ChainCollective(p + "tp-ar2", CollectiveAlgorithms::RING_ALLREDUCE, m_tpGroup, m_z.activationBytes);
    }
    if (m_stage + 1 == m_spec.pp)
    {
        Compute(mb + ".logits.fwd", m_z.logitsFlops);
    }
    else
    {
        Transfer(mb + ".fwd.send", GraphOp::Kind::Send, m_stage + 1, micro, true);
    }
}

void
RankBuilder::Backward(uint32_t micro)
{
    const std::string mb = "mb" + std::to_string(micro);
    if (m_stage + 1 == m_spec.pp)
    {
        Compute(mb + ".logits.bwd", 2 * m_z.logitsFlops);
    }
    else
    {
        m_pending.push_back(Transfer(mb + ".bwd.recv", GraphOp::Kind::Recv, m_stage + 1, micro, false));
    }
    const uint32_t perStage = m_spec.layers / m_spec.pp;
    for (uint32_t l = (m_stage + 1) * perStage; l-- > m_stage * perStage;)
    {
        const std::string p = mb + ".L" + std::to_string(l) + ".bwd.";
        if (m_spec.IsMoeLayer(l))
        {
            ExpertExchange(p + "a2a-combine", true); // the gradients retrace the combine: to the experts
            Compute(p + "experts", 2 * m_z.expertFlops);
            ExpertExchange(p + "a2a-dispatch", false);
        }
        else
        {
            Compute(p + "mlp", 2 * m_z.mlpFlops);
        }
        ChainCollective(p + "tp-ar1", CollectiveAlgorithms::RING_ALLREDUCE, m_tpGroup, m_z.activationBytes);
        Compute(p + "attn", 2 * m_z.attentionFlops);
        ChainCollective(p + "tp-ar2", CollectiveAlgorithms::RING_ALLREDUCE, m_tpGroup, m_z.activationBytes);
    }
    if (m_stage > 0)
    {
        Transfer(mb + ".bwd.send", GraphOp::Kind::Send, m_stage - 1, micro, false);
    }
}

/// The data-parallel collectives: at the start (sharded: parameter all-gathers, which the first
/// pass waits for) or at the end (gradient all-reduces or reduce-scatters, after the last pass).
void
RankBuilder::Gradients(bool start)
{
    const RankParameters params = ParametersOf(m_spec, m_stage);
    const bool sharded = m_spec.shardedDataParallel;
    if (start && !sharded)
    {
        return;
    }
    const std::pair<uint32_t, uint64_t> parts[] = {{m_dpGroup, params.dense}, {m_expertDpGroup, params.experts}};
    for (std::size_t i = 0; i < 2; ++i)
    {
        const auto [group, elements] = parts[i];
        if (group == kNoGroup || elements == 0)
        {
            continue;
        }
        const std::string suffix = i == 0 ? "" : "-experts";
        const uint64_t bytes = elements * m_spec.bytesPerElement;
        if (start)
        {
            m_pending.push_back(
                Add(Collective("dp-allgather" + suffix, CollectiveAlgorithms::ALLGATHER, group, bytes)));
            continue;
        }
        GraphOp op = sharded
                         ? Collective("dp-reduce-scatter" + suffix, CollectiveAlgorithms::REDUCE_SCATTER, group, bytes)
                         : Collective("dp-allreduce" + suffix, CollectiveAlgorithms::RING_ALLREDUCE, group, bytes);
        op.deps.push_back(m_last);
        Add(std::move(op));
    }
}

void
RankBuilder::Build()
{
    Gradients(true);
    for (const auto& [micro, forward] : Schedule(m_spec, m_stage))
    {
        if (forward)
        {
            Forward(micro);
        }
        else
        {
            Backward(micro);
        }
    }
    Gradients(false);
}

std::string
Origin(const TransformerSpec& spec)
{
    return "generated transformer step (tp " + std::to_string(spec.tp) + ", pp " + std::to_string(spec.pp) + ", dp " +
           std::to_string(spec.dp) + ", ep " + std::to_string(spec.ep) + ", " + std::to_string(spec.microBatches) +
           " micro-batches, " + (spec.schedule == PipelineSchedule::GPipe ? "GPipe" : "1F1B") + ")";
}

} // namespace

WorkloadGraph
BuildTransformerStep(const TransformerSpec& spec)
{
    CheckTransformerSpec(spec);
    EnsurePicosecondResolution();
    const TransformerSizes z = SizesOf(spec);
    WorkloadGraph g;
    g.origin = Origin(spec);
    const Groups groups = MakeGroups(spec, g);
    g.ranks.resize(spec.Ranks());
    for (uint32_t r = 0; r < spec.Ranks(); ++r)
    {
        RankBuilder(spec, z, groups, r, g.ranks[r]).Build();
    }
    return g;
}

} // namespace ofab
