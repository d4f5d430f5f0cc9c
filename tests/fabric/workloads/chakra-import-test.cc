// ReadChakraTraces: the committed example (experiments/chakra/tiny-dp), the mapping of node and
// collective types, groups, dependencies, and the errors for traces that cannot be read or run.
#include "chakra-test-util.h"

#include "ofab/fabric/workloads/chakra-import.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>

using namespace ofab;
using namespace chakra_test;

namespace
{

const std::string kExample = "experiments/chakra/tiny-dp/workload";

const GraphOp&
Op(const WorkloadGraph& g, uint32_t rank, uint64_t id)
{
    const auto& ops = g.ranks.at(rank);
    const auto it = std::find_if(ops.begin(), ops.end(), [id](const GraphOp& op) { return op.id == id; });
    REQUIRE(it != ops.end());
    return *it;
}

std::map<GraphOp::Kind, int>
Kinds(const std::vector<GraphOp>& ops)
{
    std::map<GraphOp::Kind, int> n;
    for (const GraphOp& op : ops)
    {
        ++n[op.kind];
    }
    return n;
}

/// The message ReadChakraTraces throws for a prefix (fails the test when it reads fine).
std::string
Refusal(const std::string& prefix, const ChakraOptions& options = {})
{
    try
    {
        ReadChakraTraces(prefix, options);
    }
    catch (const GraphError& e)
    {
        return e.what();
    }
    FAIL("the traces were read");
    return "";
}

} // namespace

TEST_CASE("Chakra example tiny-dp: ops per rank and kind, bytes of every communication op", "[chakra]")
{
    const WorkloadGraph g = ReadChakraTraces(kExample);
    REQUIRE(g.ranks.size() == 4);
    CHECK(g.OpCount() == 36);
    CHECK(g.origin == kExample + ".{0..3}.et");
    using K = GraphOp::Kind;
    for (uint32_t r = 0; r < 4; ++r)
    {
        INFO("rank " << r);
        CHECK(g.ranks[r].size() == 9);
        const auto kinds = Kinds(g.ranks[r]);
        CHECK(kinds.at(K::Compute) == 6); // 1 metadata node, 5 compute nodes
        CHECK(kinds.at(K::Collective) == (r < 2 ? 3 : 2));
        CHECK(kinds.count(K::Send) == (r == 2 ? 1u : 0u));
        CHECK(kinds.count(K::Recv) == (r == 3 ? 1u : 0u));
        CHECK(Op(g, r, 5).name == "allreduce_mlp_grad");
        CHECK(Op(g, r, 5).algorithm == CollectiveAlgorithms::RING_ALLREDUCE);
        CHECK(Op(g, r, 5).bytes == 1048576);
        CHECK(Op(g, r, 7).algorithm == CollectiveAlgorithms::RING_ALLREDUCE);
        CHECK(Op(g, r, 7).bytes == 524288);
    }
    for (uint32_t r = 0; r < 2; ++r)
    {
        CHECK(Op(g, r, 2).name == "moe_dispatch");
        CHECK(Op(g, r, 2).algorithm == CollectiveAlgorithms::ALLTOALL);
        CHECK(Op(g, r, 2).bytes == 262144);
    }
    const GraphOp& send = Op(g, 2, 2);
    CHECK(send.kind == K::Send);
    CHECK(send.peer == 3);
    CHECK(send.tag == 7);
    CHECK(send.bytes == 131072);
    const GraphOp& recv = Op(g, 3, 2);
    CHECK(recv.kind == K::Recv);
    CHECK(recv.peer == 2);
    CHECK(recv.tag == 7);
    CHECK(recv.bytes == 131072);
}

TEST_CASE("Chakra example tiny-dp: groups are the groups file's, the world for nodes naming none", "[chakra]")
{
    const WorkloadGraph g = ReadChakraTraces(kExample);
    // Created on first use, rank 0's file first: the all-to-all's group "1", then the world.
    REQUIRE(g.groups == std::vector<std::vector<uint32_t>>{{0, 1}, {0, 1, 2, 3}});
    CHECK(Op(g, 0, 2).group == 0);
    CHECK(Op(g, 1, 2).group == 0);
    for (uint32_t r = 0; r < 4; ++r)
    {
        CHECK(Op(g, r, 5).group == 1);
        CHECK(Op(g, r, 7).group == 1);
    }
}

