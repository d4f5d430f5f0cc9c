#ifndef OFAB_FABRIC_TRACE_WRITER_THREAD_H
#define OFAB_FABRIC_TRACE_WRITER_THREAD_H

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace ofab
{

/**
 * One thread that runs the jobs handed to it, one at a time, in the order they were posted.
 *
 * The trace recorder gives it every HDF5 call once the file is open, so compressing and writing a
 * chunk of rows runs beside the simulation instead of inside it, while the library (which
 * serialises its calls under one lock anyway) sees the calls in program order: the file is the same
 * as if the simulation thread had written it.
 *
 * Memory stays bounded: Post() waits while `maxPending` jobs are queued. The first job that throws
 * stops the queue (later jobs are dropped) and its exception comes back out of the next Post() or
 * Drain(), on the posting thread.
 */
class WriterThread
{
  public:
    explicit WriterThread(std::size_t maxPending = 8);
    ~WriterThread(); ///< runs what is queued, then joins; errors are dropped (call Drain() to see them)
    WriterThread(const WriterThread&) = delete;
    WriterThread& operator=(const WriterThread&) = delete;

    /// Queues `job`; rethrows the error of an earlier job instead, if one failed.
    void Post(std::function<void()> job);
    /// Waits until every queued job has run; rethrows the first error (once).
    void Drain();
    /// Waits like Drain() but never throws: true when every job ran without error.
    bool DrainQuietly() noexcept;
    /// Runs `job` on the thread after a queued job whenever `every` has passed since it last ran (or
    /// since this call): work that should happen now and then while rows stream in, such as a flush.
    /// Its errors stop the queue like a job's. Call before posting, or after Drain().
    void SetPeriodic(std::chrono::steady_clock::duration every, std::function<void()> job);

  private:
    void Loop();
    void RunPeriodic();
    void RethrowLocked(std::unique_lock<std::mutex>& lock);

    std::size_t m_maxPending;
    std::mutex m_mutex;
    std::condition_variable m_wake;  ///< the worker: a job arrived, or stop
    std::condition_variable m_space; ///< posters: a job finished (room in the queue, or idle)
    std::deque<std::function<void()>> m_jobs;
    bool m_running = false; ///< the worker is inside a job
    bool m_stop = false;
    std::exception_ptr m_error;
    std::chrono::steady_clock::duration m_every{};
    std::chrono::steady_clock::time_point m_lastPeriodic;
    std::function<void()> m_periodic;
    std::thread m_thread; ///< last: starts after the members it uses exist
};

} // namespace ofab

#endif
