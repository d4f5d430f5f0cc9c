#ifndef OFAB_FABRIC_CONFIG_CONFIG_ERROR_H
#define OFAB_FABRIC_CONFIG_CONFIG_ERROR_H

#include <stdexcept>
#include <string>

namespace ofab
{

/// Where a configuration value came from: a file position, or a command-line override.
struct SourceLocation
{
    std::string origin; ///< file name, or "--set a.b=c" for an override
    int line = 0;       ///< 1-based; 0 when the origin has no lines
    int column = 0;     ///< 1-based; 0 when unknown

    std::string ToString() const; ///< "file:12:5", "file", or "--set a.b=c"
};

/**
 * A user error in an experiment or link file: it names where (file:line:column), which key (its full
 * dotted path) and what was expected. The CLI prints what() as its one error line.
 */
class ConfigError : public std::runtime_error
{
  public:
    ConfigError(SourceLocation where, std::string keyPath, const std::string& message);

    const SourceLocation& Where() const { return m_where; }
    const std::string& KeyPath() const { return m_keyPath; }
    const std::string& Message() const { return m_message; }

  private:
    SourceLocation m_where;
    std::string m_keyPath;
    std::string m_message;
};

} // namespace ofab

#endif
