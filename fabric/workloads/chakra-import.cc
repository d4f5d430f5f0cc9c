#include "ofab/fabric/workloads/chakra-import.h"

#include "ofab/fabric/workloads/chakra-files.h"
#include "ofab/fabric/workloads/chakra-groups.h"

#include "workloads/chakra/et_def.pb.h"

#include <google/protobuf/unknown_field_set.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <unordered_set>

namespace ofab
{

namespace
{

namespace pb = ::ofab::chakra;

std::string
TypeName(int type)
{
    return pb::NodeType_IsValid(type) ? pb::NodeType_Name(static_cast<pb::NodeType>(type))
                                      : "node type " + std::to_string(type) + " (not in this reader's schema)";
}

std::string
CommTypeName(uint64_t type)
{
    const bool known = type <= INT_MAX && pb::CollectiveCommType_IsValid(static_cast<int>(type));
    return (known ? pb::CollectiveCommType_Name(static_cast<pb::CollectiveCommType>(type)) + " (" : "(") +
           std::to_string(type) + ")";
}

/// One node of one rank's file while it is mapped: where it is, for every message.
struct NodeRef
{
    const std::string& file;
    uint32_t rank;
    const pb::Node& node;

    /// "<file>: node 7 (all_reduce_grad), COMM_COLL_NODE"
    std::string Where() const
    {
        return file + ": node " + std::to_string(node.id()) + (node.name().empty() ? "" : " (" + node.name() + ")") +
               ", " + TypeName(node.type());
    }

    const pb::AttributeProto* Find(const std::string& name) const
    {
        for (const auto& a : node.attr())
        {
            if (a.name() == name)
            {
                return &a;
            }
        }
        return nullptr;
    }

    std::string KindOf(const pb::AttributeProto& a) const
    {
        const auto* field = a.GetDescriptor()->FindFieldByNumber(a.value_case());
        return field != nullptr ? field->name() : "no value";
    }

    /// An attribute holding a whole number >= 0, in any of the integer kinds; nullopt when absent.
    std::optional<uint64_t> Unsigned(const std::string& name) const
    {
        const pb::AttributeProto* a = Find(name);
        if (a == nullptr)
        {
            return std::nullopt;
        }
        int64_t s = 0;
        switch (a->value_case())
        {
        case pb::AttributeProto::kUint32Val:
            return a->uint32_val();
        case pb::AttributeProto::kUint64Val:
            return a->uint64_val();
        case pb::AttributeProto::kFixed32Val:
            return a->fixed32_val();
        case pb::AttributeProto::kFixed64Val:
            return a->fixed64_val();
        case pb::AttributeProto::kInt32Val:
            s = a->int32_val();
            break;
        case pb::AttributeProto::kInt64Val:
            s = a->int64_val();
            break;
        case pb::AttributeProto::kSint32Val:
            s = a->sint32_val();
            break;
        case pb::AttributeProto::kSint64Val:
            s = a->sint64_val();
            break;
        case pb::AttributeProto::kSfixed32Val:
            s = a->sfixed32_val();
            break;
        case pb::AttributeProto::kSfixed64Val:
            s = a->sfixed64_val();
            break;
        default:
            throw ChakraError(Where() + ": attribute '" + name + "' is a " + KindOf(*a) + ", not an integer");
        }
        if (s < 0)
        {
            throw ChakraError(Where() + ": attribute '" + name + "' is " + std::to_string(s) + ", not >= 0");
        }
        return static_cast<uint64_t>(s);
    }

    uint64_t Required(const std::string& name, const char* meaning) const
    {
        const auto v = Unsigned(name);
        if (!v)
        {
            throw ChakraError(Where() + ": no attribute '" + name + "' (" + meaning + "), which a " +
                              TypeName(node.type()) + " needs");
        }
        return *v;
    }

    /// A rank-sized attribute (peer, tag, root): it must fit 32 bits.
    std::optional<uint32_t> Small(const std::string& name) const
    {
        const auto v = Unsigned(name);
        if (v && *v > UINT32_MAX)
        {
            throw ChakraError(Where() + ": attribute '" + name + "' is " + std::to_string(*v) + ", over 2^32 - 1");
        }
        return v ? std::optional<uint32_t>(static_cast<uint32_t>(*v)) : std::nullopt;
    }

    /// A number (integer or floating point) >= 0; nullopt when absent.
    std::optional<double> Number(const std::string& name) const
    {
        const pb::AttributeProto* a = Find(name);
        if (a != nullptr && (a->has_double_val() || a->has_float_val()))
        {
            const double v = a->has_double_val() ? a->double_val() : a->float_val();
            if (!(v >= 0) || !std::isfinite(v))
            {
                throw ChakraError(Where() + ": attribute '" + name + "' is " + std::to_string(v) +
                                  ", not a number >= 0");
            }
            return v;
        }
        const auto v = Unsigned(name);
        return v ? std::optional<double>(static_cast<double>(*v)) : std::nullopt;
    }

