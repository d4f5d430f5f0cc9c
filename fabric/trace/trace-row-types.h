#ifndef OFAB_FABRIC_TRACE_TRACE_ROW_TYPES_H
#define OFAB_FABRIC_TRACE_TRACE_ROW_TYPES_H

// The HDF5 compound types of the trace's rows (trace-rows.h), field by field as
// docs/trace-format.md names them; enumerations carry their value names.

#include "ofab/fabric/trace/hdf5-table.h"
#include "ofab/fabric/trace/trace-rows.h"

#include <string>
#include <vector>

namespace ofab
{

struct TraceEnums;

CompoundType TransactionType(const TraceEnums& e);
CompoundType EventType(const TraceEnums& e);
CompoundType LinkStateType(const TraceEnums& e);
CompoundType CollectiveType(const TraceEnums& e);
CompoundType IterationType(const TraceEnums& e);
CompoundType FlowType();
CompoundType NodeType(const TraceEnums& e);
CompoundType LinkType();

} // namespace ofab

#endif
