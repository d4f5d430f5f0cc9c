#include "ofab/fabric/config/key-doc.h"

#include <sstream>

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

} // namespace ofab
