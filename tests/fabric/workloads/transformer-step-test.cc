// The training step generator against closed forms: how many operations of each kind every rank
// has, their bytes and compute times, where they wait, the order of the pipeline passes and the
// groups of the documented layout (rank = t + tp (d + dp p)); every generated graph passes CheckGraph.

#include "transformer-step-test-util.h"

#include "ofab/fabric/workloads/transformer-step.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

using namespace ofab;
using namespace ofab::test;

TEST_CASE("transformer step: operations per rank in closed form, dense, tp 2 pp 2 dp 2, 3 micro-batches")
{
    for (const auto schedule : {PipelineSchedule::OneFOneB, PipelineSchedule::GPipe})
    {
        for (const bool sharded : {false, true})
        {
            TransformerSpec s = SmallSpec();
            s.schedule = schedule;
            s.shardedDataParallel = sharded;
            const WorkloadGraph g = BuildTransformerStep(s);
            REQUIRE(g.ranks.size() == 8);
            const uint64_t m = 3;
            const uint64_t perStage = 2; // layers / pp
            for (uint32_t r = 0; r < 8; ++r)
            {
                const uint32_t stage = r / 4;
                const bool first = stage == 0;
                const bool last = stage == 1;
                const Tally t = Count(g.ranks[r]);
                INFO("rank " << r << (sharded ? ", sharded" : "")
                             << (schedule == PipelineSchedule::GPipe ? ", GPipe" : ""));
                CHECK(t.compute == 4 * m * perStage + (last ? 2 * m : 0)); // attn + mlp, fwd + bwd; logits
                CHECK(t.tpAllReduce == 4 * m * perStage);
                CHECK(t.alltoall == 0);
                CHECK(t.sends == (last ? 0 : m) + (first ? 0 : m));
                CHECK(t.recvs == (last ? 0 : m) + (first ? 0 : m));
                CHECK(t.dpAllReduce == (sharded ? 0 : 1));
                CHECK(t.dpAllGather == (sharded ? 1 : 0));
                CHECK(t.dpReduceScatter == (sharded ? 1 : 0));
                CHECK(t.expertCollectives == 0);
                CHECK(t.total == g.ranks[r].size());
            }
            CHECK_NOTHROW(CheckGraph(g));
        }
    }
}

TEST_CASE("transformer step: operations per rank in closed form, MoE every other layer, ep 2 inside dp 4")
{
    for (const bool sharded : {false, true})
    {
        TransformerSpec s = MoeSpec(); // layers 4 (MoE: 1 and 3), tp 2, pp 2, dp 4, ep 2, 4 experts
        s.shardedDataParallel = sharded;
        const WorkloadGraph g = BuildTransformerStep(s);
        REQUIRE(g.ranks.size() == 16);
        const uint64_t m = 3;
        for (uint32_t r = 0; r < 16; ++r)
        {
            const uint32_t stage = r / 8;
            const Tally t = Count(g.ranks[r]);
            INFO("rank " << r);
            // 2 layers per stage, one of them MoE: attn + (mlp | experts) per layer and pass.
            CHECK(t.compute == 4 * m * 2 + (stage == 1 ? 2 * m : 0));
            CHECK(t.tpAllReduce == 4 * m * 2);
            CHECK(t.alltoall == 4 * m * 1); // dispatch and combine, forward and backward, per MoE layer
            CHECK(t.sends == m);
            CHECK(t.recvs == m);
            // dense over the 4 DP ranks, experts over the dp / ep = 2 ranks holding the same experts
            CHECK(t.dpAllReduce == (sharded ? 0 : 1));
            CHECK(t.expertCollectives == (sharded ? 2 : 1));
            CHECK(t.dpAllGather == (sharded ? 2 : 0));
            CHECK(t.dpReduceScatter == (sharded ? 2 : 0));
        }
        CHECK_NOTHROW(CheckGraph(g));
    }
    SECTION("ep = dp: every expert on one rank, no expert reduction")
    {
        TransformerSpec s = MoeSpec();
        s.dp = 2;
        const WorkloadGraph g = BuildTransformerStep(s);
        for (const auto& ops : g.ranks)
        {
            CHECK(Count(ops).expertCollectives == 0);
            CHECK(Count(ops).dpAllReduce == 1);
            CHECK(Count(ops).alltoall == 12);
        }
        CHECK_NOTHROW(CheckGraph(g));
    }
    SECTION("expert skew: every all-to-all is an alltoallv, towards the hot experts and back")
    {
        TransformerSpec s = MoeSpec();
        s.expertSkew = 1.2;
        const WorkloadGraph g = BuildTransformerStep(s);
        for (const auto& ops : g.ranks)
        {
            uint32_t toExperts = 0, back = 0;
            for (const GraphOp& op : ops)
            {
                CHECK(op.algorithm != CollectiveAlgorithms::ALLTOALL);
                if (op.kind == GraphOp::Kind::Collective && op.algorithm == CollectiveAlgorithms::ALLTOALLV)
                {
                    CHECK(std::abs(op.skew) == 1.2);
                    // forward dispatch and backward combine send towards the experts
                    const bool towards = (op.name.find(".fwd.a2a-dispatch") != std::string::npos) ||
                                         (op.name.find(".bwd.a2a-combine") != std::string::npos);
                    CHECK((op.skew > 0) == towards);
                    ++(op.skew > 0 ? toExperts : back);
                }
            }
            CHECK(toExperts == 6); // 3 micro-batches x (forward dispatch + backward combine), one MoE layer
            CHECK(back == 6);
        }
        CHECK_NOTHROW(CheckGraph(g));
        s.expertSkew = -1;
        CHECK_THROWS_WITH(CheckTransformerSpec(s), Catch::Contains("expertSkew"));
    }
    SECTION("ep = 1: no all-to-all, the experts reduced over the whole DP group")
    {
        TransformerSpec s = MoeSpec();
        s.ep = 1;
        const WorkloadGraph g = BuildTransformerStep(s);
        for (uint32_t r = 0; r < g.ranks.size(); ++r)
        {
            CHECK(Count(g.ranks[r]).alltoall == 0);
            for (const GraphOp& op : g.ranks[r])
            {
                if (op.name == "dp-allreduce-experts")
                {
                    CHECK(g.groups[op.group] == g.groups[Find(g.ranks[r], "dp-allreduce").group]);
                }
            }
            CHECK(Count(g.ranks[r]).expertCollectives == 1);
        }
    }
}

