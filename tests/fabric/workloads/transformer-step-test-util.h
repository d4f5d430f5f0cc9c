#ifndef OFAB_TESTS_TRANSFORMER_STEP_TEST_UTIL_H
#define OFAB_TESTS_TRANSFORMER_STEP_TEST_UTIL_H

// Specs and closed forms for the training step generator's tests, written from the definitions in
// fabric/workloads/README.md ("Training step generator"), not from the generator's code.

#include "ofab/fabric/workloads/transformer-step.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace ofab
{
namespace test
{

/// 8 ranks: layers 4, tp 2, pp 2, dp 2, 3 micro-batches of 2 sequences of 32 tokens, h 64.
inline TransformerSpec
SmallSpec()
{
    TransformerSpec s;
    s.layers = 4;
    s.hidden = 64;
    s.heads = 4;
    s.sequence = 32;
    s.vocabulary = 100;
    s.microBatch = 2;
    s.microBatches = 3;
    s.tp = 2;
    s.pp = 2;
    s.dp = 2;
    s.flopsPerSecond = 1e12;
    return s;
}

/// 16 ranks: SmallSpec with dp 4, 4 experts over ep 2, top-2, MoE layers 1 and 3.
inline TransformerSpec
MoeSpec()
{
    TransformerSpec s = SmallSpec();
    s.dp = 4;
    s.ep = 2;
    s.experts = 4;
    s.topK = 2;
    s.moeEvery = 2;
    return s;
}

struct Tally
{
    uint64_t total = 0;
    uint64_t compute = 0;
    uint64_t tpAllReduce = 0;
    uint64_t alltoall = 0;
    uint64_t sends = 0;
    uint64_t recvs = 0;
    uint64_t dpAllReduce = 0;       ///< "dp-allreduce" (dense parameters)
    uint64_t dpAllGather = 0;       ///< "dp-allgather" and "dp-allgather-experts"
    uint64_t dpReduceScatter = 0;   ///< "dp-reduce-scatter" and "dp-reduce-scatter-experts"
    uint64_t expertCollectives = 0; ///< names ending "-experts"
};

inline bool
Contains(const std::string& s, const std::string& part)
{
    return s.find(part) != std::string::npos;
}

inline bool
IsTpAllReduce(const GraphOp& op)
{
    return op.kind == GraphOp::Kind::Collective && op.algorithm == CollectiveAlgorithms::RING_ALLREDUCE &&
           Contains(op.name, ".tp-ar");
}

inline Tally
Count(const std::vector<GraphOp>& ops)
{
    Tally t;
    for (const GraphOp& op : ops)
    {
        ++t.total;
        switch (op.kind)
        {
        case GraphOp::Kind::Compute:
            ++t.compute;
            break;
        case GraphOp::Kind::Send:
            ++t.sends;
            break;
        case GraphOp::Kind::Recv:
            ++t.recvs;
            break;
        case GraphOp::Kind::Collective:
            t.tpAllReduce += IsTpAllReduce(op);
            t.alltoall += op.algorithm == CollectiveAlgorithms::ALLTOALL;
            t.dpAllReduce += op.name == "dp-allreduce";
            t.dpAllGather += op.algorithm == CollectiveAlgorithms::ALLGATHER;
            t.dpReduceScatter += op.algorithm == CollectiveAlgorithms::REDUCE_SCATTER;
            t.expertCollectives += Contains(op.name, "-experts");
            break;
        }
    }
    return t;
}

inline const GraphOp&
Find(const std::vector<GraphOp>& ops, const std::string& name)
{
    for (const GraphOp& op : ops)
    {
        if (op.name == name)
        {
            return op;
        }
    }
    throw std::runtime_error("no op named " + name);
}

/// Layers of a stage that are MoE layers (moeEvery divides layers / pp in the tests' specs).
inline uint64_t
MoeLayersPerStage(const TransformerSpec& s)
{
    return s.experts == 0 ? 0 : s.layers / s.pp / s.moeEvery;
}

/// Dense parameters of one rank of `stage` (f = 4 h): 12 h^2 + 13 h per dense layer, 4 h^2 + 8 h + h E
/// per MoE layer, V h on the first and on the last stage; split over tp.
inline uint64_t
DenseParams(const TransformerSpec& s, uint32_t stage)
{
    if (s.ffnHidden != 0)
    {
        throw std::logic_error("DenseParams assumes ffnHidden = 4 hidden");
    }
    const uint64_t h = s.hidden, moe = MoeLayersPerStage(s), dense = s.layers / s.pp - moe;
    uint64_t p = dense * (12 * h * h + 13 * h) + moe * (4 * h * h + 8 * h + h * s.experts);
    p += (stage == 0 ? s.vocabulary * h : 0) + (stage + 1 == s.pp ? s.vocabulary * h : 0);
    return p / s.tp;
}

/// Expert parameters of one rank of `stage` (f = 4 h): experts / ep experts of 8 h^2 + 5 h per MoE
/// layer, split over tp.
inline uint64_t
ExpertParams(const TransformerSpec& s, uint32_t stage)
{
    (void)stage; // the tests' specs have as many MoE layers on every stage
    const uint64_t h = s.hidden;
    return MoeLayersPerStage(s) * (s.experts / s.ep) * (8 * h * h + 5 * h) / s.tp;
}

/// The members of the group a collective named `name` of rank `r` runs on, from the layout.
inline std::vector<uint32_t>
ExpectedGroup(const TransformerSpec& s, uint32_t r, const std::string& name)
{
    const uint32_t t = r % s.tp, d = (r / s.tp) % s.dp, p = r / (s.tp * s.dp);
    std::vector<uint32_t> out;
    if (Contains(name, ".tp-ar"))
    {
        for (uint32_t i = 0; i < s.tp; ++i)
        {
            out.push_back(s.RankOf(i, d, p));
        }
    }
    else if (Contains(name, ".a2a-"))
    {
        for (uint32_t j = 0; j < s.ep; ++j)
        {
            out.push_back(s.RankOf(t, d / s.ep * s.ep + j, p));
        }
    }
    else if (Contains(name, "-experts"))
    {
        for (uint32_t k = 0; k < s.dp / s.ep; ++k)
        {
            out.push_back(s.RankOf(t, d % s.ep + s.ep * k, p));
        }
    }
    else
    {
        for (uint32_t i = 0; i < s.dp; ++i)
        {
            out.push_back(s.RankOf(t, i, p));
        }
    }
    return out;
}

/// The passes of a rank in the order of its compute ops: "F0", "B0", ...
inline std::vector<std::string>
Passes(const std::vector<GraphOp>& ops)
{
    std::vector<std::string> out;
    for (const GraphOp& op : ops)
    {
        if (op.kind != GraphOp::Kind::Compute)
        {
            continue;
        }
        const std::string micro = op.name.substr(2, op.name.find('.') - 2);
        const std::string pass = (Contains(op.name, ".fwd") ? "F" : "B") + micro;
        if (out.empty() || out.back() != pass)
        {
            out.push_back(pass);
        }
    }
    return out;
}

/**
 * The end of a step on an ideal machine: compute takes its duration, communication takes no time,
 * a matched collective or transfer starts when all of its operations are reached (their
 * dependencies ended), compute phases of a rank one at a time in list order. Every op's end, by rank.
 */
inline std::vector<std::vector<double>>
IdealEnds(const WorkloadGraph& g)
{
    // One node per matched operation (CheckGraph's rule: the k-th on a group, the k-th per (from, to, tag)).
    std::vector<std::vector<std::size_t>> node(g.ranks.size());
    std::vector<std::vector<std::pair<uint32_t, std::size_t>>> members;
    std::map<std::pair<uint32_t, uint32_t>, uint32_t> kth; // (group, rank) -> collectives so far
    std::map<std::tuple<uint32_t, uint32_t, uint32_t, bool>, uint32_t> kthTransfer;
    std::map<std::tuple<int, uint64_t, uint64_t, uint64_t>, std::size_t> nodeOf;
    for (uint32_t r = 0; r < g.ranks.size(); ++r)
    {
        for (std::size_t i = 0; i < g.ranks[r].size(); ++i)
        {
            const GraphOp& op = g.ranks[r][i];
            std::tuple<int, uint64_t, uint64_t, uint64_t> key{0, r, i, 0};
            if (op.kind == GraphOp::Kind::Collective)
            {
                key = {1, op.group, kth[{op.group, r}]++, 0};
            }
            else if (op.kind != GraphOp::Kind::Compute)
            {
                const bool send = op.kind == GraphOp::Kind::Send;
                const uint32_t from = send ? r : op.peer, to = send ? op.peer : r;
                key = {2, uint64_t{from} << 32 | to, op.tag, kthTransfer[{from, to, op.tag, send}]++};
            }
            const auto [it, added] = nodeOf.emplace(key, members.size());
            if (added)
            {
                members.emplace_back();
            }
            members[it->second].emplace_back(r, i);
            node[r].push_back(it->second);
        }
    }
    // Kahn over the nodes; a node's start is the latest end of its members' dependencies.
    std::vector<uint32_t> waiting(members.size(), 0);
    std::vector<std::vector<std::size_t>> next(members.size());
    for (std::size_t n = 0; n < members.size(); ++n)
    {
        for (const auto& [r, i] : members[n])
        {
            for (uint64_t d : g.ranks[r][i].deps)
            {
                next[node[r][d]].push_back(n); // ids are list positions in generated graphs
                ++waiting[n];
            }
        }
    }
    std::vector<double> start(members.size(), 0), end(members.size(), 0);
    std::vector<std::size_t> ready;
    for (std::size_t n = 0; n < members.size(); ++n)
    {
        if (waiting[n] == 0)
        {
            ready.push_back(n);
        }
    }
    while (!ready.empty())
    {
        const std::size_t n = ready.back();
        ready.pop_back();
        const auto [r, i] = members[n][0];
        const GraphOp& op = g.ranks[r][i];
        end[n] = start[n] + (op.kind == GraphOp::Kind::Compute ? op.duration.GetSeconds() : 0.0);
        for (std::size_t m : next[n])
        {
            start[m] = std::max(start[m], end[n]);
            if (--waiting[m] == 0)
            {
                ready.push_back(m);
            }
        }
    }
    std::vector<std::vector<double>> out(g.ranks.size());
    for (uint32_t r = 0; r < g.ranks.size(); ++r)
    {
        for (std::size_t i = 0; i < g.ranks[r].size(); ++i)
        {
            if (waiting[node[r][i]] != 0)
            {
                throw std::runtime_error("the graph never ends");
            }
            out[r].push_back(end[node[r][i]]);
        }
    }
    return out;
}

/// Specs every corner of which must build into a graph CheckGraph accepts.
inline std::vector<std::pair<std::string, TransformerSpec>>
CornerSpecs()
{
    std::vector<std::pair<std::string, TransformerSpec>> out;
    auto with = [&](const std::string& name, TransformerSpec s, auto edit) {
        edit(s);
        out.emplace_back(name, s);
    };
    with("small", SmallSpec(), [](TransformerSpec&) {});
    with("tp 1", SmallSpec(), [](TransformerSpec& s) { s.tp = 1; });
    with("pp 1", SmallSpec(), [](TransformerSpec& s) { s.pp = 1; });
    with("dp 1", SmallSpec(), [](TransformerSpec& s) { s.dp = 1; });
    with("one rank", SmallSpec(), [](TransformerSpec& s) { s.tp = s.pp = s.dp = 1; });
    with("pp 4, 2 micro-batches", SmallSpec(), [](TransformerSpec& s) {
        s.pp = 4;
        s.microBatches = 2;
    });
    with("pp 4, 1 micro-batch, GPipe", SmallSpec(), [](TransformerSpec& s) {
        s.pp = 4;
        s.microBatches = 1;
        s.schedule = PipelineSchedule::GPipe;
    });
    with("GPipe", SmallSpec(), [](TransformerSpec& s) { s.schedule = PipelineSchedule::GPipe; });
    with("sharded", SmallSpec(), [](TransformerSpec& s) { s.shardedDataParallel = true; });
    with("MoE", MoeSpec(), [](TransformerSpec&) {});
    with("MoE, ep = dp", MoeSpec(), [](TransformerSpec& s) { s.dp = 2; });
    with("MoE, ep 1", MoeSpec(), [](TransformerSpec& s) { s.ep = 1; });
    with("MoE every layer, top-1, tp 1, pp 1, dp 8, ep 8", MoeSpec(), [](TransformerSpec& s) {
        s.tp = s.pp = 1;
        s.dp = s.ep = 8;
        s.experts = 8;
        s.topK = 1;
        s.moeEvery = 1;
    });
    with("MoE, sharded, GPipe", MoeSpec(), [](TransformerSpec& s) {
        s.shardedDataParallel = true;
        s.schedule = PipelineSchedule::GPipe;
    });
    with("MoE layers on stage 1 only", MoeSpec(), [](TransformerSpec& s) { s.moeEvery = 4; });
    with("the worked example: tp 8, dp 8", TransformerSpec{}, [](TransformerSpec& s) {
        s.tp = 8;
        s.dp = 8;
    });
    return out;
}

} // namespace test
} // namespace ofab

#endif
