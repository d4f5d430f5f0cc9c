#include "ofab/fabric/workloads/workload-graph.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <numeric>
#include <tuple>
#include <unordered_map>

namespace ofab
{

namespace
{

std::string
Where(const WorkloadGraph& g, uint32_t rank, const GraphOp& op)
{
    return (g.origin.empty() ? "" : g.origin + ": ") + "rank " + std::to_string(rank) + ", op " +
           std::to_string(op.id) + (op.name.empty() ? "" : " (" + op.name + ")");
}

std::string
Number(double v)
{
    char text[32];
    std::snprintf(text, sizeof text, "%g", v);
    return text;
}

/// Union-find over every op of the graph: matched operations become one node.
struct Sets
{
    std::vector<std::size_t> parent;
    explicit Sets(std::size_t n)
        : parent(n)
    {
        std::iota(parent.begin(), parent.end(), 0);
    }
    std::size_t Find(std::size_t x)
    {
        while (parent[x] != x)
        {
            x = parent[x] = parent[parent[x]];
        }
        return x;
    }
    void Join(std::size_t a, std::size_t b) { parent[Find(a)] = Find(b); }
};

void
CheckOp(const WorkloadGraph& g, uint32_t rank, const GraphOp& op)
{
    const auto n = static_cast<uint32_t>(g.ranks.size());
    switch (op.kind)
    {
    case GraphOp::Kind::Compute:
        if (op.duration.IsStrictlyNegative())
        {
            throw GraphError(Where(g, rank, op) + ": a compute phase takes a time >= 0");
        }
        return;
    case GraphOp::Kind::Collective:
    {
        if (op.group >= g.groups.size())
        {
            throw GraphError(Where(g, rank, op) + ": group " + std::to_string(op.group) + " does not exist (" +
                             std::to_string(g.groups.size()) + " groups)");
        }
        const auto& members = g.groups[op.group];
        if (std::find(members.begin(), members.end(), rank) == members.end())
        {
            throw GraphError(Where(g, rank, op) + ": the rank is not a member of group " + std::to_string(op.group));
        }
        if (op.algorithm == CollectiveAlgorithms::SEND)
        {
            throw GraphError(Where(g, rank, op) + ": a point-to-point transfer is a Send and a Recv, not a collective");
        }
        if (op.algorithm == CollectiveAlgorithms::HALVING_DOUBLING_ALLREDUCE &&
            (members.size() & (members.size() - 1)) != 0)
        {
            throw GraphError(Where(g, rank, op) + ": halving_doubling_allreduce needs a power-of-two group, group " +
                             std::to_string(op.group) + " has " + std::to_string(members.size()) + " ranks");
        }
        if (op.root >= members.size())
        {
            throw GraphError(Where(g, rank, op) + ": root " + std::to_string(op.root) + " is not a position of group " +
                             std::to_string(op.group) + " (" + std::to_string(members.size()) + " ranks)");
        }
        break;
    }
    case GraphOp::Kind::Send:
    case GraphOp::Kind::Recv:
        if (op.peer >= n || op.peer == rank)
        {
            throw GraphError(
                Where(g, rank, op) + ": peer " + std::to_string(op.peer) +
                (op.peer == rank ? " is the rank itself" : " is not a rank (0 .. " + std::to_string(n - 1) + ")"));
        }
        break;
    }
    if (op.bytes == 0)
    {
        throw GraphError(Where(g, rank, op) + ": a communication operation moves at least 1 B");
    }
}

void
CheckGroups(const WorkloadGraph& g)
{
    for (std::size_t k = 0; k < g.groups.size(); ++k)
    {
        std::vector<uint32_t> members = g.groups[k];
        std::sort(members.begin(), members.end());
        const std::string name = (g.origin.empty() ? "" : g.origin + ": ") + "group " + std::to_string(k);
        if (members.size() < 2)
        {
            throw GraphError(name + ": a communicator has at least 2 ranks");
        }
        if (members.back() >= g.ranks.size())
        {
            throw GraphError(name + ": rank " + std::to_string(members.back()) + " does not exist (" +
                             std::to_string(g.ranks.size()) + " ranks)");
        }
        if (std::adjacent_find(members.begin(), members.end()) != members.end())
        {
            throw GraphError(name + ": a rank is listed twice");
        }
    }
}

} // namespace

uint64_t
WorkloadGraph::OpCount() const
{
    uint64_t n = 0;
    for (const auto& r : ranks)
    {
        n += r.size();
    }
    return n;
}

GraphMatching
MatchOperations(const WorkloadGraph& g)
{
    GraphMatching out;
    for (const auto& ops : g.ranks)
    {
        out.instanceOf.emplace_back(ops.size(), -1);
    }
    auto add = [&out](std::vector<std::pair<uint32_t, std::size_t>> members) {
        for (const auto& [rank, i] : members)
        {
            out.instanceOf[rank][i] = static_cast<int64_t>(out.instances.size());
        }
        out.instances.push_back(GraphInstance{std::move(members)});
    };
    // Collectives: the k-th on a group of every member is one operation.
    std::map<std::pair<uint32_t, uint32_t>, std::vector<std::size_t>> onGroup; // (group, rank) -> op indices
    // Transfers: (from, to, tag) -> the sends at `from` and the receives at `to`, in order.
    std::map<std::tuple<uint32_t, uint32_t, uint32_t>, std::pair<std::vector<std::size_t>, std::vector<std::size_t>>>
        transfers;
    for (uint32_t r = 0; r < g.ranks.size(); ++r)
    {
        for (std::size_t i = 0; i < g.ranks[r].size(); ++i)
        {
            const GraphOp& op = g.ranks[r][i];
            if (op.kind == GraphOp::Kind::Collective)
            {
                onGroup[{op.group, r}].push_back(i);
            }
            else if (op.kind == GraphOp::Kind::Send)
            {
                transfers[{r, op.peer, op.tag}].first.push_back(i);
            }
            else if (op.kind == GraphOp::Kind::Recv)
            {
                transfers[{op.peer, r, op.tag}].second.push_back(i);
            }
        }
    }
    for (std::size_t k = 0; k < g.groups.size(); ++k)
    {
        const auto group = static_cast<uint32_t>(k);
        const uint32_t lead = g.groups[k][0];
        const std::vector<std::size_t>& reference = onGroup[{group, lead}];
        const std::size_t first = out.instances.size();
        for (std::size_t j = 0; j < reference.size(); ++j)
        {
            out.instances.emplace_back();
        }
        for (uint32_t member : g.groups[k])
        {
            const std::vector<std::size_t>& mine = onGroup[{group, member}];
            for (std::size_t j = 0; j < std::max(mine.size(), reference.size()); ++j)
            {
                if (j >= mine.size() || j >= reference.size())
                {
                    const bool extra = j < mine.size();
                    const uint32_t who = extra ? member : lead;
                    const GraphOp& op = g.ranks[who][extra ? mine[j] : reference[j]];
                    throw GraphError(Where(g, who, op) + ": collective " + std::to_string(j + 1) + " on group " +
                                     std::to_string(k) + " has no match on rank " +
                                     std::to_string(extra ? lead : member) + " (it lists " +
                                     std::to_string(extra ? reference.size() : mine.size()) + ")");
                }
                const GraphOp& a = g.ranks[lead][reference[j]];
                const GraphOp& b = g.ranks[member][mine[j]];
                if (a.algorithm != b.algorithm || a.bytes != b.bytes || a.root != b.root || a.skew != b.skew)
                {
                    throw GraphError(Where(g, member, b) + ": collective " + std::to_string(j + 1) + " on group " +
                                     std::to_string(k) + " is " + CollectiveAlgorithms::AlgorithmName(b.algorithm) +
                                     " of " + std::to_string(b.bytes) + " B (root " + std::to_string(b.root) +
                                     ", skew " + Number(b.skew) + "), but on rank " + std::to_string(lead) + " " +
                                     CollectiveAlgorithms::AlgorithmName(a.algorithm) + " of " +
                                     std::to_string(a.bytes) + " B (root " + std::to_string(a.root) + ", skew " +
                                     Number(a.skew) + ")");
                }
                out.instances[first + j].members.emplace_back(member, mine[j]);
                out.instanceOf[member][mine[j]] = static_cast<int64_t>(first + j);
            }
        }
    }
    for (const auto& [key, pair] : transfers)
    {
        const auto& [from, to, tag] = key;
        const auto& [sends, recvs] = pair;
        if (sends.size() != recvs.size())
        {
            const bool extraSend = sends.size() > recvs.size();
            const uint32_t who = extraSend ? from : to;
            const GraphOp& op = g.ranks[who][extraSend ? sends[recvs.size()] : recvs[sends.size()]];
            throw GraphError(Where(g, who, op) + ": " + std::to_string(sends.size()) + " sends from rank " +
                             std::to_string(from) + " to rank " + std::to_string(to) + " with tag " +
                             std::to_string(tag) + " but " + std::to_string(recvs.size()) + " receives");
        }
        for (std::size_t j = 0; j < sends.size(); ++j)
        {
            const GraphOp& s = g.ranks[from][sends[j]];
            const GraphOp& r = g.ranks[to][recvs[j]];
            if (s.bytes != r.bytes)
            {
                throw GraphError(Where(g, to, r) + ": receives " + std::to_string(r.bytes) + " B, its send (rank " +
                                 std::to_string(from) + ", op " + std::to_string(s.id) + ") sends " +
                                 std::to_string(s.bytes) + " B");
            }
            add({{from, sends[j]}, {to, recvs[j]}});
        }
    }
    return out;
}

void
CheckGraph(const WorkloadGraph& g)
{
    if (g.ranks.empty())
    {
        throw GraphError((g.origin.empty() ? "" : g.origin + ": ") + "a workload graph has at least one rank");
    }
    CheckGroups(g);
    // Global op numbers, and each rank's ids.
    std::vector<std::size_t> base(g.ranks.size() + 1, 0);
    std::vector<std::unordered_map<uint64_t, std::size_t>> index(g.ranks.size());
    for (uint32_t r = 0; r < g.ranks.size(); ++r)
    {
        base[r + 1] = base[r] + g.ranks[r].size();
        for (std::size_t i = 0; i < g.ranks[r].size(); ++i)
        {
            const GraphOp& op = g.ranks[r][i];
            if (!index[r].emplace(op.id, i).second)
            {
                throw GraphError(Where(g, r, op) + ": the id is used twice on this rank");
            }
            CheckOp(g, r, op);
        }
    }
    const GraphMatching matching = MatchOperations(g);
    Sets sets(base.back());
    for (const GraphInstance& instance : matching.instances)
    {
        for (const auto& [rank, i] : instance.members)
        {
            sets.Join(base[rank] + i, base[instance.members[0].first] + instance.members[0].second);
        }
    }
    // Dependencies between the merged nodes must form no cycle (Kahn).
    std::vector<std::vector<std::size_t>> next(base.back());
    std::vector<uint32_t> indegree(base.back(), 0);
    for (uint32_t r = 0; r < g.ranks.size(); ++r)
    {
        for (std::size_t i = 0; i < g.ranks[r].size(); ++i)
        {
            const GraphOp& op = g.ranks[r][i];
            for (uint64_t d : op.deps)
            {
                const auto it = index[r].find(d);
                if (it == index[r].end())
                {
                    throw GraphError(Where(g, r, op) + ": depends on op " + std::to_string(d) +
                                     ", which this rank does not have");
                }
                const std::size_t from = sets.Find(base[r] + it->second);
                const std::size_t to = sets.Find(base[r] + i);
                next[from].push_back(to);
                ++indegree[to];
            }
        }
    }
    std::vector<std::size_t> ready;
    for (std::size_t v = 0; v < base.back(); ++v)
    {
        if (sets.Find(v) == v && indegree[v] == 0)
        {
            ready.push_back(v);
        }
    }
    while (!ready.empty())
    {
        const std::size_t v = ready.back();
        ready.pop_back();
        for (std::size_t w : next[v])
        {
            if (--indegree[w] == 0)
            {
                ready.push_back(w);
            }
        }
    }
    for (uint32_t r = 0; r < g.ranks.size(); ++r)
    {
        for (std::size_t i = 0; i < g.ranks[r].size(); ++i)
        {
            if (indegree[sets.Find(base[r] + i)] > 0)
            {
                throw GraphError(Where(g, r, g.ranks[r][i]) +
                                 ": waits for itself (a cycle of dependencies, through matched collectives and "
                                 "transfers across ranks): it can never start");
            }
        }
    }
}

} // namespace ofab