TEST_CASE("transformer step: bytes of every kind in closed form")
{
    for (const bool moe : {false, true})
    {
        TransformerSpec s = moe ? MoeSpec() : SmallSpec();
        const uint64_t b = s.microBatch, seq = s.sequence, h = s.hidden, bytes = s.bytesPerElement;
        const uint64_t act = b * seq * h * bytes;
        const WorkloadGraph g = BuildTransformerStep(s);
        for (uint32_t r = 0; r < g.ranks.size(); ++r)
        {
            const uint32_t stage = r / (s.tp * s.dp);
            for (const GraphOp& op : g.ranks[r])
            {
                INFO("rank " << r << " " << op.name);
                if (IsTpAllReduce(op) || op.kind == GraphOp::Kind::Send || op.kind == GraphOp::Kind::Recv)
                {
                    CHECK(op.bytes == act);
                }
                else if (op.kind == GraphOp::Kind::Collective && op.algorithm == CollectiveAlgorithms::ALLTOALL)
                {
                    CHECK(op.bytes == act * s.topK);
                }
                else if (op.name == "dp-allreduce")
                {
                    CHECK(op.bytes == DenseParams(s, stage) * bytes);
                }
                else if (op.name == "dp-allreduce-experts")
                {
                    CHECK(op.bytes == ExpertParams(s, stage) * bytes);
                }
            }
        }
    }
    SECTION("sharded: the all-gather and the reduce-scatter move the same parameter bytes")
    {
        TransformerSpec s = MoeSpec();
        s.shardedDataParallel = true;
        const WorkloadGraph g = BuildTransformerStep(s);
        for (uint32_t r = 0; r < g.ranks.size(); ++r)
        {
            const uint32_t stage = r / (s.tp * s.dp);
            CHECK(Find(g.ranks[r], "dp-allgather").bytes == DenseParams(s, stage) * s.bytesPerElement);
            CHECK(Find(g.ranks[r], "dp-reduce-scatter").bytes == DenseParams(s, stage) * s.bytesPerElement);
            CHECK(Find(g.ranks[r], "dp-allgather-experts").bytes == ExpertParams(s, stage) * s.bytesPerElement);
            CHECK(Find(g.ranks[r], "dp-reduce-scatter-experts").bytes == ExpertParams(s, stage) * s.bytesPerElement);
        }
    }
    SECTION("ffnHidden other than 4 h: 4 h^2 + 2 h f + f + 9 h per dense layer")
    {
        TransformerSpec s = SmallSpec();
        s.ffnHidden = 96;
        s.pp = 1;
        const uint64_t h = s.hidden, f = 96, v = s.vocabulary;
        const uint64_t params = (4 * h * h + 2 * h * f + f + 9 * h) * s.layers + 2 * v * h;
        const WorkloadGraph g = BuildTransformerStep(s);
        CHECK(Find(g.ranks[0], "dp-allreduce").bytes == params / s.tp * s.bytesPerElement);
        CHECK(ParametersOf(s, 0).dense == params / s.tp);
    }
}

