#ifndef OFAB_FABRIC_SERVER_LISTEN_ADDRESS_H
#define OFAB_FABRIC_SERVER_LISTEN_ADDRESS_H

#include <boost/asio/ip/tcp.hpp>

#include <string>

namespace ofab
{

/**
 * `--listen HOST:PORT` (`127.0.0.1:7700`, `[::1]:7700`, `0.0.0.0:7700`; port 0 picks a free one).
 * HOST must be an address, not a name: what is bound is then exactly what the user wrote.
 * std::invalid_argument with a message for the user when malformed.
 */
boost::asio::ip::tcp::endpoint ParseListenAddress(const std::string& text);

/**
 * The shared secret of `--token-file`: the file's first line without surrounding blanks. It must
 * hold at least 16 characters (a short token is guessable over a network). std::invalid_argument
 * with a message for the user when unreadable, empty or short.
 */
std::string ReadToken(const std::string& path);

} // namespace ofab

#endif
