#ifndef OFAB_FOUNDATION_USABLE_CORES_H
#define OFAB_FOUNDATION_USABLE_CORES_H

#include <cstdint>

namespace ofab
{

/// The environment variable that caps UsableCores(): `ofab sweep` sets it to each point's share.
constexpr const char* kCoresVariable = "OFAB_CORES";

/**
 * The cores this process may use: OFAB_CORES when it holds a whole number >= 1 (a sweep running
 * several points at once gives each its share), else the CPUs of the process's affinity mask (what
 * taskset or a Slurm allocation leaves it), else the machine's. At least 1.
 */
uint32_t UsableCores();

/// OFAB_CORES when it is set but not a whole number from 1 to 2^20 (UsableCores ignores it), else
/// nullptr: for a clear error where `all` is asked for.
const char* InvalidCoresSetting();

} // namespace ofab

#endif
