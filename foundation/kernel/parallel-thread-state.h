#ifndef OFAB_FOUNDATION_KERNEL_PARALLEL_THREAD_STATE_H
#define OFAB_FOUNDATION_KERNEL_PARALLEL_THREAD_STATE_H

// Inside the parallel core only (its two source files): what each thread knows of the event it runs.

#include "ofab/foundation/kernel/partition-queue.h"

#include <cstdint>

namespace ofab
{

class ParallelSimulatorImpl;

namespace parallel
{

/// What the thread running a node event knows of it. Worker threads only ever run node events; the
/// main thread runs node events inside windows and everything else outside them.
struct ThreadState
{
    const ParallelSimulatorImpl* sim = nullptr;
    bool inNode = false;
    uint32_t partition = 0;
    uint32_t deferCount = 0;
    ParallelEvent event{};
};

inline thread_local ThreadState t_state;

/// "No event": a time stamp beyond every event.
constexpr uint64_t kNever = ~0ULL;

} // namespace parallel
} // namespace ofab

#endif
