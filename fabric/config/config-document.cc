#include "ofab/fabric/config/config-document.h"

#include "ofab/foundation/text-file.h"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace ofab
{

ConfigDocument::ConfigDocument(YAML::Node root, std::string origin)
    : m_root(std::move(root)),
      m_origin(std::move(origin))
{
}

ConfigDocument
ConfigDocument::Load(const std::string& path)
{
    std::string text;
    try
    {
        text = ReadTextFile(path);
    }
    catch (const TextFileError& e)
    {
        throw ConfigError({path, 0, 0}, "", e.what());
    }
    return Parse(text, path);
}

ConfigDocument
ConfigDocument::Parse(const std::string& text, const std::string& origin)
{
    if (const std::size_t bad = FindNonText(text); bad != std::string::npos)
    {
        // Named before YAML sees it: a NUL reads as "unknown escape character", and a stray byte
        // would be echoed raw to the terminal in a message.
        const std::size_t lineStart = text.rfind('\n', bad == 0 ? 0 : bad - 1);
        const int line =
            1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(bad), '\n'));
        const int column = static_cast<int>(bad - (lineStart == std::string::npos ? 0 : lineStart + 1)) + 1;
        throw ConfigError({origin, line, column}, "",
                          std::string(text[bad] == '\0' ? "a NUL byte" : "a byte that is not UTF-8") +
                              ": not a text file (YAML is UTF-8 text)");
    }
    YAML::Node root;
    try
    {
        root = YAML::Load(text);
    }
    catch (const YAML::Exception& e)
    {
        throw ConfigError({origin, e.mark.line + 1, e.mark.column + 1}, "", "YAML syntax error: " + e.msg);
    }
    if (root.IsNull())
    {
        root = YAML::Node(YAML::NodeType::Map);
    }
    if (!root.IsMap())
    {
        throw ConfigError({origin, root.Mark().line + 1, root.Mark().column + 1}, "",
                          "expected a mapping of keys at the top of the file");
    }
    return ConfigDocument(root, origin);
}

void
ConfigDocument::ApplyOverride(const std::string& assignment, const SourceLocation& from)
{
    const SourceLocation where = from.origin.empty() ? SourceLocation{"--set " + assignment, 0, 0} : from;
    const auto eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0)
    {
        throw ConfigError(where, "", "expected path.to.key=value");
    }
    if (FindNonText(assignment) != std::string::npos)
    {
        throw ConfigError({"--set", 0, 0}, "", "the assignment is not UTF-8 text");
    }
    std::string path = assignment.substr(0, eq);
    YAML::Node value;
    try
    {
        value = YAML::Load(assignment.substr(eq + 1));
    }
    catch (const YAML::Exception& e)
    {
        throw ConfigError(where, path, "the value is not valid YAML: " + e.msg);
    }

    std::vector<std::string> parts;
    std::stringstream ss(path);
    for (std::string part; std::getline(ss, part, '.');)
    {
        if (part.empty())
        {
            throw ConfigError(where, path, "empty component in the key path");
        }
        parts.push_back(part);
    }
    // yaml-cpp nodes are handles: walking with operator[] on a copy edits the shared tree. A numeric
    // component indexes a list ("workloads.0.load"); errors and locations use "workloads[0].load".
    auto isIndex = [](const std::string& p) {
        return !p.empty() && p.find_first_not_of("0123456789") == std::string::npos;
    };
    YAML::Node node = m_root;
    std::string walked;
    for (std::size_t i = 0; i < parts.size(); ++i)
    {
        const bool last = i + 1 == parts.size();
        if (node.IsSequence())
        {
            if (!isIndex(parts[i]) || std::stoul(parts[i]) >= node.size())
            {
                throw ConfigError(where, walked,
                                  "is a list of " + std::to_string(node.size()) +
                                      " items: expected an index from 0 to " +
                                      std::to_string(node.size() == 0 ? 0 : node.size() - 1));
            }
            walked += "[" + parts[i] + "]";
            if (last)
            {
                node[std::stoul(parts[i])] = value;
                break;
            }
            node.reset(node[std::stoul(parts[i])]);
            continue;
        }
        walked = JoinKey(walked, parts[i]);
        if (last)
        {
            node[parts[i]] = value;
            break;
        }
        YAML::Node child = node[parts[i]];
        if (child.IsDefined() && !child.IsNull() && !child.IsMap() && !child.IsSequence())
        {
            throw ConfigError(where, walked, "is a single value, not a section with keys");
        }
        if (!child.IsDefined() || child.IsNull())
        {
            node[parts[i]] = YAML::Node(YAML::NodeType::Map);
        }
        node.reset(node[parts[i]]);
    }
    path = walked;
    m_overrides[path] = where;
}

