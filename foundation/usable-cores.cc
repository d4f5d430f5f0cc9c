#include "ofab/foundation/usable-cores.h"

#include <sched.h>

#include <algorithm>
#include <cstdlib>
#include <thread>

namespace ofab
{

uint32_t
UsableCores()
{
    if (const char* set = std::getenv(kCoresVariable); set != nullptr && *set != '\0')
    {
        char* end = nullptr;
        const unsigned long n = std::strtoul(set, &end, 10);
        if (*end == '\0' && n >= 1 && n <= 1u << 20)
        {
            return static_cast<uint32_t>(n);
        }
    }
    cpu_set_t mask;
    if (sched_getaffinity(0, sizeof(mask), &mask) == 0 && CPU_COUNT(&mask) > 0)
    {
        return static_cast<uint32_t>(CPU_COUNT(&mask));
    }
    return std::max(1u, std::thread::hardware_concurrency());
}

} // namespace ofab
