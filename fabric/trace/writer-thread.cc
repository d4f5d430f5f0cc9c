#include "ofab/fabric/trace/writer-thread.h"

#include <utility>

namespace ofab
{

WriterThread::WriterThread(std::size_t maxPending)
    : m_maxPending(maxPending < 1 ? 1 : maxPending),
      m_thread([this] { Loop(); })
{
}

WriterThread::~WriterThread()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_one();
    m_thread.join();
}

void
WriterThread::Loop()
{
    std::unique_lock<std::mutex> lock(m_mutex);
    for (;;)
    {
        m_wake.wait(lock, [this] { return m_stop || !m_jobs.empty(); });
        if (m_jobs.empty())
        {
            return; // stopping, and everything queued has run
        }
        std::function<void()> job = std::move(m_jobs.front());
        m_jobs.pop_front();
        m_space.notify_all(); // room in the queue now, not only when the job is done
        if (!m_error)
        {
            m_running = true;
            lock.unlock();
            std::exception_ptr error;
            try
            {
                job();
                RunPeriodic();
            }
            catch (...)
            {
                error = std::current_exception();
            }
            job = nullptr; // release what the job holds (a chunk of rows) outside the lock
            lock.lock();
            m_running = false;
            if (error && !m_error)
            {
                m_error = error;
            }
        }
        m_space.notify_all();
    }
}

void
WriterThread::RunPeriodic()
{
    // Read without the lock: SetPeriodic is only called while the thread is idle.
    if (!m_periodic)
    {
        return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now - m_lastPeriodic >= m_every)
    {
        m_lastPeriodic = now;
        m_periodic();
    }
}

void
WriterThread::SetPeriodic(std::chrono::steady_clock::duration every, std::function<void()> job)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    m_every = every;
    m_lastPeriodic = std::chrono::steady_clock::now();
    m_periodic = std::move(job);
}

void
WriterThread::RethrowLocked(std::unique_lock<std::mutex>& /*lock*/)
{
    if (m_error)
    {
        std::exception_ptr e = m_error;
        m_error = nullptr;
        m_jobs.clear();
        std::rethrow_exception(e);
    }
}

void
WriterThread::Post(std::function<void()> job)
{
    std::unique_lock<std::mutex> lock(m_mutex);
    m_space.wait(lock, [this] { return m_error || m_jobs.size() < m_maxPending; });
    RethrowLocked(lock);
    m_jobs.push_back(std::move(job));
    lock.unlock();
    m_wake.notify_one();
}

void
WriterThread::Drain()
{
    std::unique_lock<std::mutex> lock(m_mutex);
    m_space.wait(lock, [this] { return m_jobs.empty() && !m_running; });
    RethrowLocked(lock);
}

bool
WriterThread::DrainQuietly() noexcept
{
    try
    {
        Drain();
        return true;
    }
    catch (...)
    {
        return false;
    }
}

} // namespace ofab