SourceLocation
ConfigDocument::Locate(const std::string& keyPath, const YAML::Mark& mark) const
{
    // A key set by --set, or inside a section or list that a --set wrote whole
    // (`--set topology={kind: torus, dimz: [4]}` -> topology.dimz): its marks count lines of the
    // override's text, not of the file.
    for (std::string path = keyPath; !path.empty();)
    {
        auto it = m_overrides.find(path);
        if (it != m_overrides.end())
        {
            return it->second;
        }
        const auto cut = path.find_last_of(".[");
        path = cut == std::string::npos ? "" : path.substr(0, cut);
    }
    if (mark.is_null() || mark.line < 0)
    {
        // A section that a --set created on its way to its key (`--set controller.policy=x` makes
        // `controller`): it has no line in the file, the override wrote it.
        for (const auto& [path, origin] : m_overrides)
        {
            if (path.rfind(keyPath + ".", 0) == 0 || path.rfind(keyPath + "[", 0) == 0)
            {
                return origin;
            }
        }
        return {m_origin, 0, 0};
    }
    return {m_origin, mark.line + 1, mark.column + 1};
}

ConfigError
ConfigDocument::ErrorAt(const std::string& keyPath, const YAML::Mark& mark, const std::string& message) const
{
    return ConfigError(Locate(keyPath, mark), keyPath, message);
}

YAML::Node
Child(const YAML::Node& parent, const std::string& key)
{
    if (!parent.IsDefined() || !parent.IsMap())
    {
        return YAML::Node();
    }
    const YAML::Node child = parent[key];
    return child.IsDefined() ? child : YAML::Node();
}

std::string
JoinKey(const std::string& parent, const std::string& key)
{
    return parent.empty() ? key : parent + "." + key;
}

namespace
{
std::string
Fold(const std::string& s)
{
    std::string out;
    for (char c : s)
    {
        if (c != '_' && c != '-')
        {
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
    }
    return out;
}

std::size_t
EditDistance(const std::string& a, const std::string& b)
{
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
    {
        row[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i)
    {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j)
        {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = up;
        }
    }
    return row[b.size()];
}
} // namespace

std::string
NearestName(const std::string& name, const std::vector<std::string>& candidates)
{
    const std::string folded = Fold(name);
    std::string best;
    std::size_t bestDistance = std::max<std::size_t>(3, folded.size() / 3) + 1;
    for (const auto& c : candidates)
    {
        const std::string fc = Fold(c);
        std::size_t d = EditDistance(folded, fc);
        // A key that is a prefix or extension of a valid one ("fibre_length" for "fibre_length_m").
        if (fc.rfind(folded, 0) == 0 || folded.rfind(fc, 0) == 0)
        {
            d = std::min<std::size_t>(d, 1);
        }
        if (d < bestDistance)
        {
            bestDistance = d;
            best = c;
        }
    }
    return best;
}

std::string
ListNames(const std::vector<std::string>& names)
{
    std::string s;
    for (std::size_t i = 0; i < names.size(); ++i)
    {
        s += (i == 0 ? "" : (i + 1 == names.size() ? " or " : ", ")) + names[i];
    }
    return s;
}

void
ExpectOnlyKeys(const ConfigDocument& doc, const YAML::Node& section, const std::string& keyPath,
               const std::vector<std::string>& validKeys)
{
    if (!section.IsDefined() || section.IsNull())
    {
        return;
    }
    if (!section.IsMap())
    {
        throw doc.ErrorAt(keyPath, section.Mark(), "expected a section of keys (" + ListNames(validKeys) + ")");
    }
    for (auto it = section.begin(); it != section.end(); ++it)
    {
        const std::string key = it->first.as<std::string>();
        if (std::find(validKeys.begin(), validKeys.end(), key) != validKeys.end())
        {
            continue;
        }
        const std::string nearest = NearestName(key, validKeys);
        throw doc.ErrorAt(JoinKey(keyPath, key), it->first.Mark(),
                          "unknown key" + (nearest.empty() ? ";" : "; did you mean '" + nearest + "'?") +
                              " Valid keys here: " + ListNames(validKeys));
    }
}

std::string
DirectoryOf(const std::string& path)
{
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? "" : path.substr(0, slash + 1);
}

std::string
PathFrom(const std::string& origin, const std::string& path)
{
    return !path.empty() && path.front() == '/' ? path : DirectoryOf(origin) + path;
}

} // namespace ofab
