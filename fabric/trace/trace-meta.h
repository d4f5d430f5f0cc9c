#ifndef OFAB_FABRIC_TRACE_TRACE_META_H
#define OFAB_FABRIC_TRACE_TRACE_META_H

#include <optional>
#include <string>

namespace ofab
{

/// What an existing file says about the trace it holds, read without changing it.
struct TraceMetaRead
{
    bool isHdf5 = false;              ///< false: not an HDF5 file (or unreadable)
    std::optional<std::string> value; ///< the /meta attribute, when the file has it as a string
};

/// Reads the string attribute `name` of /meta (e.g. "experiment", "status") of the HDF5 file at `path`.
/// Never throws and prints nothing: a missing file, a foreign file or a missing attribute is an empty answer.
TraceMetaRead ReadTraceMeta(const std::string& path, const std::string& name);

} // namespace ofab

#endif
