#ifndef OFAB_FABRIC_CONFIG_CONFIG_DOCUMENT_H
#define OFAB_FABRIC_CONFIG_CONFIG_DOCUMENT_H

#include "ofab/fabric/config/config-error.h"

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <vector>

namespace ofab
{

/**
 * A parsed YAML configuration plus the command-line overrides applied to it, remembering where
 * every value came from so errors can point at the file, line and key the user wrote.
 */
class ConfigDocument
{
  public:
    /// Reads and parses a file; ConfigError for an unreadable file or a YAML syntax error.
    static ConfigDocument Load(const std::string& path);
    /// Parses text; `origin` names it in errors.
    static ConfigDocument Parse(const std::string& text, const std::string& origin);

    /// Applies "path.to.key=value" (value parsed as YAML); ConfigError when malformed. `from` is where
    /// the assignment is written when that is a file (a variant's `set:` entry); by default the
    /// command line (`--set`). Errors about the key later name that place.
    void ApplyOverride(const std::string& assignment, const SourceLocation& from = {});

    const YAML::Node& Root() const { return m_root; }
    const std::string& Origin() const { return m_origin; }

    /// Where the value at `keyPath` (whose node carries `mark`) came from.
    SourceLocation Locate(const std::string& keyPath, const YAML::Mark& mark) const;

    /// The error for a key of the document.
    ConfigError ErrorAt(const std::string& keyPath, const YAML::Mark& mark, const std::string& message) const;

  private:
    ConfigDocument(YAML::Node root, std::string origin);

    YAML::Node m_root;
    std::string m_origin;
    std::map<std::string, SourceLocation> m_overrides; ///< key path -> the override that wrote it
};

/// The child `key` of a mapping, or a null node when `parent` is absent, null or not a mapping
/// (yaml-cpp's own lookup hands back an invalid node that throws on most calls).
YAML::Node Child(const YAML::Node& parent, const std::string& key);

/// Dotted path of a child key: JoinKey("link", "fibre_length_m") == "link.fibre_length_m".
std::string JoinKey(const std::string& parent, const std::string& key);

/// The candidate closest to `name` by edit distance (case and underscores ignored), or "" if none is close.
std::string NearestName(const std::string& name, const std::vector<std::string>& candidates);

/// "a, b or c" for messages.
std::string ListNames(const std::vector<std::string>& names);

/**
 * Checks that a YAML mapping holds only the given keys; an unknown key is a ConfigError naming the
 * nearest valid one and listing all valid ones. A null section (absent) is accepted.
 */
void ExpectOnlyKeys(const ConfigDocument& doc, const YAML::Node& section, const std::string& keyPath,
                    const std::vector<std::string>& validKeys);

/// Directory of a file path, with its trailing slash ("" for a bare file name): where a file's
/// relative paths (a link file, an edge list) are read from.
std::string DirectoryOf(const std::string& path);
/// A path named in the file at `origin`: an absolute one as it is, another relative to that file's folder.
std::string PathFrom(const std::string& origin, const std::string& path);

} // namespace ofab

#endif