TEST_CASE("transformer step: compute durations are FLOPs / tp / rate")
{
    TransformerSpec s = MoeSpec();
    s.ffnHidden = 96;
    const double b = s.microBatch, seq = s.sequence, h = s.hidden, f = 96, v = s.vocabulary, tp = s.tp;
    const double rate = s.flopsPerSecond;
    const double attn = 8 * b * seq * h * h + 4 * b * seq * seq * h;
    const double mlp = 4 * b * seq * h * f;
    const double experts = mlp * s.topK;
    const double logits = 2 * b * seq * h * v;
    const WorkloadGraph g = BuildTransformerStep(s);
    // the last stage (ranks 8..15) holds layers 2 (dense) and 3 (MoE) and the logits
    const std::vector<GraphOp>& ops = g.ranks[9];
    struct Expect
    {
        std::string name;
        double flops;
    };
    for (const Expect& e :
         {Expect{"mb1.L2.fwd.attn", attn}, Expect{"mb1.L2.fwd.mlp", mlp}, Expect{"mb1.L3.fwd.experts", experts},
          Expect{"mb1.logits.fwd", logits}, Expect{"mb1.L2.bwd.attn", 2 * attn}, Expect{"mb1.L2.bwd.mlp", 2 * mlp},
          Expect{"mb1.L3.bwd.experts", 2 * experts}, Expect{"mb1.logits.bwd", 2 * logits}})
    {
        INFO(e.name);
        const GraphOp& op = Find(ops, e.name);
        CHECK(op.kind == GraphOp::Kind::Compute);
        CHECK(op.duration == ns3::Seconds(e.flops / tp / rate));
        CHECK(std::abs(op.duration.GetSeconds() - e.flops / tp / rate) <= 0.5e-12);
    }
    // Forward of a dense layer: 24 b s h^2 + 4 b s^2 h with f = 4 h (Narayanan et al. 2021).
    TransformerSpec d = SmallSpec();
    const WorkloadGraph dg = BuildTransformerStep(d);
    const double dh = d.hidden, ds = d.sequence, db = d.microBatch;
    const double layer = 24 * db * ds * dh * dh + 4 * db * ds * ds * dh;
    const double sum =
        (Find(dg.ranks[0], "mb0.L0.fwd.attn").duration + Find(dg.ranks[0], "mb0.L0.fwd.mlp").duration).GetSeconds();
    CHECK(std::abs(sum - layer / d.tp / d.flopsPerSecond) <= 1e-12);
}

TEST_CASE("transformer step: the groups are the documented layout")
{
    SECTION("tp 2, pp 2, dp 2: TP groups, then DP groups")
    {
        const WorkloadGraph g = BuildTransformerStep(SmallSpec());
        const std::vector<std::vector<uint32_t>> expected = {{0, 1}, {2, 3}, {4, 5}, {6, 7},  // TP
                                                             {0, 2}, {1, 3}, {4, 6}, {5, 7}}; // DP
        CHECK(g.groups == expected);
    }
    SECTION("tp 2, pp 2, dp 4, ep 2: TP, DP, EP, then expert-data-parallel groups")
    {
        const WorkloadGraph g = BuildTransformerStep(MoeSpec());
        const std::vector<std::vector<uint32_t>> expected = {
            {0, 1},       {2, 3},       {4, 5},          {6, 7},
            {8, 9},       {10, 11},     {12, 13},        {14, 15},        // TP
            {0, 2, 4, 6}, {1, 3, 5, 7}, {8, 10, 12, 14}, {9, 11, 13, 15}, // DP
            {0, 2},       {1, 3},       {4, 6},          {5, 7},
            {8, 10},      {9, 11},      {12, 14},        {13, 15}, // EP
            {0, 4},       {1, 5},       {2, 6},          {3, 7},
            {8, 12},      {9, 13},      {10, 14},        {11, 15}, // expert DP
        };
        CHECK(g.groups == expected);
    }
    SECTION("every collective of a rank is on a group of the kind its name says")
    {
        TransformerSpec s = MoeSpec();
        const WorkloadGraph g = BuildTransformerStep(s);
        for (uint32_t r = 0; r < g.ranks.size(); ++r)
        {
            for (const GraphOp& op : g.ranks[r])
            {
                if (op.kind != GraphOp::Kind::Collective)
                {
                    continue;
                }
                INFO("rank " << r << " " << op.name);
                const auto& members = g.groups[op.group];
                CHECK(members == ExpectedGroup(s, r, op.name));
            }
        }
    }
}

