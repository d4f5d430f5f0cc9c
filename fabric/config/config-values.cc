#include "ofab/fabric/config/config-values.h"

#include "ofab/fabric/config/attribute-binder.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace ofab
{

SectionReader::SectionReader(const ConfigDocument& doc, const YAML::Node& section, std::string keyPath)
    : m_doc(doc),
      m_section(section),
      m_keyPath(std::move(keyPath))
{
}

bool
SectionReader::Has(const std::string& key) const
{
    return m_section.IsDefined() && m_section.IsMap() && m_section[key].IsDefined() && !m_section[key].IsNull();
}

ConfigError
SectionReader::ErrorAt(const std::string& key, const std::string& message) const
{
    const YAML::Node n = Has(key) ? m_section[key] : m_section;
    return m_doc.ErrorAt(JoinKey(m_keyPath, key), n.IsDefined() ? n.Mark() : YAML::Mark::null_mark(), message);
}

ConfigError
SectionReader::Missing(const std::string& key, const std::string& what) const
{
    return m_doc.ErrorAt(JoinKey(m_keyPath, key), m_section.IsDefined() ? m_section.Mark() : YAML::Mark::null_mark(),
                         "missing: expected " + what);
}

const YAML::Node&
SectionReader::Scalar(const std::string& key, const std::string& expected) const
{
    m_scratch.reset(m_section[key]);
    if (!m_scratch.IsScalar())
    {
        throw ErrorAt(key, "expected " + expected);
    }
    return m_scratch;
}

uint64_t
SectionReader::Unsigned(const std::string& key, uint64_t fallback, uint64_t min, uint64_t max) const
{
    if (!Has(key))
    {
        return fallback;
    }
    const std::string expected = "a whole number from " + std::to_string(min) + " to " +
                                 (max == UINT64_MAX ? std::string("any") : std::to_string(max));
    const std::string text = Scalar(key, expected).Scalar();
    uint64_t v = 0;
    // Counts, not sizes: no KiB here (no key read this way is in bytes).
    const bool digits = !text.empty() && text.size() <= 20 && text.find_first_not_of("0123456789") == std::string::npos;
    if (!digits || !ParseSizeText(text, v) || v < min || v > max)
    {
        throw ErrorAt(key, "expected " + expected + ", got '" + text + "'");
    }
    return v;
}

double
SectionReader::Number(const std::string& key, double fallback, double min, double max) const
{
    if (!Has(key))
    {
        return fallback;
    }
    std::ostringstream expected;
    expected << "a number from " << min << " to " << max;
    const std::string text = Scalar(key, expected.str()).Scalar();
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v) || v < min || v > max)
    {
        throw ErrorAt(key, "expected " + expected.str() + ", got '" + text + "'");
    }
    return v;
}

ns3::Time
SectionReader::Duration(const std::string& key, ns3::Time fallback, ns3::Time min) const
{
    if (!Has(key))
    {
        return fallback;
    }
    const std::string expected = "a time with a unit, e.g. 20us, 1.5ms";
    const std::string text = Scalar(key, expected).Scalar();
    ns3::Time t;
    if (!ParseTimeText(text, t))
    {
        throw ErrorAt(key, "expected " + expected + ", got '" + text + "'");
    }
    if (t < min)
    {
        throw ErrorAt(key, "expected at least " + std::to_string(min.GetPicoSeconds()) + " ps, got '" + text + "'");
    }
    return t;
}

std::string
SectionReader::Text(const std::string& key, const std::string& fallback) const
{
    return Has(key) ? Scalar(key, "text").Scalar() : fallback;
}

std::string
SectionReader::Choice(const std::string& key, const std::string& fallback,
                      const std::vector<std::string>& choices) const
{
    if (!Has(key))
    {
        return fallback;
    }
    const std::string text = Scalar(key, "one of " + ListNames(choices)).Scalar();
    if (std::find(choices.begin(), choices.end(), text) == choices.end())
    {
        const std::string nearest = NearestName(text, choices);
        throw ErrorAt(key, "expected one of " + ListNames(choices) + ", got '" + text + "'" +
                               (nearest.empty() ? "" : "; did you mean '" + nearest + "'?"));
    }
    return text;
}

std::vector<int>
SectionReader::IntList(const std::string& key, int min, int max) const
{
    const std::string expected =
        "a list of whole numbers from " + std::to_string(min) + " to " + std::to_string(max) + ", e.g. [4, 4]";
    if (!Has(key))
    {
        throw Missing(key, expected);
    }
    const YAML::Node list = m_section[key];
    if (!list.IsSequence() || list.size() == 0)
    {
        throw ErrorAt(key, "expected " + expected);
    }
    std::vector<int> out;
    for (const auto& item : list)
    {
        const std::string text = item.IsScalar() ? item.Scalar() : "";
        char* end = nullptr;
        const long v = std::strtol(text.c_str(), &end, 10);
        if (text.empty() || end != text.c_str() + text.size() || v < min || v > max)
        {
            throw m_doc.ErrorAt(JoinKey(m_keyPath, key), item.Mark(), "expected " + expected + ", got '" + text + "'");
        }
        out.push_back(static_cast<int>(v));
    }
    return out;
}

} // namespace ofab
