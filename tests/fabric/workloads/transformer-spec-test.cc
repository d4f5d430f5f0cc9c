// TransformerSpec: what the generator refuses (a ParameterError naming the field) and the sizes of
// the worked example in fabric/workloads/README.md ("Training step generator").

#include "transformer-step-test-util.h"

#include "ofab/fabric/workloads/transformer-step.h"

#include "ofab/foundation/parameter-error.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <limits>
#include <string>

using namespace ofab;
using namespace ofab::test;

namespace
{

/// The field a spec is refused for ("" if accepted), by both the check and the builder.
std::string
Refused(const TransformerSpec& s)
{
    std::string field;
    try
    {
        CheckTransformerSpec(s);
    }
    catch (const ParameterError& e)
    {
        field = e.Attribute();
    }
    try
    {
        BuildTransformerStep(s);
        CHECK(field.empty());
    }
    catch (const ParameterError& e)
    {
        CHECK(e.Attribute() == field);
    }
    return field;
}

TransformerSpec
Edit(TransformerSpec s, const std::function<void(TransformerSpec&)>& edit)
{
    edit(s);
    return s;
}

} // namespace

TEST_CASE("transformer spec: divisibility refused, naming the field")
{
    CHECK(Refused(SmallSpec()).empty());
    CHECK(Refused(MoeSpec()).empty());
    CHECK(Refused(Edit(SmallSpec(), [](auto& s) { s.heads = 6, s.hidden = 60, s.tp = 4; })) == "heads");
    CHECK(Refused(Edit(SmallSpec(), [](auto& s) { s.hidden = 66; })) == "hidden"); // 4 heads
    CHECK(Refused(Edit(SmallSpec(), [](auto& s) { s.ffnHidden = 101; })) == "ffnHidden");
    CHECK(Refused(Edit(SmallSpec(), [](auto& s) { s.layers = 5; })) == "layers");
    CHECK(Refused(Edit(MoeSpec(), [](auto& s) { s.experts = 3; })) == "experts");
    CHECK(Refused(Edit(MoeSpec(), [](auto& s) { s.dp = 3; })) == "dp");
    CHECK(Refused(Edit(SmallSpec(), [](auto& s) { s.ep = 2; })) == "ep"); // dense
    CHECK(Refused(Edit(MoeSpec(), [](auto& s) { s.topK = 5; })) == "topK");
    CHECK(Refused(Edit(MoeSpec(), [](auto& s) { s.topK = 0; })) == "topK");
}

TEST_CASE("transformer spec: zeros refused, naming the field")
{
    struct Zero
    {
        std::string field;
        std::function<void(TransformerSpec&)> edit;
    };
    const Zero zeros[] = {
        {"layers", [](auto& s) { s.layers = 0; }},
        {"hidden", [](auto& s) { s.hidden = 0; }},
        {"heads", [](auto& s) { s.heads = 0; }},
        {"sequence", [](auto& s) { s.sequence = 0; }},
        {"vocabulary", [](auto& s) { s.vocabulary = 0; }},
        {"microBatch", [](auto& s) { s.microBatch = 0; }},
        {"microBatches", [](auto& s) { s.microBatches = 0; }},
        {"bytesPerElement", [](auto& s) { s.bytesPerElement = 0; }},
        {"tp", [](auto& s) { s.tp = 0; }},
        {"pp", [](auto& s) { s.pp = 0; }},
        {"dp", [](auto& s) { s.dp = 0; }},
        {"ep", [](auto& s) { s.ep = 0; }},
        {"moeEvery", [](auto& s) { s.moeEvery = 0; }},
        {"flopsPerSecond", [](auto& s) { s.flopsPerSecond = 0; }},
        {"flopsPerSecond", [](auto& s) { s.flopsPerSecond = -1; }},
        {"flopsPerSecond", [](auto& s) { s.flopsPerSecond = std::numeric_limits<double>::quiet_NaN(); }},
        {"flopsPerSecond", [](auto& s) { s.flopsPerSecond = std::numeric_limits<double>::infinity(); }},
    };
    for (const Zero& z : zeros)
    {
        INFO(z.field);
        CHECK(Refused(Edit(MoeSpec(), z.edit)) == z.field);
    }
}

