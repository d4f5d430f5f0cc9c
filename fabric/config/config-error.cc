#include "ofab/fabric/config/config-error.h"

namespace ofab
{

std::string
SourceLocation::ToString() const
{
    std::string s = origin;
    if (line > 0)
    {
        s += ":" + std::to_string(line);
        if (column > 0)
        {
            s += ":" + std::to_string(column);
        }
    }
    return s;
}

namespace
{
std::string
Compose(const SourceLocation& where, const std::string& keyPath, const std::string& message)
{
    std::string s = where.ToString();
    if (!keyPath.empty())
    {
        s += (s.empty() ? "" : ": ") + std::string("key '") + keyPath + "'";
    }
    s += (s.empty() ? "" : ": ") + message;
    // Control characters from a value (an escape sequence, say) are shown, not sent to the terminal.
    std::string shown;
    for (const char c : s)
    {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\n' && c != '\t') || u == 0x7f)
        {
            constexpr const char* kHex = "0123456789abcdef";
            shown += std::string("\\x") + kHex[u >> 4] + kHex[u & 15];
        }
        else
        {
            shown += c;
        }
    }
    return shown;
}
} // namespace

ConfigError::ConfigError(SourceLocation where, std::string keyPath, const std::string& message)
    : std::runtime_error(Compose(where, keyPath, message)),
      m_where(std::move(where)),
      m_keyPath(std::move(keyPath)),
      m_message(message)
{
}

} // namespace ofab
