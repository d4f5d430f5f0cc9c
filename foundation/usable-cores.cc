#include "ofab/foundation/usable-cores.h"

#include <sched.h>

#include <algorithm>
#include <cstdlib>
#include <thread>

namespace ofab
{

namespace
{
/// OFAB_CORES's value when set and valid, else 0.
uint32_t
CoresFromEnvironment()
{
    const char* set = std::getenv(kCoresVariable);
    if (set == nullptr || *set < '0' || *set > '9')
    {
        return 0; // unset, empty, or not a plain number (strtoul would take a sign or spaces)
    }
    char* end = nullptr;
    const unsigned long n = std::strtoul(set, &end, 10);
    return *end == '\0' && n >= 1 && n <= 1u << 20 ? static_cast<uint32_t>(n) : 0;
}
} // namespace

const char*
InvalidCoresSetting()
{
    const char* set = std::getenv(kCoresVariable);
    return set != nullptr && CoresFromEnvironment() == 0 ? set : nullptr;
}

uint32_t
UsableCores()
{
    if (const uint32_t n = CoresFromEnvironment(); n > 0)
    {
        return n;
    }
    cpu_set_t mask;
    if (sched_getaffinity(0, sizeof(mask), &mask) == 0 && CPU_COUNT(&mask) > 0)
    {
        return static_cast<uint32_t>(CPU_COUNT(&mask));
    }
    return std::max(1u, std::thread::hardware_concurrency());
}

} // namespace ofab