TEST_CASE("transformer spec: sizes that overflow refused")
{
    // b s h overflows 64 bits
    const std::string act = Refused(Edit(SmallSpec(), [](auto& s) {
        s.sequence = uint64_t{1} << 40;
        s.hidden = uint64_t{1} << 24;
        s.heads = 4;
    }));
    CHECK(Contains(act, "sequence"));
    CHECK(Contains(act, "hidden"));
    // h^2 overflows (parameters)
    CHECK(Contains(Refused(Edit(SmallSpec(),
                                [](auto& s) {
                                    s.hidden = uint64_t{1} << 33;
                                    s.sequence = 1;
                                    s.microBatch = 1;
                                })),
                   "hidden"));
    // more operations than the generator makes
    CHECK(Refused(Edit(SmallSpec(), [](auto& s) { s.microBatches = 1u << 22; })) == "microBatches");
    // a step longer than the simulator's clock holds comfortably
    CHECK(Refused(Edit(SmallSpec(), [](auto& s) { s.flopsPerSecond = 1e-3; })) == "flopsPerSecond");
}

TEST_CASE("transformer spec: the worked example's sizes (GPT 6.7B-like, tp 8 x dp 8, 400 TFLOP/s)")
{
    TransformerSpec s; // the defaults: h 4096, 32 layers, 32 heads, s 2048, V 51200, b 1, 8 micro-batches
    s.tp = 8;
    s.dp = 8;
    const WorkloadGraph g = BuildTransformerStep(s);
    REQUIRE(g.ranks.size() == 64);
    const auto& ops = g.ranks[13];
    const Tally t = Count(ops);
    CHECK(t.compute == 1040); // 8 x (32 x 4 + 2)
    CHECK(t.tpAllReduce == 1024);
    CHECK(t.dpAllReduce == 1);
    CHECK(t.total == 2065);
    CHECK(Find(ops, "mb0.L0.fwd.tp-ar1").bytes == 16777216); // 16 MiB
    CHECK(Find(ops, "mb7.L31.fwd.attn").duration == ns3::PicoSeconds(107374182));
    CHECK(Find(ops, "mb7.L31.fwd.mlp").duration == ns3::PicoSeconds(171798692));
    CHECK(Find(ops, "mb7.logits.fwd").duration == ns3::PicoSeconds(268435456));
    CHECK(Find(ops, "mb7.L31.bwd.attn").duration == ns3::PicoSeconds(214748365));
    CHECK(Find(ops, "dp-allreduce").bytes == 1715896320);
    CHECK(Find(ops, "dp-allreduce").group == g.groups.size() - 8 + 13 % 8);
    ns3::Time compute;
    for (const GraphOp& op : ops)
    {
        compute += op.kind == GraphOp::Kind::Compute ? op.duration : ns3::Time();
    }
    CHECK(std::abs(compute.GetSeconds() - 0.2208472) < 1e-6);
    SECTION("the MoE variant: 8 experts over ep 8, top-2, every layer")
    {
        s.experts = 8;
        s.ep = 8;
        s.topK = 2;
        const WorkloadGraph m = BuildTransformerStep(s);
        const auto& mo = m.ranks[13];
        CHECK(Find(mo, "mb0.L0.fwd.a2a-dispatch").bytes == 33554432); // 32 MiB
        CHECK(Find(mo, "mb0.L0.fwd.experts").duration == ns3::PicoSeconds(343597384));
        CHECK(Count(mo).alltoall == 1024);
        CHECK(Find(mo, "dp-allreduce").bytes == 642252800);
        CHECK(Count(mo).expertCollectives == 0); // dp / ep = 1: each expert on one rank of the DP group
    }
}
