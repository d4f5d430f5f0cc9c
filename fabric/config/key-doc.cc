#include "ofab/fabric/config/key-doc.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace ofab
{

std::string
FormatKeysText(const SectionDoc& section)
{
    std::ostringstream os;
    os << section.name << ":   " << section.intro << "\n";
    for (const KeyDoc& k : section.keys)
    {
        os << "  " << k.key << ": " << (k.defaultText.empty() ? "(no default)" : k.defaultText) << "\n"
           << "      " << k.meaning << " [" << k.expected << "]\n";
    }
    return os.str();
}

namespace
{
/// A table cell: '|' would end it, a line break would end the row.
std::string
Cell(const std::string& text)
{
    std::string out;
    for (char c : text)
    {
        if (c == '|')
        {
            out += "\\|";
        }
        else
        {
            out += c == '\n' ? ' ' : c;
        }
    }
    return out;
}
} // namespace

std::string
FormatKeysMarkdown(const SectionDoc& section)
{
    std::ostringstream os;
    os << "## " << section.name << "\n\n" << Cell(section.intro) << "\n\n";
    os << "| key | default | range | meaning |\n|---|---|---|---|\n";
    for (const KeyDoc& k : section.keys)
    {
        os << "| `" << k.key << "` | " << (k.defaultText.empty() ? "—" : "`" + Cell(k.defaultText) + "`") << " | "
           << Cell(k.expected) << " | " << Cell(k.meaning) << " |\n";
    }
    return os.str();
}

const SectionDoc&
FindSection(const std::vector<SectionDoc>& sections, const std::string& name)
{
    const auto it = std::find_if(sections.begin(), sections.end(), [&](const SectionDoc& s) { return s.name == name; });
    if (it == sections.end())
    {
        throw std::out_of_range("no key section " + name);
    }
    return *it;
}

std::vector<std::string>
KeyNames(const SectionDoc& section)
{
    std::vector<std::string> names;
    for (const KeyDoc& k : section.keys)
    {
        names.push_back(k.key);
    }
    return names;
}

} // namespace ofab
