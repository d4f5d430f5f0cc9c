#ifndef OFAB_FABRIC_SERVER_CONTROL_SERVER_H
#define OFAB_FABRIC_SERVER_CONTROL_SERVER_H

#include "ofab/fabric/server/control-session.h"
#include "ofab/fabric/server/session-limits.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

namespace ofab
{

using Json = nlohmann::ordered_json;

/// A request the commands refuse: the client gets {"ok": false, "error": Message()}.
class RequestError : public std::runtime_error
{
  public:
    explicit RequestError(const std::string& message)
        : std::runtime_error(message),
          m_message(message)
    {
    }

    /// The whole message: what() ends at a NUL, which a request's text may hold ("\u0000").
    const std::string& Message() const { return m_message; }

  private:
    std::string m_message;
};

/**
 * What the server asks of the command layer (ServeCommands; an external controller's endpoint
 * later): answer one request, and forget a client that left.
 */
class RequestHandler
{
  public:
    virtual ~RequestHandler() = default;
    /// One request, a JSON object with a string `cmd`, from an authenticated client. Returns the
    /// reply's fields (the server adds type, id and ok); RequestError for a refusal.
    virtual Json Handle(ControlSession& session, const Json& request) = 0;
    /// The client disconnected (or was disconnected): drop what it subscribed to.
    virtual void OnClose(ControlSession& session) = 0;
};

/**
 * The control plane's transport: a TCP acceptor and its sessions, speaking line-delimited JSON.
 * Every request line is a JSON object; the reply is one line
 * {"type": "reply", "id": <the request's id, if any>, "ok": true, ...} or {..., "ok": false, "error": "..."}.
 * It owns the protocol rules that do not depend on commands: malformed JSON, a missing `cmd`,
 * authentication (when a token is set, a client's first request must be {"cmd": "auth", "token": ...};
 * a wrong token closes the connection), line length and rate limits, and the client limit. Pushed
 * messages (telemetry, events) go through Send/Broadcast with their own `type`.
 */
class ControlServer
{
  public:
    /// Binds and listens at once (so a bad address fails before the run starts): std::system_error.
    ControlServer(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint,
                  const SessionLimits& limits, std::string token);
    /// A server without a socket: its clients are in-process (Connect), for tests and fuzzing.
    ControlServer(boost::asio::io_context& io, const SessionLimits& limits, std::string token);
    ~ControlServer();

    void SetHandler(RequestHandler* handler) { m_handler = handler; }
    /// Starts accepting connections (a server without a socket has none to accept).
    void Start();
    /// Stops accepting and closes every session once its output is written.
    void Shutdown();
    /// A client inside this process, admitted as a connection is (client and authentication limits):
    /// it sends bytes with ControlSession::Receive and reads every line it is sent from `sink`.
    std::shared_ptr<ControlSession> Connect(ControlSession::LineSink sink);

    /// The address listened on (std::system_error for a server without a socket).
    boost::asio::ip::tcp::endpoint LocalEndpoint() const;
    const SessionLimits& Limits() const { return m_limits; }
    std::size_t SessionCount() const { return m_sessions.size(); }
    uint64_t AcceptedCount() const { return m_accepted; }
    /// The session with this id, or null when it has gone.
    std::shared_ptr<ControlSession> Find(uint64_t id) const;
    /// Sends `line` to every open session for which `want` is true.
    void Broadcast(const std::string& line, const std::function<bool(const ControlSession&)>& want);
    /// True when every session's output has been written.
    bool Flushed() const;

    // Called by ControlSession.
    void OnLine(ControlSession& session, const std::string& line);
    void OnOverlongLine(ControlSession& session);
    void OnRateExceeded(ControlSession& session, const std::string& line);
    void OnClosed(ControlSession& session, const std::string& reason);

  private:
    void Accept();
    /// A new connection: refused (an error line, then closed) beyond the limits, else started.
    void Admit(const std::shared_ptr<ControlSession>& session);
    static Json Reply(const Json& request);

    boost::asio::io_context& m_io;
    boost::asio::ip::tcp::acceptor m_acceptor;
    boost::asio::steady_timer m_retry; ///< after a failed accept (descriptors exhausted), wait before the next
    SessionLimits m_limits;
    std::string m_token;
    RequestHandler* m_handler = nullptr;
    std::map<uint64_t, std::shared_ptr<ControlSession>> m_sessions;
    uint64_t m_nextId = 1;
    uint64_t m_accepted = 0;
    bool m_accepting = false;
};

} // namespace ofab

#endif
