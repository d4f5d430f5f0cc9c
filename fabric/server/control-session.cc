#include "ofab/fabric/server/control-session.h"

#include "ofab/fabric/server/control-server.h"

#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>

namespace ofab
{

ControlSession::ControlSession(boost::asio::ip::tcp::socket socket, uint64_t id, ControlServer& server)
    : m_socket(std::move(socket)),
      m_authTimer(m_socket.get_executor()),
      m_id(id),
      m_server(server),
      m_rate(server.Limits().messagesPerSecond, server.Limits().burst)
{
    boost::system::error_code ec;
    const auto remote = m_socket.remote_endpoint(ec);
    m_peer = ec ? "unknown" : remote.address().to_string() + ":" + std::to_string(remote.port());
    m_socket.set_option(boost::asio::ip::tcp::no_delay(true), ec); // replies are small and awaited
    // A small kernel send buffer keeps a slow reader's backlog in our queue, where telemetry can be
    // skipped (the client then gets fresh figures), rather than megabytes of stale ones in the kernel.
    m_socket.set_option(boost::asio::socket_base::send_buffer_size(64 * 1024), ec);
}

ControlSession::ControlSession(boost::asio::io_context& io, uint64_t id, ControlServer& server, LineSink sink)
    : m_socket(io),
      m_authTimer(io),
      m_id(id),
      m_server(server),
      m_peer("in-process"),
      m_rate(server.Limits().messagesPerSecond, server.Limits().burst),
      m_sink(std::move(sink))
{
}

void
ControlSession::Start()
{
    if (!m_authenticated)
    {
        auto self = shared_from_this();
        m_authTimer.expires_after(m_server.Limits().authDeadline);
        m_authTimer.async_wait([self](const boost::system::error_code& ec) {
            if (ec || !self->m_open || self->m_authenticated)
            {
                return;
            }
            self->Send("{\"type\":\"reply\",\"ok\":false,\"error\":\"no auth in time: closing the connection\"}");
            self->CloseAfterFlush("did not authenticate in time");
        });
    }
    if (!m_sink)
    {
        Read();
    }
}

void
ControlSession::SetAuthenticated()
{
    m_authenticated = true;
    m_authTimer.cancel();
}

void
ControlSession::Read()
{
    auto self = shared_from_this();
    m_socket.async_read_some(boost::asio::buffer(m_buffer),
                             [self](const boost::system::error_code& ec, std::size_t bytes) {
                                 if (!self->m_open)
                                 {
                                     return;
                                 }
                                 if (ec)
                                 {
                                     self->Close(ec == boost::asio::error::eof ? "disconnected" : ec.message());
                                     return;
                                 }
                                 self->Receive(self->m_buffer, bytes);
                                 if (self->m_open)
                                 {
                                     self->Read();
                                 }
                             });
}

void
ControlSession::Receive(const char* data, std::size_t bytes)
{
    const std::size_t limit = m_server.Limits().maxLineBytes;
    std::size_t start = 0;
    for (std::size_t i = 0; i < bytes && m_open; ++i)
    {
        if (data[i] != '\n')
        {
            continue;
        }
        if (m_discarding)
        {
            m_discarding = false; // the overlong line ends here; it was answered when it overflowed
        }
        else
        {
            m_line.append(data + start, i - start);
            if (!m_line.empty() && m_line.back() == '\r')
            {
                m_line.pop_back(); // telnet and nc -C send CRLF
            }
            std::string line;
            line.swap(m_line);
            if (line.size() > limit)
            {
                m_server.OnOverlongLine(*this); // it passed the limit within the chunk that ended it
            }
            else if (line.find_first_not_of(" \t") != std::string::npos)
            {
                if (m_rate.Allow())
                {
                    m_server.OnLine(*this, line);
                }
                else
                {
                    m_server.OnRateExceeded(*this, line);
                }
            }
        }
        start = i + 1;
    }
    if (!m_open || m_discarding)
    {
        return;
    }
    m_line.append(data + start, bytes - start);
    if (m_line.size() > limit)
    {
        // Answer now rather than at the newline: a client that never sends one still hears why.
        m_line.clear();
        m_line.shrink_to_fit();
        m_discarding = true;
        m_server.OnOverlongLine(*this);
    }
}

void
ControlSession::Send(const std::string& line)
{
    if (!m_open || m_closeWhenFlushed)
    {
        return;
    }
    if (m_sink)
    {
        m_sink(line); // an in-process client reads every line as it is sent
        return;
    }
    if (m_queuedBytes + line.size() + 1 > m_server.Limits().maxQueuedBytes)
    {
        Close("cannot keep up: " + std::to_string(m_queuedBytes) + " bytes of output queued (limit " +
              std::to_string(m_server.Limits().maxQueuedBytes) + ")");
        return;
    }
    m_queue.push_back(line + "\n");
    m_queuedBytes += m_queue.back().size();
    Write();
}

void
ControlSession::Write()
{
    if (m_writing || m_queue.empty() || !m_open)
    {
        return;
    }
    m_writing = true;
    auto self = shared_from_this();
    boost::asio::async_write(m_socket, boost::asio::buffer(m_queue.front()),
                             [self](const boost::system::error_code& ec, std::size_t) {
                                 self->m_writing = false;
                                 if (!self->m_open)
                                 {
                                     return;
                                 }
                                 if (ec)
                                 {
                                     self->Close(ec.message());
                                     return;
                                 }
                                 self->m_queuedBytes -= self->m_queue.front().size();
                                 self->m_queue.pop_front();
                                 if (self->m_queue.empty() && self->m_closeWhenFlushed)
                                 {
                                     self->Close("closed by the server");
                                     return;
                                 }
                                 self->Write();
                             });
}

void
ControlSession::CloseAfterFlush(const std::string& reason)
{
    if (!m_open)
    {
        return;
    }
    if (m_queue.empty())
    {
        Close(reason);
        return;
    }
    m_closeWhenFlushed = true;
}

void
ControlSession::Close(const std::string& reason)
{
    if (!m_open)
    {
        return;
    }
    m_open = false;
    m_authTimer.cancel();
    boost::system::error_code ignored;
    m_socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    m_socket.close(ignored);
    if (!m_writing)
    {
        m_queue.clear(); // a write in flight still refers to the front line until its handler runs
        m_queuedBytes = 0;
    }
    m_server.OnClosed(*this, reason); // may drop the server's reference: `this` lives on in `self` of handlers
}

bool
ControlSession::Backlogged() const
{
    return m_queuedBytes > m_server.Limits().telemetrySkipBytes;
}

uint64_t
ControlSession::TakeSkipped()
{
    const uint64_t n = m_skipped;
    m_skipped = 0;
    return n;
}

} // namespace ofab
