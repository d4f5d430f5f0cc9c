#include "ofab/fabric/config/attribute-binder.h"

#include "ns3/attribute.h"
#include "ns3/nstime.h"
#include "ns3/string.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <iomanip>
#include <sstream>

namespace ofab
{

std::string
AttributeKey(const std::string& attributeName)
{
    // A new word starts at an upper-case letter that follows a lower-case letter or digit, or that
    // precedes a lower-case letter inside a run of capitals ("FWHMGhz" -> "fwhm_ghz").
    std::string key;
    for (std::size_t i = 0; i < attributeName.size(); ++i)
    {
        const char c = attributeName[i];
        if (std::isupper(static_cast<unsigned char>(c)) && i > 0)
        {
            const char prev = attributeName[i - 1];
            const bool nextLower =
                i + 1 < attributeName.size() && std::islower(static_cast<unsigned char>(attributeName[i + 1]));
            if (std::islower(static_cast<unsigned char>(prev)) || std::isdigit(static_cast<unsigned char>(prev)) ||
                (std::isupper(static_cast<unsigned char>(prev)) && nextLower))
            {
                key += '_';
            }
        }
        key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return key;
}

std::vector<ns3::TypeId::AttributeInformation>
SettableAttributes(ns3::TypeId tid)
{
    // Parents first, so keys list in the order a reader meets them in the model's documentation.
    std::vector<ns3::TypeId> chain;
    for (ns3::TypeId t = tid;; t = t.GetParent())
    {
        chain.push_back(t);
        if (t == t.GetParent())
        {
            break;
        }
    }
    std::vector<ns3::TypeId::AttributeInformation> out;
    for (auto t = chain.rbegin(); t != chain.rend(); ++t)
    {
        for (std::size_t i = 0; i < t->GetAttributeN(); ++i)
        {
            const auto info = t->GetAttribute(i);
            const bool settable = (info.flags & (ns3::TypeId::ATTR_SET | ns3::TypeId::ATTR_CONSTRUCT)) != 0;
            if (settable && info.supportLevel == ns3::TypeId::SUPPORTED)
            {
                out.push_back(info);
            }
        }
    }
    return out;
}

std::vector<std::string>
SettableKeys(ns3::TypeId tid)
{
    std::vector<std::string> keys;
    for (const auto& info : SettableAttributes(tid))
    {
        keys.push_back(AttributeKey(info.name));
    }
    return keys;
}

namespace
{

enum class Kind
{
    Double,
    Unsigned,
    Signed,
    Time,
    Boolean,
    Enum,
    Text,
    Unsupported,
};

Kind
KindOf(const ns3::Ptr<const ns3::AttributeChecker>& checker)
{
    // Some checkers name their type with the namespace ("ns3::DoubleValue"), some without ("BooleanValue").
    std::string t = checker->GetValueTypeName();
    if (t.rfind("ns3::", 0) != 0)
    {
        t = "ns3::" + t;
    }
    if (t == "ns3::DoubleValue")
    {
        return Kind::Double;
    }
    if (t == "ns3::UintegerValue")
    {
        return Kind::Unsigned;
    }
    if (t == "ns3::IntegerValue")
    {
        return Kind::Signed;
    }
    if (t == "ns3::TimeValue")
    {
        return Kind::Time;
    }
    if (t == "ns3::BooleanValue")
    {
        return Kind::Boolean;
    }
    if (t == "ns3::EnumValue")
    {
        return Kind::Enum;
    }
    if (t == "ns3::StringValue")
    {
        return Kind::Text;
    }
    return Kind::Unsupported;
}

std::vector<std::string>
EnumNames(const ns3::Ptr<const ns3::AttributeChecker>& checker)
{
    std::vector<std::string> names;
    std::stringstream ss(checker->GetUnderlyingTypeInformation());
    for (std::string n; std::getline(ss, n, '|');)
    {
        names.push_back(n);
    }
    return names;
}

std::string
FormatNumber(double v)
{
    std::ostringstream os;
    os << v;
    return os.str();
}

/// Only sizes take KiB, MiB and GiB: the unsigned attributes whose name ends in "Bytes" or "Chunk"
/// (PipelineChunk: the bytes a pipelined chain forwards at a time).
bool
TakesSizeUnits(const ns3::TypeId::AttributeInformation& info)
{
    const std::string& name = info.name;
    const auto endsWith = [&name](const std::string& suffix) {
        return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    return endsWith("Bytes") || endsWith("Chunk");
}

/// "a number >= 0", "a whole number from 1 to 64", ... from the checker's "type min:max" text.
std::string
Expected(const ns3::TypeId::AttributeInformation& info)
{
    const Kind kind = KindOf(info.checker);
    std::string bounds;
    if (kind == Kind::Double || kind == Kind::Unsigned || kind == Kind::Signed)
    {
        const std::string u = info.checker->GetUnderlyingTypeInformation();
        const auto space = u.rfind(' ');
        const auto colon = u.rfind(':');
        if (space != std::string::npos && colon != std::string::npos && colon > space)
        {
            const double lo = std::strtod(u.substr(space + 1, colon - space - 1).c_str(), nullptr);
            const double hi = std::strtod(u.substr(colon + 1).c_str(), nullptr);
            const bool hasLo = lo > -1e18 && !(kind == Kind::Unsigned && lo == 0);
            const bool hasHi = hi < 1e18 && hi != 4294967295.0 && hi != 65535.0 && hi != 255.0 && hi != 2147483647.0;
            if (hasLo && hasHi)
            {
                bounds = " from " + FormatNumber(lo) + " to " + FormatNumber(hi);
            }
            else if (hasLo)
            {
                bounds = " >= " + FormatNumber(lo);
            }
            else if (hasHi)
            {
                bounds = " <= " + FormatNumber(hi);
            }
        }
    }
    switch (kind)
    {
    case Kind::Double:
        return "a number" + bounds;
    case Kind::Unsigned:
        return "a whole number" + (bounds.empty() ? std::string(" >= 0") : bounds) +
               (TakesSizeUnits(info) ? " (KiB, MiB, GiB allowed)" : "");
    case Kind::Signed:
        return "a whole number" + bounds;
    case Kind::Time:
        return "a time with a unit, e.g. 150ns, 2.5us, 10ms";
    case Kind::Boolean:
        return "true or false";
    case Kind::Enum:
        return "one of " + ListNames(EnumNames(info.checker));
    case Kind::Text:
        return "text without spaces";
    case Kind::Unsupported:
        break;
    }
    return "a value of type " + info.checker->GetValueTypeName();
}

/// ns-3 reads most attribute values with `istream >> T` and aborts (NS_ABORT_MSG_UNLESS) when that
/// leaves text unread: a value the binder passes on must be read whole that way.
template <class T>
bool
ReadsWhole(const std::string& text)
{
    std::istringstream in(text);
    T value{};
    in >> value;
    return !in.fail() && in.eof();
}

bool
ParsesAsDouble(const std::string& s)
{
    if (s.empty())
    {
        return false;
    }
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(s.c_str(), &end);
    // strtod also takes hexadecimal ("0x10") and leading spaces, which ns-3's reader does not.
    return end == s.c_str() + s.size() && errno != ERANGE && std::isfinite(v) && ReadsWhole<double>(s);
}

bool
ParsesAsInteger(const std::string& s)
{
    // At most 19 digits (64 bits), checked before anything else looks at the text.
    std::size_t i = 0;
    if (!s.empty() && (s[0] == '+' || s[0] == '-'))
    {
        ++i;
    }
    const std::size_t digits = s.size() - i;
    if (digits == 0 || digits > 19)
    {
        return false;
    }
    for (; i < s.size(); ++i)
    {
        if (s[i] < '0' || s[i] > '9')
        {
            return false;
        }
    }
    return ReadsWhole<int64_t>(s);
}

bool
Normalise(const ns3::TypeId::AttributeInformation& info, std::string& text)
{
    switch (KindOf(info.checker))
    {
    case Kind::Double:
        return ParsesAsDouble(text);
    case Kind::Unsigned:
    {
        uint64_t v = 0;
        if (!TakesSizeUnits(info) && !ParsesAsInteger(text))
        {
            return false; // a count (line_count: 8KiB is a mistake, not 8192 lines)
        }
        if (!ParseSizeText(text, v))
        {
            return false;
        }
        text = std::to_string(v);
        return true;
    }
    case Kind::Signed:
        return ParsesAsInteger(text);
    case Kind::Time:
    {
        ns3::Time t;
        if (!ParseTimeText(text, t))
        {
            return false;
        }
        text = std::to_string(t.GetPicoSeconds()) + "ps";
        return true;
    }
    case Kind::Boolean:
    {
        std::string lower;
        for (char c : text)
        {
            lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        if (lower == "true" || lower == "yes" || lower == "on")
        {
            text = "true";
        }
        else if (lower == "false" || lower == "no" || lower == "off")
        {
            text = "false";
        }
        else
        {
            return false;
        }
        return true;
    }
    case Kind::Enum:
    {
        // ns-3 3.37 accepts unknown enum names silently: check the list ourselves.
        for (const auto& n : EnumNames(info.checker))
        {
            if (n == text)
            {
                return true;
            }
        }
        return false;
    }
    case Kind::Text:
        return ReadsWhole<std::string>(text); // one word: ns-3 reads text up to the first space
    case Kind::Unsupported:
        return false;
    }
    return false;
}

std::string
ValueText(const ns3::TypeId::AttributeInformation& info, const ns3::AttributeValue& value)
{
    if (KindOf(info.checker) == Kind::Time)
    {
        return FormatTime(dynamic_cast<const ns3::TimeValue&>(value).Get());
    }
    return value.SerializeToString(info.checker);
}

} // namespace

BoundSection::BoundSection(const ConfigDocument* doc, std::string keyPath, YAML::Mark sectionMark)
    : m_doc(doc),
      m_keyPath(std::move(keyPath)),
      m_sectionMark(sectionMark)
{
}

void
BoundSection::Remember(const std::string& attribute, const std::string& keyPath, const YAML::Mark& mark,
                       ns3::Ptr<ns3::AttributeValue> value)
{
    m_set[attribute] = {keyPath, mark};
    m_values.emplace_back(attribute, value);
}

ConfigError
ErrorForLayered(const std::vector<const BoundSection*>& layers, const std::string& attribute,
                const std::string& message)
{
    for (auto it = layers.rbegin(); it != layers.rend(); ++it)
    {
        if ((*it)->Sets(attribute))
        {
            return (*it)->ErrorFor(attribute, message);
        }
    }
    return layers.back()->ErrorFor(attribute, message);
}

ConfigError
BoundSection::ErrorFor(const std::string& attribute, const std::string& message) const
{
    auto it = m_set.find(attribute);
    if (it != m_set.end())
    {
        return m_doc->ErrorAt(it->second.first, it->second.second, message);
    }
    return m_doc->ErrorAt(JoinKey(m_keyPath, AttributeKey(attribute)), m_sectionMark,
                          message + " (default value; set it in the '" + m_keyPath + "' section)");
}

BoundSection
BindAttributes(ns3::ObjectFactory& factory, const ConfigDocument& doc, const YAML::Node& section,
               const std::string& keyPath, const std::vector<std::string>& reserved)
{
    BoundSection bound(&doc, keyPath, section.IsDefined() ? section.Mark() : YAML::Mark::null_mark());
    if (!section.IsDefined() || section.IsNull())
    {
        return bound;
    }
    const auto attributes = SettableAttributes(factory.GetTypeId());
    std::vector<std::string> validKeys = reserved;
    for (const auto& info : attributes)
    {
        validKeys.push_back(AttributeKey(info.name));
    }
    if (!section.IsMap())
    {
        throw doc.ErrorAt(keyPath, section.Mark(), "expected a section of keys (" + ListNames(validKeys) + ")");
    }
    ExpectOnlyKeys(doc, section, keyPath, validKeys);

    for (auto it = section.begin(); it != section.end(); ++it)
    {
        const std::string key = it->first.as<std::string>();
        const std::string path = JoinKey(keyPath, key);
        const auto info = std::find_if(attributes.begin(), attributes.end(),
                                       [&](const auto& a) { return AttributeKey(a.name) == key; });
        if (info == attributes.end())
        {
            continue; // reserved for the caller
        }
        const YAML::Node node = it->second; // a handle: the iterator's pair is a temporary
        if (!node.IsScalar())
        {
            throw doc.ErrorAt(path, node.Mark(),
                              "expected " + Expected(*info) + ", got a " +
                                  (node.IsMap()        ? "section"
                                   : node.IsSequence() ? "list"
                                                       : "null"));
        }
        std::string text = node.Scalar();
        const std::string original = text;
        ns3::Ptr<ns3::AttributeValue> value = info->checker->Create();
        if (KindOf(info->checker) == Kind::Text && text.empty())
        {
            // Empty text is the empty value (`name: ""`: how the resolved configuration writes an
            // unnamed workload), which ns-3 cannot read from a string.
            value = ns3::Create<ns3::StringValue>("");
        }
        else if (!Normalise(*info, text) || !value->DeserializeFromString(text, info->checker))
        {
            throw doc.ErrorAt(path, node.Mark(), "expected " + Expected(*info) + ", got '" + original + "'");
        }
        if (!info->checker->Check(*value))
        {
            throw doc.ErrorAt(path, node.Mark(),
                              "out of range: expected " + Expected(*info) + ", got '" + original + "'");
        }
        factory.Set(info->name, *value);
        bound.Remember(info->name, path, node.Mark(), value);
    }
    return bound;
}

YAML::Node
ResolvedAttributes(const ns3::ObjectBase& object)
{
    YAML::Node out(YAML::NodeType::Map);
    for (const auto& info : SettableAttributes(object.GetInstanceTypeId()))
    {
        if (KindOf(info.checker) == Kind::Unsupported)
        {
            continue;
        }
        ns3::Ptr<ns3::AttributeValue> value = info.checker->Create();
        object.GetAttribute(info.name, *value);
        out[AttributeKey(info.name)] = ValueText(info, *value);
    }
    return out;
}

std::vector<KeyDoc>
AttributeKeys(ns3::TypeId tid)
{
    std::vector<KeyDoc> keys;
    for (const auto& info : SettableAttributes(tid))
    {
        if (KindOf(info.checker) != Kind::Unsupported)
        {
            keys.push_back({AttributeKey(info.name), ValueText(info, *info.initialValue), Expected(info), info.help});
        }
    }
    return keys;
}

} // namespace ofab
