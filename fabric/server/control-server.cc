#include "ofab/fabric/server/control-server.h"

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <iostream>
#include <vector>

namespace ofab
{

namespace
{

/// Compares without an early exit, so the time taken does not tell how much of a guess was right.
bool
SameToken(const std::string& a, const std::string& b)
{
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    for (std::size_t i = 0; i < a.size(); ++i)
    {
        diff |= static_cast<unsigned char>(a[i] ^ b[i % (b.empty() ? 1 : b.size())]);
    }
    return diff == 0 && !b.empty();
}

std::string
ErrorLine(const Json& reply, const std::string& error)
{
    Json r = reply;
    r["ok"] = false;
    r["error"] = error;
    return r.dump();
}

} // namespace

ControlServer::ControlServer(boost::asio::io_context& io, const SessionLimits& limits, std::string token)
    : m_io(io),
      m_acceptor(io),
      m_retry(io),
      m_limits(limits),
      m_token(std::move(token))
{
}

ControlServer::ControlServer(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint,
                             const SessionLimits& limits, std::string token)
    : ControlServer(io, limits, std::move(token))
{
    m_acceptor.open(endpoint.protocol());
    m_acceptor.set_option(boost::asio::ip::tcp::acceptor::reuse_address(true));
    m_acceptor.bind(endpoint);
    m_acceptor.listen();
}

ControlServer::~ControlServer()
{
    m_handler = nullptr; // the command layer may be gone already: closing sessions must not call it
    boost::system::error_code ignored;
    m_acceptor.close(ignored);
    for (auto& [id, s] : std::map<uint64_t, std::shared_ptr<ControlSession>>(m_sessions))
    {
        s->Close("server stopped");
    }
}

boost::asio::ip::tcp::endpoint
ControlServer::LocalEndpoint() const
{
    return m_acceptor.local_endpoint();
}

void
ControlServer::Start()
{
    if (!m_acceptor.is_open())
    {
        return; // no socket: in-process clients only
    }
    m_accepting = true;
    Accept();
}

std::shared_ptr<ControlSession>
ControlServer::Connect(ControlSession::LineSink sink)
{
    ++m_accepted;
    auto session = std::make_shared<ControlSession>(m_io, m_nextId++, *this, std::move(sink));
    Admit(session);
    return session;
}

void
ControlServer::Admit(const std::shared_ptr<ControlSession>& session)
{
    // Connections still to authenticate have a small quota of their own (and a deadline,
    // ControlSession::Start): they never take the slots of clients that did.
    std::size_t waiting = 0;
    for (const auto& [id, s] : m_sessions)
    {
        waiting += s->Authenticated() ? 0 : 1;
    }
    const bool needsAuth = !m_token.empty();
    if (needsAuth && waiting >= m_limits.maxUnauthenticated)
    {
        session->Send(ErrorLine(Json{{"type", "reply"}}, "too many connections waiting to authenticate (" +
                                                             std::to_string(m_limits.maxUnauthenticated) +
                                                             "): try later"));
        session->CloseAfterFlush("too many unauthenticated connections");
    }
    else if (m_sessions.size() - waiting >= m_limits.maxClients)
    {
        session->Send(ErrorLine(Json{{"type", "reply"}},
                                "too many clients (" + std::to_string(m_limits.maxClients) + "): try later"));
        session->CloseAfterFlush("too many clients");
    }
    else
    {
        if (m_token.empty())
        {
            session->SetAuthenticated(); // loopback without a token: every client may command
        }
        m_sessions[session->Id()] = session;
        session->Start();
    }
}

void
ControlServer::Accept()
{
    m_acceptor.async_accept([this](const boost::system::error_code& ec, boost::asio::ip::tcp::socket socket) {
        if (!m_accepting)
        {
            return;
        }
        if (!ec)
        {
            ++m_accepted;
            Admit(std::make_shared<ControlSession>(std::move(socket), m_nextId++, *this));
        }
        if (ec)
        {
            // A client that reset before we took it, or descriptors exhausted: that one is refused, and
            // the server listens again shortly (at once could fail at once, forever, inside one poll).
            m_retry.expires_after(std::chrono::milliseconds(100));
            m_retry.async_wait([this](const boost::system::error_code& e) {
                if (!e && m_accepting)
                {
                    Accept();
                }
            });
            return;
        }
        Accept();
    });
}

void
ControlServer::Shutdown()
{
    m_accepting = false;
    m_retry.cancel();
    boost::system::error_code ignored;
    m_acceptor.close(ignored);
    for (auto& [id, s] : std::map<uint64_t, std::shared_ptr<ControlSession>>(m_sessions))
    {
        s->CloseAfterFlush("server stopped");
    }
}

std::shared_ptr<ControlSession>
ControlServer::Find(uint64_t id) const
{
    const auto it = m_sessions.find(id);
    return it == m_sessions.end() ? nullptr : it->second;
}

void
ControlServer::Broadcast(const std::string& line, const std::function<bool(const ControlSession&)>& want)
{
    // A copy: a session that overflows closes and leaves m_sessions while we walk it.
    std::vector<std::shared_ptr<ControlSession>> sessions;
    for (const auto& [id, s] : m_sessions)
    {
        sessions.push_back(s);
    }
    for (const auto& s : sessions)
    {
        if (s->Open() && s->Authenticated() && want(*s))
        {
            s->Send(line);
        }
    }
}

bool
ControlServer::Flushed() const
{
    for (const auto& [id, s] : m_sessions)
    {
        if (s->Open() && s->QueuedBytes() > 0)
        {
            return false;
        }
    }
    return true;
}

Json
ControlServer::Reply(const Json& request)
{
    Json reply{{"type", "reply"}};
    if (request.is_object() && request.contains("id"))
    {
        reply["id"] = request["id"];
    }
    return reply;
}

void
ControlServer::OnLine(ControlSession& session, const std::string& line)
{
    // A key given twice in one object is refused: JSON parsers disagree on which one counts
    // ({"cmd": "status", "cmd": "stop"} would stop the run here).
    std::string duplicate;
    std::vector<std::vector<std::string>> keys; // per open object, its keys so far
    const Json::parser_callback_t noteKeys = [&](int, Json::parse_event_t event, Json& parsed) {
        if (event == Json::parse_event_t::object_start)
        {
            keys.emplace_back();
        }
        else if (event == Json::parse_event_t::object_end && !keys.empty())
        {
            keys.pop_back();
        }
        else if (event == Json::parse_event_t::key && !keys.empty())
        {
            const std::string key = parsed.get<std::string>();
            if (std::find(keys.back().begin(), keys.back().end(), key) != keys.back().end() && duplicate.empty())
            {
                duplicate = key;
            }
            keys.back().push_back(key);
        }
        return true;
    };
    Json request = Json::parse(line, noteKeys, false);
    Json reply = Reply(request);
    if (request.is_discarded())
    {
        session.Send(ErrorLine(reply, "malformed JSON: expected one object per line, e.g. {\"cmd\": \"status\"}"));
        return;
    }
    if (!duplicate.empty())
    {
        session.Send(ErrorLine(reply, "key '" + duplicate + "' is given twice: give each key once"));
        return;
    }
    if (!request.is_object() || !request.contains("cmd") || !request["cmd"].is_string())
    {
        session.Send(ErrorLine(reply, "expected an object with a string `cmd`, e.g. {\"cmd\": \"status\", \"id\": 1}"));
        return;
    }
    const std::string cmd = request["cmd"].get<std::string>();
    if (!m_token.empty() && !session.Authenticated())
    {
        if (cmd != "auth")
        {
            session.Send(ErrorLine(reply, "authenticate first: {\"cmd\": \"auth\", \"token\": \"...\"}"));
            return;
        }
        const auto token = request.find("token");
        if (token == request.end() || !token->is_string() || !SameToken(token->get<std::string>(), m_token))
        {
            session.Send(ErrorLine(reply, "wrong token: closing the connection"));
            session.CloseAfterFlush("wrong token");
            return;
        }
        session.SetAuthenticated();
        reply["ok"] = true;
        session.Send(reply.dump());
        return;
    }
    if (cmd == "auth")
    {
        const auto token = request.find("token");
        if (!m_token.empty() &&
            (token == request.end() || !token->is_string() || !SameToken(token->get<std::string>(), m_token)))
        {
            session.Send(ErrorLine(reply, "wrong token: closing the connection"));
            session.CloseAfterFlush("wrong token");
            return;
        }
        session.SetAuthenticated();
        reply["ok"] = true;
        if (m_token.empty())
        {
            reply["note"] = "this server needs no token";
        }
        session.Send(reply.dump());
        return;
    }
    try
    {
        Json fields = m_handler ? m_handler->Handle(session, request) : Json::object();
        reply["ok"] = true;
        for (auto it = fields.begin(); it != fields.end(); ++it)
        {
            reply[it.key()] = it.value();
        }
        session.Send(reply.dump());
    }
    catch (const RequestError& e)
    {
        session.Send(ErrorLine(reply, e.Message()));
    }
    catch (const Json::exception& e)
    {
        session.Send(ErrorLine(reply, std::string("bad request: ") + e.what()));
    }
    catch (const std::exception& e)
    {
        // A command that fails in an unforeseen way must not take the run down with it (this runs
        // inside a simulator event): the client hears it, the server log keeps it.
        std::cerr << "ofab serve: internal error on '" << line.substr(0, 200) << "': " << e.what() << "\n";
        session.Send(ErrorLine(reply, std::string("internal error: ") + e.what()));
    }
}

void
ControlServer::OnOverlongLine(ControlSession& session)
{
    session.Send(ErrorLine(Reply(Json()), "line longer than " + std::to_string(m_limits.maxLineBytes) +
                                              " bytes: discarded up to its newline"));
}

void
ControlServer::OnRateExceeded(ControlSession& session, const std::string& line)
{
    const Json request = Json::parse(line, nullptr, false);
    session.Send(ErrorLine(Reply(request), "rate limit: more than " + std::to_string(int(m_limits.messagesPerSecond)) +
                                               " requests a second (burst " + std::to_string(int(m_limits.burst)) +
                                               "): request dropped"));
}

void
ControlServer::OnClosed(ControlSession& session, const std::string& reason)
{
    if (m_handler)
    {
        m_handler->OnClose(session);
    }
    if (reason != "disconnected" && reason != "server stopped" && reason != "closed by the server")
    {
        std::cerr << "ofab serve: client " << session.Id() << " (" << session.Peer() << ") closed: " << reason << "\n";
    }
    m_sessions.erase(session.Id());
}

} // namespace ofab
