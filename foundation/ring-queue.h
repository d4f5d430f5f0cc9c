#ifndef OFAB_FOUNDATION_RING_QUEUE_H
#define OFAB_FOUNDATION_RING_QUEUE_H

#include <cstddef>
#include <utility>
#include <vector>

namespace ofab
{

/**
 * FIFO on a power-of-two circular buffer that only grows. Unlike std::deque it never frees and
 * re-allocates blocks as it drains and fills, so a queue in steady state allocates nothing.
 */
template <typename T>
class RingQueue
{
  public:
    bool empty() const { return m_size == 0; }
    std::size_t size() const { return m_size; }

    T& front() { return m_buf[m_head]; }
    const T& front() const { return m_buf[m_head]; }
    T& back() { return m_buf[(m_head + m_size - 1) & m_mask]; }
    /// i-th element from the front (0 = front).
    T& operator[](std::size_t i) { return m_buf[(m_head + i) & m_mask]; }
    const T& operator[](std::size_t i) const { return m_buf[(m_head + i) & m_mask]; }

    void push_back(const T& v)
    {
        if (m_size == m_buf.size())
        {
            Grow();
        }
        m_buf[(m_head + m_size) & m_mask] = v;
        ++m_size;
    }

    void push_back(T&& v) { append() = std::move(v); }

    /// Appends an element and returns it for the caller to fill in place (it holds whatever the
    /// slot held before: assign every field).
    T& append()
    {
        if (m_size == m_buf.size())
        {
            Grow();
        }
        T& slot = m_buf[(m_head + m_size) & m_mask];
        ++m_size;
        return slot;
    }

    void pop_front()
    {
        m_head = (m_head + 1) & m_mask;
        --m_size;
    }

    void clear()
    {
        m_head = 0;
        m_size = 0;
    }

  private:
    void Grow()
    {
        const std::size_t cap = m_buf.empty() ? 8 : m_buf.size() * 2;
        std::vector<T> next(cap);
        for (std::size_t i = 0; i < m_size; ++i)
        {
            next[i] = std::move(m_buf[(m_head + i) & m_mask]);
        }
        m_buf.swap(next);
        m_head = 0;
        m_mask = cap - 1;
    }

    std::vector<T> m_buf;
    std::size_t m_head = 0;
    std::size_t m_size = 0;
    std::size_t m_mask = 0;
};

} // namespace ofab

#endif
