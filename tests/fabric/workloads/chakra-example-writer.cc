// ofab-chakra-example: writes the Chakra example trace set experiments/chakra/tiny-dp (README.md
// there) with the protobuf classes generated from fabric/workloads/chakra/et_def.proto.
//
//   ofab-chakra-example PREFIX          writes PREFIX.0.et .. PREFIX.3.et and PREFIX.groups.json
//   ofab-chakra-example --check PREFIX  writes nothing; exit 1 naming each of those files that
//                                       differs from what it would write (a test runs this)
#include "workloads/chakra/et_def.pb.h"

#include <google/protobuf/util/delimited_message_util.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace
{

namespace pb = ofab::chakra;

constexpr uint32_t kRanks = 4;

/// Chakra's generators write every integer attribute as int64_val, and ASTRA-sim's send/receive
/// examples the ranks and tags as int32_val; the example uses both, and uint64_val for num_ops.
pb::AttributeProto
Int64(const std::string& name, int64_t v)
{
    pb::AttributeProto a;
    a.set_name(name);
    a.set_int64_val(v);
    return a;
}

pb::AttributeProto
Int32(const std::string& name, int32_t v)
{
    pb::AttributeProto a;
    a.set_name(name);
    a.set_int32_val(v);
    return a;
}

pb::Node
MakeNode(uint64_t id, const std::string& name, pb::NodeType type, std::vector<uint64_t> data,
         std::vector<uint64_t> ctrl = {})
{
    pb::Node n;
    n.set_id(id);
    n.set_name(name);
    n.set_type(type);
    for (uint64_t d : ctrl)
    {
        n.add_ctrl_deps(d);
    }
    for (uint64_t d : data)
    {
        n.add_data_deps(d);
    }
    pb::AttributeProto cpu;
    cpu.set_name("is_cpu_op");
    cpu.set_bool_val(false);
    *n.add_attr() = cpu;
    return n;
}

pb::Node
Compute(uint64_t id, const std::string& name, uint64_t micros, std::vector<uint64_t> data,
        std::vector<uint64_t> ctrl = {})
{
    pb::Node n = MakeNode(id, name, pb::COMP_NODE, std::move(data), std::move(ctrl));
    n.set_duration_micros(micros);
    return n;
}

pb::Node
Collective(uint64_t id, const std::string& name, pb::CollectiveCommType type, int64_t bytes, const std::string& pg,
           std::vector<uint64_t> data)
{
    pb::Node n = MakeNode(id, name, pb::COMM_COLL_NODE, std::move(data));
    *n.add_attr() = Int64("comm_type", type);
    *n.add_attr() = Int64("comm_size", bytes);
    if (!pg.empty())
    {
        pb::AttributeProto a;
        a.set_name("pg_name");
        a.set_string_val(pg);
        *n.add_attr() = a;
    }
    return n;
}

pb::Node
Transfer(uint64_t id, const std::string& name, pb::NodeType type, int32_t src, int32_t dst, int32_t tag, int64_t bytes,
         std::vector<uint64_t> data)
{
    pb::Node n = MakeNode(id, name, type, std::move(data));
    *n.add_attr() = Int32("comm_src", src);
    *n.add_attr() = Int32("comm_dst", dst);
    *n.add_attr() = Int32("comm_tag", tag);
    *n.add_attr() = Int64("comm_size", bytes);
    return n;
}

/// One training step of rank r (README.md there lists it).
std::vector<pb::Node>
Step(uint32_t r)
{
    std::vector<pb::Node> nodes;
    nodes.push_back(MakeNode(0, "process_groups", pb::METADATA_NODE, {}));
    nodes.push_back(Compute(1, "fwd_attention", 20, {}, {0}));
    if (r < 2)
    {
        nodes.push_back(Collective(2, "moe_dispatch", pb::ALL_TO_ALL, 256 * 1024, "1", {1}));
    }
    else if (r == 2)
    {
        nodes.push_back(Transfer(2, "send_activations", pb::COMM_SEND_NODE, 2, 3, 7, 128 * 1024, {1}));
    }
    else
    {
        nodes.push_back(Transfer(2, "recv_activations", pb::COMM_RECV_NODE, 2, 3, 7, 128 * 1024, {1}));
    }
    nodes.push_back(Compute(3, "fwd_mlp", 10, {2}));
    nodes.push_back(Compute(4, "bwd_mlp", 15, {3}));
    nodes.push_back(Collective(5, "allreduce_mlp_grad", pb::ALL_REDUCE, 1024 * 1024, "", {4}));
    pb::Node bwd = Compute(6, "bwd_attention", 15, {4});
    pb::AttributeProto flops;
    flops.set_name("num_ops");
    flops.set_uint64_val(3000000000ULL);
    *bwd.add_attr() = flops;
    nodes.push_back(bwd);
    nodes.push_back(Collective(7, "allreduce_attention_grad", pb::ALL_REDUCE, 512 * 1024, "", {6}));
    nodes.push_back(Compute(8, "optimizer_step", 5, {7}, {5, 7}));
    return nodes;
}

/// The files of the example: name suffix -> bytes.
std::vector<std::pair<std::string, std::string>>
Files()
{
    std::vector<std::pair<std::string, std::string>> files;
    for (uint32_t r = 0; r < kRanks; ++r)
    {
        std::ostringstream out;
        pb::GlobalMetadata meta;
        meta.set_version("0.0.4");
        google::protobuf::util::SerializeDelimitedToOstream(meta, &out);
        for (const pb::Node& n : Step(r))
        {
            google::protobuf::util::SerializeDelimitedToOstream(n, &out);
        }
        files.emplace_back("." + std::to_string(r) + ".et", out.str());
    }
    files.emplace_back(".groups.json", "{\"1\": [0, 1]}\n");
    return files;
}

} // namespace

int
main(int argc, char* argv[])
{
    GOOGLE_PROTOBUF_VERIFY_VERSION;
    const bool check = argc == 3 && std::strcmp(argv[1], "--check") == 0;
    if (argc != 2 && !check)
    {
        std::cerr << "usage: ofab-chakra-example [--check] PREFIX\n";
        return 2;
    }
    const std::string prefix = argv[argc - 1];
    int differ = 0;
    for (const auto& [suffix, bytes] : Files())
    {
        const std::string path = prefix + suffix;
        if (check)
        {
            std::ifstream in(path, std::ios::binary);
            const std::string have((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            if (!in.is_open() || have != bytes)
            {
                std::cerr << path << ": differs from what ofab-chakra-example writes\n";
                ++differ;
            }
            continue;
        }
        std::ofstream out(path, std::ios::binary);
        out << bytes;
        if (!out)
        {
            std::cerr << path << ": cannot write\n";
            return 1;
        }
    }
    return differ == 0 ? 0 : 1;
}