TEST_CASE("transformer step: pipeline transfers go to the same tp and dp index on the next stage")
{
    TransformerSpec s = SmallSpec();
    const WorkloadGraph g = BuildTransformerStep(s);
    for (uint32_t r = 0; r < 8; ++r)
    {
        const uint32_t stage = r / 4;
        for (const GraphOp& op : g.ranks[r])
        {
            if (op.kind != GraphOp::Kind::Send && op.kind != GraphOp::Kind::Recv)
            {
                continue;
            }
            INFO("rank " << r << " " << op.name);
            const bool forward = op.name.find(".fwd.") != std::string::npos;
            const uint32_t micro = std::stoul(op.name.substr(2));
            CHECK(op.tag == 2 * micro + (forward ? 0 : 1));
            // forward: send down the pipeline, receive from up; backward: the reverse
            const bool down = forward == (op.kind == GraphOp::Kind::Send);
            CHECK(op.peer == (down ? r + 4 : r - 4));
            CHECK(stage == (down ? 0u : 1u));
        }
    }
}

TEST_CASE("transformer step: dependencies")
{
    TransformerSpec s = SmallSpec();
    WorkloadGraph g = BuildTransformerStep(s);
    const auto& r0 = g.ranks[0]; // stage 0: layers 0, 1
    const auto& r4 = g.ranks[4]; // stage 1: layers 2, 3
    auto id = [](const std::vector<GraphOp>& ops, const std::string& name) { return Find(ops, name).id; };
    using Deps = std::vector<uint64_t>;
    for (const auto* ops : {&r0, &r4})
    {
        for (std::size_t i = 0; i < ops->size(); ++i)
        {
            CHECK((*ops)[i].id == i);
        }
    }
    // a TP all-reduce between the two compute phases it separates
    CHECK(Find(r0, "mb0.L0.fwd.tp-ar1").deps == Deps{id(r0, "mb0.L0.fwd.attn")});
    CHECK(Find(r0, "mb0.L0.fwd.mlp").deps == Deps{id(r0, "mb0.L0.fwd.tp-ar1")});
    CHECK(Find(r0, "mb0.L1.fwd.attn").deps == Deps{id(r0, "mb0.L0.fwd.tp-ar2")});
    CHECK(Find(r0, "mb1.L1.bwd.tp-ar1").deps == Deps{id(r0, "mb1.L1.bwd.mlp")});
    CHECK(Find(r0, "mb1.L1.bwd.attn").deps == Deps{id(r0, "mb1.L1.bwd.tp-ar1")});
    // the send after the stage's last layer; the receive before its first, and nothing before it
    CHECK(Find(r0, "mb0.fwd.send").deps == Deps{id(r0, "mb0.L1.fwd.tp-ar2")});
    CHECK(Find(r4, "mb0.fwd.recv").deps.empty());
    CHECK(Find(r4, "mb0.L2.fwd.attn").deps == Deps{id(r4, "mb0.fwd.recv")});
    // 1F1B on the last stage: F0 B0 F1 ...; its backward starts at the logits
    CHECK(Find(r4, "mb0.logits.fwd").deps == Deps{id(r4, "mb0.L3.fwd.tp-ar2")});
    CHECK(Find(r4, "mb0.logits.bwd").deps == Deps{id(r4, "mb0.logits.fwd")});
    CHECK(Find(r4, "mb1.L2.fwd.attn").deps == Deps{id(r4, "mb0.L2.bwd.tp-ar2"), id(r4, "mb1.fwd.recv")});
    CHECK(Find(r4, "mb0.bwd.send").deps == Deps{id(r4, "mb0.L2.bwd.tp-ar2")});
    CHECK(Find(r0, "mb0.L1.bwd.mlp").deps == Deps{id(r0, "mb1.L1.fwd.tp-ar2"), id(r0, "mb0.bwd.recv")});
    // the gradient all-reduce after the last backward
    CHECK(Find(r0, "dp-allreduce").deps == Deps{id(r0, "mb2.L0.bwd.tp-ar2")});
    CHECK(r0.back().name == "dp-allreduce");
    SECTION("sharded: the all-gather first, waited for by the first pass")
    {
        s.shardedDataParallel = true;
        g = BuildTransformerStep(s);
        const auto& ops = g.ranks[4];
        CHECK(ops[0].name == "dp-allgather");
        CHECK(ops[0].deps.empty());
        CHECK(Find(ops, "mb0.L2.fwd.attn").deps == Deps{id(ops, "dp-allgather"), id(ops, "mb0.fwd.recv")});
        CHECK(Find(ops, "dp-reduce-scatter").deps == Deps{id(ops, "mb2.L2.bwd.tp-ar2")});
    }
}

