#include "ofab/fabric/server/listen-address.h"

#include "ofab/foundation/text-file.h"

#include <boost/asio/ip/address.hpp>

#include <stdexcept>

namespace ofab
{

boost::asio::ip::tcp::endpoint
ParseListenAddress(const std::string& text)
{
    const std::string usage = "--listen '" + text +
                              "': expected HOST:PORT with HOST an IP address, e.g. "
                              "127.0.0.1:7700, [::1]:7700 or 0.0.0.0:7700 (port 0: any free port)";
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == text.size())
    {
        throw std::invalid_argument(usage);
    }
    std::string host = text.substr(0, colon);
    const std::string port = text.substr(colon + 1);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    {
        host = host.substr(1, host.size() - 2);
    }
    if (port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5 || std::stoul(port) > 65535)
    {
        throw std::invalid_argument(usage + "; the port must be a number from 0 to 65535");
    }
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(host, ec);
    if (ec)
    {
        throw std::invalid_argument(usage + "; '" + host + "' is not an IP address");
    }
    return {address, static_cast<unsigned short>(std::stoul(port))};
}

std::string
ReadToken(const std::string& path)
{
    std::string text;
    try
    {
        text = ReadTextFile(path, 64 * 1024);
    }
    catch (const TextFileError& e)
    {
        throw std::invalid_argument("--token-file " + path + ": cannot read it: " + e.what());
    }
    const std::string line = text.substr(0, text.find('\n'));
    const auto first = line.find_first_not_of(" \t\r");
    const auto last = line.find_last_not_of(" \t\r");
    const std::string token = first == std::string::npos ? "" : line.substr(first, last - first + 1);
    if (token.size() < 16)
    {
        throw std::invalid_argument("--token-file " + path +
                                    ": the token (its first line) must have at least 16 "
                                    "characters, e.g. from `head -c 24 /dev/urandom | base64`");
    }
    return token;
}

} // namespace ofab