    std::string String(const std::string& name) const
    {
        const pb::AttributeProto* a = Find(name);
        if (a == nullptr)
        {
            return "";
        }
        if (!a->has_string_val())
        {
            throw ChakraError(Where() + ": attribute '" + name + "' is a " + KindOf(*a) + ", not a string_val");
        }
        return a->string_val();
    }
};

ns3::Time
CheckedTime(const NodeRef& n, double seconds, const std::string& what)
{
    if (seconds > ns3::Time::Max().GetSeconds())
    {
        throw ChakraError(n.Where() + ": " + what + " is longer than the longest simulated time");
    }
    return ns3::Time::FromDouble(seconds, ns3::Time::S);
}

/// A GlobalMetadata parse accepts a Node's bytes (its fields become unknown ones); a varint field 1
/// or 3 (a Node's id or type) shows that the file has no metadata message.
bool
LooksLikeNode(const pb::GlobalMetadata& meta)
{
    const auto& unknown = meta.GetReflection()->GetUnknownFields(meta);
    for (int i = 0; i < unknown.field_count(); ++i)
    {
        const auto& f = unknown.field(i);
        if ((f.number() == 1 || f.number() == 3) && f.type() == google::protobuf::UnknownField::TYPE_VARINT)
        {
            return true;
        }
    }
    return false;
}

class Importer
{
  public:
    Importer(const std::string& prefix, const ChakraOptions& options)
        : m_prefix(prefix),
          m_options(options)
    {
    }

    WorkloadGraph Run()
    {
        const std::vector<std::string> files = FindChakraTraces(m_prefix);
        const auto ranks = static_cast<uint32_t>(files.size());
        m_graph.ranks.resize(ranks);
        m_graph.origin = ranks == 1 ? files[0] : m_prefix + ".{0.." + std::to_string(ranks - 1) + "}.et";
        m_groups = std::make_unique<ChakraGroups>(m_prefix + ".groups.json", ranks);
        for (uint32_t r = 0; r < ranks; ++r)
        {
            ReadRank(r, files[r]);
        }
        CheckGraph(m_graph);
        return std::move(m_graph);
    }

  private:
    void ReadRank(uint32_t rank, const std::string& path)
    {
        const DelimitedFile file = ReadDelimitedFile(path);
        if (file.messages.empty())
        {
            throw ChakraError(path + ": empty; a Chakra trace starts with a GlobalMetadata message");
        }
        for (std::size_t k = 0; k < file.messages.size(); ++k)
        {
            const DelimitedFile::Message& m = file.messages[k];
            if (m.size > static_cast<std::size_t>(INT_MAX))
            {
                throw ChakraError(path + ": byte " + std::to_string(m.offset) + ": a message of " +
                                  std::to_string(m.size) + " B (at most 2 GiB)");
            }
            const char* bytes = file.data.data() + m.begin;
            const std::string where =
                path + ": byte " + std::to_string(m.offset) + ": message " + std::to_string(k + 1);
            if (k == 0)
            {
                pb::GlobalMetadata meta;
                if (!meta.ParseFromArray(bytes, static_cast<int>(m.size)) || LooksLikeNode(meta))
                {
                    pb::Node node;
                    if (node.ParseFromArray(bytes, static_cast<int>(m.size)) && node.type() != pb::INVALID_NODE)
                    {
                        throw ChakraError(where + " is a Node, not the GlobalMetadata a trace starts with (a "
                                                  "trace from a Chakra version without metadata?)");
                    }
                    throw ChakraError(where + " does not parse as the GlobalMetadata a trace starts with");
                }
                continue;
            }
            pb::Node node;
            if (!node.ParseFromArray(bytes, static_cast<int>(m.size)))
            {
                throw ChakraError(where + " does not parse as a Chakra Node (a corrupt file?)");
            }
            m_graph.ranks[rank].push_back(Map(NodeRef{path, rank, node}));
        }
        // Ids and dependencies within the file, named by file (CheckGraph would name the rank).
        std::unordered_set<uint64_t> ids;
        for (const GraphOp& op : m_graph.ranks[rank])
        {
            if (!ids.insert(op.id).second)
            {
                throw ChakraError(path + ": node " + std::to_string(op.id) + " (" + op.name +
                                  "): the id is used twice in the file");
            }
        }
        for (const GraphOp& op : m_graph.ranks[rank])
        {
            for (uint64_t d : op.deps)
            {
                if (ids.count(d) == 0)
                {
                    throw ChakraError(path + ": node " + std::to_string(op.id) + " (" + op.name +
                                      "): depends on node " + std::to_string(d) + ", which the file does not have");
                }
            }
        }
    }

