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
    return s + (s.empty() ? "" : ": ") + message;
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