TEST_CASE("transformer step: pass order of 1F1B and GPipe")
{
    TransformerSpec s = SmallSpec();
    s.pp = 4;
    s.layers = 4;
    s.dp = 1;
    s.microBatches = 3;
    const std::vector<std::vector<std::string>> oneFOneB = {
        {"F0", "F1", "F2", "B0", "B1", "B2"}, // stage 0: min(pp - 1, M) = 3 warm-up forwards
        {"F0", "F1", "F2", "B0", "B1", "B2"}, // stage 1: 2 warm-up, then F2 B0, then B1 B2
        {"F0", "F1", "B0", "F2", "B1", "B2"}, // stage 2: 1 warm-up
        {"F0", "B0", "F1", "B1", "F2", "B2"}, // stage 3: none
    };
    const WorkloadGraph g = BuildTransformerStep(s);
    for (uint32_t stage = 0; stage < 4; ++stage)
    {
        INFO("stage " << stage);
        CHECK(Passes(g.ranks[s.RankOf(0, 0, stage)]) == oneFOneB[stage]);
    }
    s.schedule = PipelineSchedule::GPipe;
    const WorkloadGraph gp = BuildTransformerStep(s);
    for (uint32_t stage = 0; stage < 4; ++stage)
    {
        CHECK(Passes(gp.ranks[s.RankOf(1, 0, stage)]) == std::vector<std::string>{"F0", "F1", "F2", "B0", "B1", "B2"});
    }
    s.schedule = PipelineSchedule::OneFOneB;
    s.microBatches = 6;
    const WorkloadGraph g6 = BuildTransformerStep(s);
    CHECK(Passes(g6.ranks[s.RankOf(0, 0, 1)]) ==
          std::vector<std::string>{"F0", "F1", "F2", "B0", "F3", "B1", "F4", "B2", "F5", "B3", "B4", "B5"});
}

TEST_CASE("transformer step: CheckGraph passes, corners included")
{
    for (const auto& [name, spec] : CornerSpecs())
    {
        INFO(name);
        const WorkloadGraph g = BuildTransformerStep(spec);
        CHECK(g.ranks.size() == spec.tp * spec.pp * spec.dp);
        CHECK_NOTHROW(CheckGraph(g));
        for (const auto& group : g.groups)
        {
            CHECK(group.size() >= 2);
        }
    }
}

TEST_CASE("transformer step: with free communication a step lasts (M + pp - 1) (t_F + t_B)")
{
    // Uniform stages (the output layer made negligible: V = 1) and communication that takes no
    // time: both schedules end after M + pp - 1 forward and backward pass times (Narayanan et al.
    // 2021, the pipeline bubble (pp - 1) / M); TP and DP change nothing.
    for (const auto schedule : {PipelineSchedule::OneFOneB, PipelineSchedule::GPipe})
    {
        for (const uint32_t m : {1u, 3u, 8u})
        {
            TransformerSpec s = SmallSpec();
            s.pp = 4;
            s.layers = 8;
            s.vocabulary = 1;
            s.microBatches = m;
            s.schedule = schedule;
            const WorkloadGraph g = BuildTransformerStep(s);
            const auto ends = IdealEnds(g);
            const double layer =
                (Find(g.ranks[0], "mb0.L0.fwd.attn").duration + Find(g.ranks[0], "mb0.L0.fwd.mlp").duration)
                    .GetSeconds();
            const double pass = 3 * layer * s.layers / s.pp; // forward + backward of one stage
            double step = 0;
            for (const auto& rank : ends)
            {
                step = std::max(step, *std::max_element(rank.begin(), rank.end()));
            }
            INFO((schedule == PipelineSchedule::GPipe ? "GPipe" : "1F1B") << ", M = " << m);
            const double logits = 3 * Find(g.ranks[g.ranks.size() - 1], "mb0.logits.fwd").duration.GetSeconds();
            CHECK(step >= (m + s.pp - 1) * pass);
            CHECK(step <= (m + s.pp - 1) * pass + m * logits + 1e-12);
            // the first stage's last backward ends the step
            CHECK(ends[0][Find(g.ranks[0], "mb" + std::to_string(m - 1) + ".L0.bwd.tp-ar2").id] == Approx(step));
        }
    }
}