    GraphOp Map(const NodeRef& n)
    {
        GraphOp op;
        op.id = n.node.id();
        op.name = n.node.name();
        const auto add = [&op](uint64_t d) {
            if (std::find(op.deps.begin(), op.deps.end(), d) == op.deps.end())
            {
                op.deps.push_back(d);
            }
        };
        std::for_each(n.node.ctrl_deps().begin(), n.node.ctrl_deps().end(), add);
        std::for_each(n.node.data_deps().begin(), n.node.data_deps().end(), add);
        switch (n.node.type())
        {
        case pb::METADATA_NODE:
            op.kind = GraphOp::Kind::Compute;
            op.duration = ns3::Time();
            break;
        case pb::COMP_NODE:
            op.kind = GraphOp::Kind::Compute;
            op.duration = ComputeTime(n, "num_ops", "FLOPs", m_options.flopsPerSecond, "flopsPerSecond");
            break;
        case pb::MEM_LOAD_NODE:
        case pb::MEM_STORE_NODE:
            // On the rank's one compute stream: an accelerator's memory traffic and its kernels are
            // not modelled as separate resources.
            op.kind = GraphOp::Kind::Compute;
            op.duration =
                ComputeTime(n, "tensor_size", "bytes", m_options.memoryBytesPerSecond, "memoryBytesPerSecond");
            break;
        case pb::COMM_COLL_NODE:
            MapCollective(n, op);
            break;
        case pb::COMM_SEND_NODE:
        case pb::COMM_RECV_NODE:
            MapTransfer(n, op);
            break;
        default:
            throw ChakraError(n.Where() + ": unsupported node type (supported: METADATA_NODE, MEM_LOAD_NODE, "
                                          "MEM_STORE_NODE, COMP_NODE, COMM_COLL_NODE, COMM_SEND_NODE, "
                                          "COMM_RECV_NODE)");
        }
        return op;
    }

    /// duration_micros, or else `amountKey` (an amount of `unit`) / `rate`.
    ns3::Time ComputeTime(const NodeRef& n, const char* amountKey, const char* unit, double rate,
                          const char* rateName) const
    {
        const uint64_t micros = n.node.duration_micros();
        if (micros > 0)
        {
            if (micros > static_cast<uint64_t>(ns3::Time::Max().GetMicroSeconds()))
            {
                throw ChakraError(n.Where() + ": duration_micros " + std::to_string(micros) +
                                  " is longer than the longest simulated time");
            }
            return ns3::MicroSeconds(micros);
        }
        const auto amount = n.Number(amountKey);
        if (!amount || *amount == 0)
        {
            return ns3::Time(); // the trace says 0 us (proto3 cannot tell 0 from unset)
        }
        if (rate <= 0)
        {
            char text[32];
            std::snprintf(text, sizeof text, "%.15g", *amount);
            throw ChakraError(n.Where() + ": duration_micros is 0 and " + amountKey + " is " + text + " " + unit +
                              ", but no rate is set (ChakraOptions::" + rateName + ") to time it");
        }
        return CheckedTime(n, *amount / rate, std::string(amountKey) + " / " + rateName);
    }

    void MapCollective(const NodeRef& n, GraphOp& op)
    {
        op.kind = GraphOp::Kind::Collective;
        const uint64_t type = n.Required("comm_type", "the collective, a CollectiveCommType");
        const uint64_t size = n.Required("comm_size", "bytes");
        const std::string pg = n.String("pg_name");
        op.group = m_groups->Resolve(m_graph, pg, n.rank, n.Where());
        const std::vector<uint32_t>& members = m_graph.groups[op.group];
        op.bytes = size;
        switch (type)
        {
        case pb::ALL_REDUCE:
            op.algorithm = m_options.allReduce;
            break;
        case pb::ALL_GATHER:
            // Chakra's comm_size of an all-gather is each rank's contribution (ASTRA-sim's ring
            // gathers comm_size x N); S, the nccl-tests size, is the gathered total.
            op.algorithm = CollectiveAlgorithms::ALLGATHER;
            op.bytes = WholeOfParts(n, size, members.size());
            break;
        case pb::REDUCE_SCATTER:
            op.algorithm = CollectiveAlgorithms::REDUCE_SCATTER;
            break;
        case pb::ALL_TO_ALL:
            op.algorithm = CollectiveAlgorithms::ALLTOALL;
            break;
        case pb::BROADCAST:
        case pb::REDUCE:
            op.algorithm = type == pb::BROADCAST ? CollectiveAlgorithms::BROADCAST : CollectiveAlgorithms::REDUCE;
            op.root = RootPosition(n, members, pg);
            break;
        case pb::GATHER:
        case pb::SCATTER:
            // As for ALL_GATHER, comm_size is one rank's part; S is the gathered (scattered) whole.
            op.algorithm = type == pb::GATHER ? CollectiveAlgorithms::GATHER : CollectiveAlgorithms::SCATTER;
            op.bytes = WholeOfParts(n, size, members.size());
            op.root = RootPosition(n, members, pg);
            break;
        case pb::REDUCE_SCATTER_BLOCK:
            // MPI's reduce_scatter_block: equal blocks, which is what REDUCE_SCATTER runs anyway.
            op.algorithm = CollectiveAlgorithms::REDUCE_SCATTER;
            break;
        case pb::BARRIER:
            // A barrier as NCCL-based frameworks run it: an all-reduce of one 4 B element.
            op.algorithm = m_options.allReduce;
            op.bytes = 4;
            break;
        default:
            throw ChakraError(n.Where() + ": unknown comm_type " + CommTypeName(type) +
                              " (a CollectiveCommType is 0 .. 9)");
        }
    }

