// The transport of the control server without a socket: an in-process client (ControlServer::Connect)
// sends bytes in any pieces and reads whole lines, through the same framing, limits and rules as a
// TCP client (docs/control-protocol.md, "Framing"). The fuzz target of the protocol talks to the
// server this way (tests/fuzz/serve-request-fuzz.cc).

#include "ofab/fabric/server/control-server.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace ofab;

namespace
{

/// Answers every request with its command, and remembers who left.
class EchoHandler : public RequestHandler
{
  public:
    Json Handle(ControlSession&, const Json& request) override
    {
        const std::string cmd = request["cmd"].get<std::string>();
        if (cmd.rfind("refuse", 0) == 0)
        {
            throw RequestError("refused '" + cmd + "'; and why");
        }
        return Json{{"echo", request["cmd"]}};
    }

    void OnClose(ControlSession& session) override { closed.push_back(session.Id()); }

    std::vector<uint64_t> closed;
};

struct Client
{
    std::vector<Json> lines;
    std::shared_ptr<ControlSession> session;

    Client(ControlServer& server)
        : session(server.Connect([this](const std::string& line) { lines.push_back(Json::parse(line)); }))
    {
    }

    void Send(const std::string& bytes) { session->Receive(bytes.data(), bytes.size()); }
};

} // namespace

TEST_CASE("an in-process client is framed, limited and answered as a TCP client is", "[server][session]")
{
    boost::asio::io_context io;
    SessionLimits limits;
    limits.maxLineBytes = 64;
    ControlServer server(io, limits, "");
    EchoHandler handler;
    server.SetHandler(&handler);
    Client client(server);
    REQUIRE(client.session->Open());
    CHECK(client.session->Peer() == "in-process");
    CHECK(server.SessionCount() == 1);

    // A request in pieces, CRLF, blank lines: one reply per request, in order, with its id.
    client.Send("{\"cmd\": \"sta");
    CHECK(client.lines.empty());
    client.Send("tus\", \"id\": 7}\r\n\r\n  \t\n{\"cmd\": \"help\"}\n");
    REQUIRE(client.lines.size() == 2);
    CHECK(client.lines[0] == Json::parse(R"({"type": "reply", "id": 7, "ok": true, "echo": "status"})"));
    CHECK(client.lines[1]["echo"] == "help");

    // Malformed input, a refusal, an overlong line (answered once, the rest discarded to its newline).
    client.lines.clear();
    client.Send("not json\n{\"cmd\": \"refuse\"}\n" + std::string(100, 'x'));
    client.Send(std::string(100, 'y') + "\n{\"cmd\": \"after\"}\n");
    REQUIRE(client.lines.size() == 4);
    CHECK(client.lines[0]["error"].get<std::string>().rfind("malformed JSON", 0) == 0);
    CHECK(client.lines[1]["error"] == "refused 'refuse'; and why");
    CHECK(client.lines[2]["error"] == "line longer than 64 bytes: discarded up to its newline");
    CHECK(client.lines[3]["echo"] == "after");

    // A refusal's message arrives whole, even with a NUL from the request in it (what() would end there).
    client.lines.clear();
    client.Send("{\"cmd\": \"refuse\\u0000d\"}\n");
    REQUIRE(client.lines.size() == 1);
    CHECK(client.lines[0]["error"] == std::string("refused 'refuse\0d'; and why", 27));

    // Closing tells the handler and forgets the session.
    client.session->Close("disconnected");
    CHECK(handler.closed == std::vector<uint64_t>{client.session->Id()});
    CHECK(server.SessionCount() == 0);
}

TEST_CASE("in-process clients count against the client limit and authenticate with the token", "[server][session]")
{
    boost::asio::io_context io;
    SessionLimits limits;
    limits.maxClients = 1;
    ControlServer server(io, limits, "0123456789abcdef");
    EchoHandler handler;
    server.SetHandler(&handler);
    Client first(server);
    CHECK_FALSE(first.session->Authenticated());
    first.Send("{\"cmd\": \"status\"}\n{\"cmd\": \"auth\", \"token\": \"0123456789abcdef\"}\n{\"cmd\": \"status\"}\n");
    REQUIRE(first.lines.size() == 3);
    CHECK(first.lines[0]["error"].get<std::string>().rfind("authenticate first", 0) == 0);
    CHECK(first.lines[1]["ok"] == true);
    CHECK(first.lines[2]["echo"] == "status");

    // The one client slot is taken: a second connection hears why and is closed.
    Client second(server);
    REQUIRE(second.lines.size() == 1);
    CHECK(second.lines[0]["error"] == "too many clients (1): try later");
    CHECK_FALSE(second.session->Open());
    CHECK(server.SessionCount() == 1);

    // A wrong token closes the connection.
    first.session->Close("disconnected");
    Client third(server);
    third.Send("{\"cmd\": \"auth\", \"token\": \"wrong-token-0000\"}\n{\"cmd\": \"status\"}\n");
    REQUIRE(third.lines.size() == 1);
    CHECK(third.lines[0]["error"] == "wrong token: closing the connection");
    CHECK_FALSE(third.session->Open());
    CHECK(server.SessionCount() == 0);
}