TEST_CASE("Chakra example tiny-dp: deps are ctrl_deps then data_deps without repeats, times in us", "[chakra]")
{
    const WorkloadGraph g = ReadChakraTraces(kExample);
    CHECK(Op(g, 0, 0).deps.empty());
    CHECK(Op(g, 0, 0).kind == GraphOp::Kind::Compute); // the metadata node
    CHECK(Op(g, 0, 0).duration.IsZero());
    CHECK(Op(g, 0, 1).deps == std::vector<uint64_t>{0}); // a ctrl_dep
    CHECK(Op(g, 0, 1).duration == ns3::MicroSeconds(20));
    CHECK(Op(g, 1, 3).deps == std::vector<uint64_t>{2}); // after the all-to-all
    CHECK(Op(g, 3, 3).deps == std::vector<uint64_t>{2}); // after the receive
    // The gradient all-reduce and the next backward compute both wait for bwd_mlp only: they overlap.
    CHECK(Op(g, 2, 5).deps == std::vector<uint64_t>{4});
    CHECK(Op(g, 2, 6).deps == std::vector<uint64_t>{4});
    CHECK(Op(g, 2, 6).duration == ns3::MicroSeconds(15)); // duration_micros wins over num_ops
    // ctrl_deps {5, 7} and data_deps {7}.
    CHECK(Op(g, 3, 8).deps == std::vector<uint64_t>{5, 7});
}

TEST_CASE("Chakra options: halving-doubling all-reduce, compute time from num_ops and a FLOP rate", "[chakra]")
{
    ChakraOptions hd;
    hd.allReduce = CollectiveAlgorithms::HALVING_DOUBLING_ALLREDUCE;
    const WorkloadGraph g = ReadChakraTraces(kExample, hd);
    CHECK(Op(g, 0, 5).algorithm == CollectiveAlgorithms::HALVING_DOUBLING_ALLREDUCE);
    CHECK(Op(g, 0, 2).algorithm == CollectiveAlgorithms::ALLTOALL);
    ChakraOptions allgather;
    allgather.allReduce = CollectiveAlgorithms::ALLGATHER;
    CHECK_THAT(Refusal(kExample, allgather), Catch::Contains("an ALL_REDUCE runs ring_allreduce or"));

    ScratchDir dir;
    Node gemm = Comp(1, "gemm", 0);
    gemm.attrs.push_back(Uint64("num_ops", 2000000000));
    Node gemv = Comp(2, "gemv", 0, {1});
    gemv.attrs.push_back(Double("num_ops", 5e8));
    const std::string prefix = WriteSet(dir, {{gemm, gemv, Comp(3, "idle", 0, {2})}});
    ChakraOptions rate;
    rate.flopsPerSecond = 1e14;
    const WorkloadGraph timed = ReadChakraTraces(prefix, rate);
    CHECK(std::abs(Op(timed, 0, 1).duration.GetPicoSeconds() - 20000000) <= 1); // 2e9 / 1e14 s = 20 us
    CHECK(std::abs(Op(timed, 0, 2).duration.GetPicoSeconds() - 5000000) <= 1);
    CHECK(Op(timed, 0, 3).duration.IsZero()); // neither a duration nor num_ops: 0 us as written
    const std::string noRate = Refusal(prefix);
    CHECK_THAT(noRate, Catch::Contains(prefix + ".0.et: node 1 (gemm), COMP_NODE"));
    CHECK_THAT(noRate,
               Catch::Contains("num_ops is 2000000000 FLOPs, but no rate is set (ChakraOptions::flopsPerSecond)"));
}