    static uint64_t WholeOfParts(const NodeRef& n, uint64_t part, std::size_t ranks)
    {
        if (part > UINT64_MAX / ranks)
        {
            throw ChakraError(n.Where() + ": comm_size " + std::to_string(part) + " x " + std::to_string(ranks) +
                              " ranks does not fit 64 bits");
        }
        return part * ranks;
    }

    uint32_t RootPosition(const NodeRef& n, const std::vector<uint32_t>& members, const std::string& pg) const
    {
        const auto root = n.Small("comm_root");
        if (!root)
        {
            return 0;
        }
        const auto it = std::find(members.begin(), members.end(), *root);
        if (it == members.end())
        {
            throw ChakraError(n.Where() + ": comm_root " + std::to_string(*root) + " is not a member of " +
                              m_groups->Describe(pg));
        }
        return static_cast<uint32_t>(it - members.begin());
    }

    void MapTransfer(const NodeRef& n, GraphOp& op)
    {
        const bool send = n.node.type() == pb::COMM_SEND_NODE;
        op.kind = send ? GraphOp::Kind::Send : GraphOp::Kind::Recv;
        const char* peerKey = send ? "comm_dst" : "comm_src";
        const char* selfKey = send ? "comm_src" : "comm_dst";
        const auto peer = n.Small(peerKey);
        if (!peer)
        {
            throw ChakraError(n.Where() + ": no attribute '" + peerKey + "' (the " + (send ? "destination" : "source") +
                              " rank), which a " + TypeName(n.node.type()) + " needs");
        }
        const auto self = n.Small(selfKey);
        if (self && *self != n.rank)
        {
            throw ChakraError(n.Where() + ": " + selfKey + " is " + std::to_string(*self) + ", but the file is rank " +
                              std::to_string(n.rank) + "'s");
        }
        if (*peer >= m_graph.ranks.size() || *peer == n.rank)
        {
            throw ChakraError(n.Where() + ": " + peerKey + " " + std::to_string(*peer) +
                              (*peer == n.rank ? " is the file's own rank"
                                               : " is not a rank (0 .. " + std::to_string(m_graph.ranks.size() - 1) +
                                                     ": one trace file per rank)"));
        }
        op.peer = *peer;
        op.tag = n.Small("comm_tag").value_or(0);
        op.bytes = n.Required("comm_size", "bytes");
    }

    std::string m_prefix;
    ChakraOptions m_options;
    std::unique_ptr<ChakraGroups> m_groups;
    WorkloadGraph m_graph;
};

} // namespace

WorkloadGraph
ReadChakraTraces(const std::string& prefix, const ChakraOptions& options)
{
    if (options.allReduce != CollectiveAlgorithms::RING_ALLREDUCE &&
        options.allReduce != CollectiveAlgorithms::HALVING_DOUBLING_ALLREDUCE)
    {
        throw ChakraError(std::string("ChakraOptions: an ALL_REDUCE runs ring_allreduce or "
                                      "halving_doubling_allreduce, not ") +
                          CollectiveAlgorithms::AlgorithmName(options.allReduce));
    }
    if (!(options.flopsPerSecond >= 0) || !std::isfinite(options.flopsPerSecond))
    {
        throw ChakraError("ChakraOptions: flopsPerSecond is a rate >= 0 (0 = none), not " +
                          std::to_string(options.flopsPerSecond));
    }
    return Importer(prefix, options).Run();
}

} // namespace ofab
