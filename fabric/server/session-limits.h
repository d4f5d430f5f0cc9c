#ifndef OFAB_FABRIC_SERVER_SESSION_LIMITS_H
#define OFAB_FABRIC_SERVER_SESSION_LIMITS_H

#include <chrono>
#include <cstddef>

namespace ofab
{

/// What one control client may cost the server: every bound is enforced per connection.
struct SessionLimits
{
    std::size_t maxLineBytes = 64 * 1024; ///< a longer request line is discarded with an error reply
    double messagesPerSecond = 50;        ///< sustained request rate ...
    double burst = 100;                   ///< ... and the burst allowed above it (token bucket)
    /// Output queued for a client beyond this and the client is disconnected: it cannot keep up, and
    /// holding more would let one slow reader grow the server without bound.
    std::size_t maxQueuedBytes = 4 * 1024 * 1024;
    /// Above this much queued output, telemetry for the client is skipped (replies and events are
    /// still queued); the next telemetry message says how many were skipped.
    std::size_t telemetrySkipBytes = 128 * 1024;
    std::size_t maxClients = 32;
    /// With a token: connections that have not authenticated yet have a quota of their own (they do not
    /// take the clients' slots) and this long (wall time) to send `auth` before they are closed, so
    /// idle connections cannot lock out the token's holder.
    std::size_t maxUnauthenticated = 8;
    std::chrono::milliseconds authDeadline{10'000};
};

/**
 * Token bucket: `rate` tokens a second up to `burst`; each message takes one. A client over its
 * rate gets an error reply for the message instead of an answer.
 */
class RateLimiter
{
  public:
    using Clock = std::chrono::steady_clock;

    RateLimiter(double rate, double burst)
        : m_rate(rate),
          m_burst(burst),
          m_tokens(burst),
          m_last(Clock::now())
    {
    }

    bool Allow()
    {
        const auto now = Clock::now();
        m_tokens += std::chrono::duration<double>(now - m_last).count() * m_rate;
        m_tokens = m_tokens > m_burst ? m_burst : m_tokens;
        m_last = now;
        if (m_tokens < 1)
        {
            return false;
        }
        m_tokens -= 1;
        return true;
    }

  private:
    double m_rate;
    double m_burst;
    double m_tokens;
    Clock::time_point m_last;
};

} // namespace ofab

#endif