TEST_CASE("Chakra memory nodes: duration_micros, or tensor_size over the memory rate, on the compute stream",
          "[chakra]")
{
    ScratchDir dir;
    Node load{1, "load_weights", MEM_LOAD_NODE, {}, {}, 0, {Uint64("tensor_size", 3000000)}};
    Node store{2, "store_grads", MEM_STORE_NODE, {}, {1}, 7, {Uint64("tensor_size", 1)}};
    const std::string prefix = WriteSet(dir, {{load, store}});
    ChakraOptions rate;
    rate.memoryBytesPerSecond = 3e12; // HBM3-like
    const WorkloadGraph g = ReadChakraTraces(prefix, rate);
    CHECK(Op(g, 0, 1).kind == GraphOp::Kind::Compute);
    CHECK(std::abs(Op(g, 0, 1).duration.GetPicoSeconds() - 1000000) <= 1); // 3e6 B / 3e12 B/s = 1 us
    CHECK(Op(g, 0, 2).duration == ns3::MicroSeconds(7));                   // the trace's duration wins
    CHECK(Op(g, 0, 2).deps == std::vector<uint64_t>{1});
    CHECK_THAT(Refusal(prefix), Catch::Contains(prefix + ".0.et: node 1 (load_weights), MEM_LOAD_NODE: "
                                                         "duration_micros is 0 and tensor_size is 3000000 bytes, "
                                                         "but no rate is set (ChakraOptions::memoryBytesPerSecond)"));
}

TEST_CASE("Chakra collectives: all-gather S = comm_size x ranks, roots, groups in the file's rank order", "[chakra]")
{
    ScratchDir dir;
    std::vector<std::vector<Node>> ranks(4);
    for (uint32_t r = 0; r < 4; ++r)
    {
        Node bcast = Coll(3, "bcast", BROADCAST, 4096, {2}, "rev");
        bcast.attrs.push_back(Int64("comm_root", 2));
        ranks[r] = {Coll(1, "ag", ALL_GATHER, 1000), Coll(2, "rs", REDUCE_SCATTER, 4096, {1}, "0"), bcast,
                    Coll(4, "reduce", REDUCE, 512, {3}, "rev")};
    }
    const WorkloadGraph g = ReadChakraTraces(WriteSet(dir, ranks, R"({"rev": [3, 2, 1, 0]})"));
    REQUIRE(g.groups == std::vector<std::vector<uint32_t>>{{0, 1, 2, 3}, {3, 2, 1, 0}});
    CHECK(Op(g, 1, 1).algorithm == CollectiveAlgorithms::ALLGATHER);
    CHECK(Op(g, 1, 1).bytes == 4000);
    CHECK(Op(g, 1, 2).algorithm == CollectiveAlgorithms::REDUCE_SCATTER);
    CHECK(Op(g, 1, 2).bytes == 4096);
    CHECK(Op(g, 1, 2).group == 0); // pg_name "0" without a group "0" in the file: the world
    CHECK(Op(g, 1, 3).algorithm == CollectiveAlgorithms::BROADCAST);
    CHECK(Op(g, 1, 3).group == 1);
    CHECK(Op(g, 1, 3).root == 1); // rank 2 is second in [3, 2, 1, 0]
    CHECK(Op(g, 1, 4).algorithm == CollectiveAlgorithms::REDUCE);
    CHECK(Op(g, 1, 4).root == 0);
}

TEST_CASE("Chakra collectives: gather and scatter S = comm_size x ranks with their root, barrier, blocks", "[chakra]")
{
    ScratchDir dir;
    std::vector<std::vector<Node>> ranks(4);
    for (uint32_t r = 0; r < 4; ++r)
    {
        Node gather = Coll(1, "gather", GATHER, 1000);
        gather.attrs.push_back(Int64("comm_root", 3));
        Node scatter = Coll(2, "scatter", SCATTER, 512, {1});
        ranks[r] = {gather, scatter, Coll(3, "barrier", BARRIER, 0, {2}),
                    Coll(4, "rsb", REDUCE_SCATTER_BLOCK, 4096, {3})};
    }
    const WorkloadGraph g = ReadChakraTraces(WriteSet(dir, ranks));
    CHECK(Op(g, 2, 1).algorithm == CollectiveAlgorithms::GATHER);
    CHECK(Op(g, 2, 1).bytes == 4000);
    CHECK(Op(g, 2, 1).root == 3);
    CHECK(Op(g, 2, 2).algorithm == CollectiveAlgorithms::SCATTER);
    CHECK(Op(g, 2, 2).bytes == 2048);
    CHECK(Op(g, 2, 2).root == 0); // no comm_root: the group's first rank
    CHECK(Op(g, 2, 3).algorithm == CollectiveAlgorithms::RING_ALLREDUCE);
    CHECK(Op(g, 2, 3).bytes == 4); // one element, whatever comm_size says
    CHECK(Op(g, 2, 4).algorithm == CollectiveAlgorithms::REDUCE_SCATTER);
    CHECK(Op(g, 2, 4).bytes == 4096);
}

