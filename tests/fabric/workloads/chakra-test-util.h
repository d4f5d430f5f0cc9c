#ifndef OFAB_TESTS_FABRIC_WORKLOADS_CHAKRA_TEST_UTIL_H
#define OFAB_TESTS_FABRIC_WORKLOADS_CHAKRA_TEST_UTIL_H

// Chakra trace files for the reader's tests, encoded here byte by byte from the protobuf wire format
// (varints, length-delimited fields, little-endian doubles) and Chakra's field numbers: independent
// of the generated classes the reader uses, so the tests also check that the schema's numbers are
// Chakra's. Also a scratch folder that removes itself.

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace chakra_test
{

// Chakra's NodeType and CollectiveCommType values.
enum NodeType : uint32_t
{
    INVALID_NODE = 0,
    METADATA_NODE = 1,
    MEM_LOAD_NODE = 2,
    MEM_STORE_NODE = 3,
    COMP_NODE = 4,
    COMM_SEND_NODE = 5,
    COMM_RECV_NODE = 6,
    COMM_COLL_NODE = 7,
};

enum CommType : int64_t
{
    ALL_REDUCE = 0,
    REDUCE = 1,
    ALL_GATHER = 2,
    GATHER = 3,
    SCATTER = 4,
    BROADCAST = 5,
    ALL_TO_ALL = 6,
    REDUCE_SCATTER = 7,
    REDUCE_SCATTER_BLOCK = 8,
    BARRIER = 9,
};

inline void
Varint(std::string& out, uint64_t v)
{
    while (v >= 0x80)
    {
        out.push_back(static_cast<char>((v & 0x7f) | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<char>(v));
}

/// A field's key: number and wire type (0 varint, 1 64-bit, 2 length-delimited).
inline void
Key(std::string& out, uint32_t field, uint32_t wire)
{
    Varint(out, (uint64_t{field} << 3) | wire);
}

inline void
Field(std::string& out, uint32_t field, const std::string& bytes)
{
    Key(out, field, 2);
    Varint(out, bytes.size());
    out += bytes;
}

inline void
Field(std::string& out, uint32_t field, uint64_t v)
{
    Key(out, field, 0);
    Varint(out, v);
}

/// An AttributeProto already encoded: name = 1 and one value field.
struct Attr
{
    std::string bytes;
};

inline Attr
Named(const std::string& name)
{
    Attr a;
    Field(a.bytes, 1, name);
    return a;
}

inline Attr
Int64(const std::string& name, int64_t v)
{
    Attr a = Named(name);
    Field(a.bytes, 9, static_cast<uint64_t>(v));
    return a;
}

inline Attr
Uint64(const std::string& name, uint64_t v)
{
    Attr a = Named(name);
    Field(a.bytes, 13, v);
    return a;
}

inline Attr
Int32(const std::string& name, int32_t v)
{
    Attr a = Named(name);
    Field(a.bytes, 7, static_cast<uint64_t>(static_cast<int64_t>(v))); // negative: sign-extended
    return a;
}

inline Attr
Double(const std::string& name, double v)
{
    Attr a = Named(name);
    Key(a.bytes, 3, 1);
    uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof bits);
    for (int i = 0; i < 8; ++i)
    {
        a.bytes.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
    }
    return a;
}

inline Attr
String(const std::string& name, const std::string& v)
{
    Attr a = Named(name);
    Field(a.bytes, 29, v);
    return a;
}

struct Node
{
    uint64_t id = 0;
    std::string name;
    uint32_t type = COMP_NODE;
    std::vector<uint64_t> ctrl;
    std::vector<uint64_t> data;
    uint64_t micros = 0;
    std::vector<Attr> attrs;

    std::string Encode() const
    {
        std::string out;
        Field(out, 1, id);
        Field(out, 2, name);
        Field(out, 3, type);
        for (const auto& [number, deps] : {std::make_pair(4u, ctrl), std::make_pair(5u, data)})
        {
            if (!deps.empty())
            {
                std::string packed;
                for (uint64_t d : deps)
                {
                    Varint(packed, d);
                }
                Field(out, number, packed);
            }
        }
        if (micros > 0)
        {
            Field(out, 7, micros);
        }
        for (const Attr& a : attrs)
        {
            Field(out, 10, a.bytes);
        }
        return out;
    }
};

inline Node
Comp(uint64_t id, const std::string& name, uint64_t micros, std::vector<uint64_t> deps = {})
{
    Node n{id, name, COMP_NODE, {}, std::move(deps), micros, {}};
    return n;
}

inline Node
Coll(uint64_t id, const std::string& name, int64_t type, int64_t bytes, std::vector<uint64_t> deps = {},
     const std::string& pg = "")
{
    Node n{id, name, COMM_COLL_NODE, {}, std::move(deps), 0, {Int64("comm_type", type), Int64("comm_size", bytes)}};
    if (!pg.empty())
    {
        n.attrs.push_back(String("pg_name", pg));
    }
    return n;
}

/// A send (to `peer`) or a receive (from `peer`).
inline Node
Transfer(uint64_t id, const std::string& name, bool send, int32_t peer, int64_t bytes, std::vector<uint64_t> deps = {})
{
    return Node{id,
                name,
                send ? COMM_SEND_NODE : COMM_RECV_NODE,
                {},
                std::move(deps),
                0,
                {Int32(send ? "comm_dst" : "comm_src", peer), Int64("comm_size", bytes)}};
}

/// A message with its varint length in front.
inline std::string
Delimited(const std::string& message)
{
    std::string out;
    Varint(out, message.size());
    return out + message;
}

/// GlobalMetadata {version}
inline std::string
Metadata(const std::string& version = "0.0.4")
{
    std::string m;
    Field(m, 1, version);
    return Delimited(m);
}

inline void
WriteBytes(const std::string& path, const std::string& bytes)
{
    std::ofstream out(path, std::ios::binary);
    out << bytes;
}

/// A trace file: GlobalMetadata, then the nodes.
inline void
WriteTrace(const std::string& path, const std::vector<Node>& nodes)
{
    std::string bytes = Metadata();
    for (const Node& n : nodes)
    {
        bytes += Delimited(n.Encode());
    }
    WriteBytes(path, bytes);
}

/// A fresh folder under the system's temporary one, removed with everything in it at scope end.
class ScratchDir
{
  public:
    ScratchDir()
    {
        std::string pattern = (std::filesystem::temp_directory_path() / "ofab-chakra-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr)
        {
            throw std::runtime_error("cannot create a scratch folder");
        }
        m_path = pattern;
    }
    ~ScratchDir()
    {
        std::error_code ignored;
        std::filesystem::remove_all(m_path, ignored);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;

    std::string Path(const std::string& name) const { return (m_path / name).string(); }

  private:
    std::filesystem::path m_path;
};

/// Writes `<dir>/t.<rank>.et` for every rank's nodes (and `<dir>/t.groups.json` when given), in
/// place of the files an earlier call wrote; returns the prefix `<dir>/t`.
inline std::string
WriteSet(const ScratchDir& dir, const std::vector<std::vector<Node>>& ranks, const std::string& groupsJson = "")
{
    const std::string prefix = dir.Path("t");
    for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(prefix).parent_path()))
    {
        if (entry.path().filename().string().rfind("t.", 0) == 0)
        {
            std::filesystem::remove(entry.path()); // the files of an earlier set
        }
    }
    for (std::size_t r = 0; r < ranks.size(); ++r)
    {
        WriteTrace(prefix + "." + std::to_string(r) + ".et", ranks[r]);
    }
    if (!groupsJson.empty())
    {
        WriteBytes(prefix + ".groups.json", groupsJson);
    }
    return prefix;
}

} // namespace chakra_test

#endif
