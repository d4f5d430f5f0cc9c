#ifndef OFAB_TESTS_FAULTS_TRACE_READ_H
#define OFAB_TESTS_FAULTS_TRACE_READ_H

// Reads back what a run wrote to its HDF5 trace: /meta attributes and /events rows (enum names
// decoded from the file's own enumeration type, as h5py would).

#include "ofab/fabric/trace/hdf5-table.h"

#include <cstring>
#include <string>
#include <vector>

namespace ofab
{
namespace faultstest
{

struct TraceEvent
{
    double timeNs = 0;
    std::string kind;
    std::string element;
    std::string detail;
};

inline std::string
ReadMeta(const std::string& path, const char* name)
{
    Hdf5Handle f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open");
    Hdf5Handle meta(H5Gopen2(f.Id(), "meta", H5P_DEFAULT), H5Gclose, "open meta");
    Hdf5Handle attr(H5Aopen(meta.Id(), name, H5P_DEFAULT), H5Aclose, "open attribute");
    Hdf5Handle type(H5Aget_type(attr.Id()), H5Tclose, "type");
    std::string value(H5Tget_size(type.Id()), '\0');
    H5Aread(attr.Id(), type.Id(), value.data());
    return value.substr(0, value.find('\0'));
}

inline std::vector<TraceEvent>
ReadEvents(const std::string& path)
{
    Hdf5Handle f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open");
    Hdf5Handle d(H5Dopen2(f.Id(), "events", H5P_DEFAULT), H5Dclose, "open events");
    Hdf5Handle type(H5Dget_type(d.Id()), H5Tclose, "type");
    Hdf5Handle space(H5Dget_space(d.Id()), H5Sclose, "space");
    const auto rows = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.Id()));
    const std::size_t size = H5Tget_size(type.Id());
    std::vector<char> bytes(rows * size);
    if (rows > 0)
    {
        H5Dread(d.Id(), type.Id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data());
    }
    auto member = [&](const char* name) { return static_cast<unsigned>(H5Tget_member_index(type.Id(), name)); };
    const std::size_t tOff = H5Tget_member_offset(type.Id(), member("time_ns"));
    const std::size_t kOff = H5Tget_member_offset(type.Id(), member("kind"));
    const std::size_t eOff = H5Tget_member_offset(type.Id(), member("element"));
    const std::size_t dOff = H5Tget_member_offset(type.Id(), member("detail"));
    Hdf5Handle kindType(H5Tget_member_type(type.Id(), member("kind")), H5Tclose, "kind type");
    Hdf5Handle elementType(H5Tget_member_type(type.Id(), member("element")), H5Tclose, "element type");
    Hdf5Handle detailType(H5Tget_member_type(type.Id(), member("detail")), H5Tclose, "detail type");
    auto text = [](const char* p, std::size_t n) { return std::string(p, strnlen(p, n)); };
    std::vector<TraceEvent> out;
    for (std::size_t r = 0; r < rows; ++r)
    {
        const char* row = bytes.data() + r * size;
        TraceEvent e;
        std::memcpy(&e.timeNs, row + tOff, sizeof(double));
        char name[64] = {0};
        H5Tenum_nameof(kindType.Id(), row + kOff, name, sizeof(name));
        e.kind = name;
        e.element = text(row + eOff, H5Tget_size(elementType.Id()));
        e.detail = text(row + dOff, H5Tget_size(detailType.Id()));
        out.push_back(e);
    }
    return out;
}

} // namespace faultstest
} // namespace ofab

#endif
