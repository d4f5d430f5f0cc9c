#ifndef OFAB_FABRIC_SERVER_CONTROL_SESSION_H
#define OFAB_FABRIC_SERVER_CONTROL_SESSION_H

#include "ofab/fabric/server/session-limits.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>

namespace ofab
{

class ControlServer;

/**
 * One client connection of the control server: the line-delimited transport and nothing about
 * commands. It reads newline-terminated lines (bounded length; a longer one is discarded up to its
 * newline and answered with an error), rate-limits them, and hands each to the server; it writes
 * whole lines from a bounded queue and disconnects a client whose queue overflows (a reader that
 * cannot keep up must never hold up the simulation or grow the server's memory).
 *
 * A session without a socket (ControlServer::Connect) is an in-process client: what it is sent goes
 * to a LineSink at once, and its bytes come through Receive. The tests and the fuzz target of the
 * protocol (tests/fuzz/) talk to the server this way, through the same framing, limits and commands.
 *
 * All of it runs on the thread that runs the io_context (the simulator's, see LivePacer).
 */
class ControlSession : public std::enable_shared_from_this<ControlSession>
{
  public:
    /// Where an in-process client's lines go, whole and without their newline, as they are sent.
    using LineSink = std::function<void(const std::string& line)>;

    ControlSession(boost::asio::ip::tcp::socket socket, uint64_t id, ControlServer& server);
    /// An in-process client (no socket; its peer is "in-process"): see ControlServer::Connect.
    ControlSession(boost::asio::io_context& io, uint64_t id, ControlServer& server, LineSink sink);

    /// Starts reading (a socket); an unauthenticated session also starts its deadline to authenticate.
    void Start();
    /// Bytes from the client as they arrive, in any pieces: cut into lines (CRLF accepted, blank
    /// lines skipped, length and rate limits applied) and each line handed to the server.
    void Receive(const char* data, std::size_t size);
    /// Queues one line (a newline is added). Disconnects the client when its queue would overflow.
    void Send(const std::string& line);
    /// Closes the connection (queued output that was not written is dropped); `reason` goes to the log.
    void Close(const std::string& reason);
    /// Closes once what is queued has been written (an error reply before a refusal, the end message).
    void CloseAfterFlush(const std::string& reason);

    uint64_t Id() const { return m_id; }
    const std::string& Peer() const { return m_peer; }
    bool Open() const { return m_open; }
    std::size_t QueuedBytes() const { return m_queuedBytes; }
    /// True when telemetry should be skipped for this client (see SessionLimits::telemetrySkipBytes).
    bool Backlogged() const;

    bool Authenticated() const { return m_authenticated; }
    void SetAuthenticated();
    /// Counts telemetry messages skipped since the last one sent (reported in the next).
    uint64_t TakeSkipped();
    void CountSkipped() { ++m_skipped; }

  private:
    void Read();
    void Write();

    boost::asio::ip::tcp::socket m_socket;
    boost::asio::steady_timer m_authTimer; ///< closes the session if it has not authenticated by then
    uint64_t m_id;
    ControlServer& m_server;
    std::string m_peer;
    RateLimiter m_rate;
    char m_buffer[8192];
    std::string m_line;        ///< the line being assembled
    bool m_discarding = false; ///< inside a line that grew past the limit: skip to its newline
    std::deque<std::string> m_queue;
    std::size_t m_queuedBytes = 0;
    bool m_writing = false;
    bool m_open = true;
    bool m_closeWhenFlushed = false;
    LineSink m_sink; ///< set: an in-process client (no socket)
    bool m_authenticated = false;
    uint64_t m_skipped = 0;
};

} // namespace ofab

#endif