TEST_CASE("Chakra errors: no rank-0 file, a truncated file, a corrupt message name the file", "[chakra]")
{
    ScratchDir dir;
    CHECK_THAT(Refusal(dir.Path("none")), Catch::Contains(dir.Path("none") + ".0.et: no trace for rank 0"));

    // A copy of the example with rank 1's file cut short: its last node's bytes end early.
    for (const char* suffix : {".0.et", ".1.et", ".2.et", ".3.et", ".groups.json"})
    {
        std::filesystem::copy_file(kExample + suffix, dir.Path("cut") + suffix);
    }
    const std::string cut = dir.Path("cut") + ".1.et";
    std::filesystem::resize_file(cut, std::filesystem::file_size(cut) - 5);
    const std::string truncated = Refusal(dir.Path("cut"));
    CHECK_THAT(truncated, Catch::StartsWith(cut + ": byte "));
    CHECK_THAT(truncated, Catch::Contains("message 10 announces"));
    CHECK_THAT(truncated, Catch::Contains("(a truncated file?)"));
    std::filesystem::resize_file(cut, 1); // inside the metadata message's length
    CHECK_THAT(Refusal(dir.Path("cut")), Catch::Contains(cut + ": byte 0: message 1 announces"));

    // A node whose name field announces 9 bytes but holds 3.
    const std::string bad = dir.Path("bad");
    WriteBytes(bad + ".0.et", Metadata() + Delimited(Comp(1, "a", 1).Encode()) +
                                  Delimited("\x12\x09"
                                            "abc"));
    CHECK_THAT(Refusal(bad), Catch::Contains(bad + ".0.et: byte "));
    CHECK_THAT(Refusal(bad), Catch::Contains("message 3 does not parse as a Chakra Node"));
    WriteBytes(bad + ".0.et", Delimited(Comp(1, "first", 1).Encode()));
    CHECK_THAT(Refusal(bad), Catch::Contains("message 1 is a Node, not the GlobalMetadata"));
    WriteBytes(bad + ".0.et", "");
    CHECK_THAT(Refusal(bad), Catch::Contains(bad + ".0.et: empty"));
}

TEST_CASE("Chakra errors: unsupported node and collective types name the file, node and type", "[chakra]")
{
    ScratchDir dir;
    const auto refusal = [&dir](const Node& n, const std::string& groups = "") {
        return Refusal(WriteSet(dir, {{Comp(1, "x", 1), n}, {Comp(1, "x", 1)}}, groups));
    };
    const std::string t0 = dir.Path("t") + ".0.et";
    Node invalid{5, "nothing", INVALID_NODE, {}, {}, 0, {}};
    CHECK_THAT(refusal(invalid), Catch::Contains(t0 + ": node 5 (nothing), INVALID_NODE: unsupported node type"));
    Node storage{6, "ckpt", 8, {}, {}, 0, {}};
    CHECK_THAT(refusal(storage), Catch::Contains("node 6 (ckpt), node type 8 (not in this reader's schema)"));
    Node gather = Coll(7, "c", GATHER, 64);
    gather.attrs.push_back(Int64("comm_root", 5));
    CHECK_THAT(refusal(gather), Catch::Contains(t0 + ": node 7 (c), COMM_COLL_NODE: comm_root 5 is not a member"));
    CHECK_THAT(refusal(Coll(7, "c", 42, 64)), Catch::Contains("node 7 (c), COMM_COLL_NODE: unknown comm_type (42)"));
    Node noSize{7, "c", COMM_COLL_NODE, {}, {}, 0, {Int64("comm_type", ALL_REDUCE)}};
    CHECK_THAT(refusal(noSize), Catch::Contains("node 7 (c), COMM_COLL_NODE: no attribute 'comm_size'"));
    Node textSize{7, "c", COMM_COLL_NODE, {}, {}, 0, {Int64("comm_type", ALL_REDUCE), String("comm_size", "1")}};
    CHECK_THAT(refusal(textSize), Catch::Contains("attribute 'comm_size' is a string_val, not an integer"));
    CHECK_THAT(refusal(Coll(7, "c", ALL_REDUCE, 64, {}, "tp")),
               Catch::Contains("node 7 (c), COMM_COLL_NODE: pg_name 'tp' is not a group of " + dir.Path("t") +
                               ".groups.json"));
    CHECK_THAT(refusal(Coll(7, "c", ALL_REDUCE, 64, {}, "tp"), R"({"tp": [1, 2], "dp": [0, 2]})"),
               Catch::Contains(dir.Path("t") + ".groups.json: group 'tp': 2 is not a rank (0 .. 1"));
    CHECK_THAT(Refusal(WriteSet(dir, {{Coll(7, "c", ALL_REDUCE, 64, {}, "tp")}, {}, {}}, R"({"tp": [1, 2]})")),
               Catch::Contains(t0 + ": node 7 (c), COMM_COLL_NODE: the file is rank 0's, which is not a member of "
                                    "process group 'tp'"));
    Node noPeer{8, "s", COMM_SEND_NODE, {}, {}, 0, {Int64("comm_size", 64)}};
    CHECK_THAT(refusal(noPeer), Catch::Contains("node 8 (s), COMM_SEND_NODE: no attribute 'comm_dst'"));
    CHECK_THAT(refusal(Transfer(8, "s", true, 0, 64)), Catch::Contains("comm_dst 0 is the file's own rank"));
    CHECK_THAT(refusal(Transfer(8, "s", true, 5, 64)), Catch::Contains("comm_dst 5 is not a rank (0 .. 1"));
}

TEST_CASE("Chakra errors: unmatched collectives, cycles and missing dependencies are refused", "[chakra]")
{
    ScratchDir dir;
    // Rank 1 lists no all-reduce: CheckGraph names the set of files and the rank.
    const std::string unmatched =
        Refusal(WriteSet(dir, {{Comp(1, "x", 1), Coll(2, "ar", ALL_REDUCE, 1024, {1})}, {Comp(1, "x", 1)}}));
    CHECK_THAT(unmatched, Catch::StartsWith(dir.Path("t") + ".{0..1}.et: rank 0, op 2 (ar)"));
    CHECK_THAT(unmatched, Catch::Contains("has no match on rank 1"));

    // Rank 0's all-reduce waits for its send, whose receive on rank 1 waits for the same all-reduce.
    const std::string cycle =
        Refusal(WriteSet(dir, {{Coll(1, "ar", ALL_REDUCE, 1024, {2}), Transfer(2, "s", true, 1, 64)},
                               {Coll(1, "ar", ALL_REDUCE, 1024), Transfer(2, "r", false, 0, 64, {1})}}));
    CHECK_THAT(cycle, Catch::StartsWith(dir.Path("t") + ".{0..1}.et: rank "));
    CHECK_THAT(cycle, Catch::Contains("waits for itself"));

    const std::string t1 = dir.Path("t") + ".1.et";
    CHECK_THAT(Refusal(WriteSet(dir, {{Comp(1, "x", 1)}, {Comp(1, "x", 1), Comp(2, "y", 1, {9})}})),
               Catch::Contains(t1 + ": node 2 (y): depends on node 9, which the file does not have"));
    CHECK_THAT(Refusal(WriteSet(dir, {{Comp(1, "x", 1)}, {Comp(1, "x", 1), Comp(1, "y", 1)}})),
               Catch::Contains(t1 + ": node 1 (y): the id is used twice in the file"));
}
