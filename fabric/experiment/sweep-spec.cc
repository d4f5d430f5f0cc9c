#include "ofab/fabric/experiment/sweep-spec.h"

#include "ofab/fabric/config/config-values.h"

#include <algorithm>
#include <filesystem>
#include <set>

namespace ofab
{

namespace
{

const std::vector<std::string> kSweepKeys{"name", "description", "base", "set", "axes", "seeds", "repetitions"};
const std::vector<std::string> kAxisKeys{"name", "key", "values", "zip", "labels"};

/// Keys the sweep owns: every point writes its own trace and summary, and `seeds:` sets the seed.
const std::vector<std::string> kReservedKeys{"outputs.trace", "outputs.summary_json"};

/// Child() hands back a null node for an absent key.
bool
Present(const YAML::Node& n)
{
    return n.IsDefined() && !n.IsNull();
}

bool
SafeChar(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+' || c == '_';
}

/// A label that can be part of a folder name: unsafe characters become '-', runs of them one.
std::string
Sanitize(const std::string& text)
{
    std::string out;
    for (char c : text)
    {
        if (SafeChar(c))
        {
            out += c;
        }
        else if (!out.empty() && out.back() != '-')
        {
            out += '-';
        }
    }
    while (!out.empty() && out.back() == '-')
    {
        out.pop_back();
    }
    return out;
}

/// The default label of a value: a scalar's text, a list of scalars joined by 'x' ([4, 4] -> 4x4).
std::string
DefaultLabel(const YAML::Node& v)
{
    if (v.IsScalar())
    {
        return Sanitize(v.Scalar());
    }
    if (v.IsSequence())
    {
        std::string s;
        for (const auto& item : v)
        {
            if (!item.IsScalar())
            {
                return "";
            }
            s += (s.empty() ? "" : "x") + Sanitize(item.Scalar());
        }
        return s;
    }
    return "";
}

/// The last component of a key that is not a list index: workloads.1.load -> load.
std::string
LastName(const std::string& key)
{
    std::string last;
    std::size_t start = 0;
    while (start <= key.size())
    {
        const auto dot = key.find('.', start);
        const std::string part = key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (!part.empty() && part.find_first_not_of("0123456789") != std::string::npos)
        {
            last = part;
        }
        if (dot == std::string::npos)
        {
            break;
        }
        start = dot + 1;
    }
    return last;
}

void
CheckKeyName(const ConfigDocument& doc, const YAML::Node& keyNode, const std::string& keyPath)
{
    if (!keyNode.IsScalar() || keyNode.Scalar().empty())
    {
        throw doc.ErrorAt(keyPath, keyNode.Mark(), "expected a dotted experiment key such as workloads.0.load");
    }
    const std::string key = keyNode.Scalar();
    if (std::find(kReservedKeys.begin(), kReservedKeys.end(), key) != kReservedKeys.end())
    {
        throw doc.ErrorAt(keyPath, keyNode.Mark(),
                          "'" + key + "' is set by the sweep (each point writes its own trace and summary)");
    }
    if (key.front() == '.' || key.back() == '.' || key.find("..") != std::string::npos)
    {
        throw doc.ErrorAt(keyPath, keyNode.Mark(), "'" + key + "': empty component in the key");
    }
}

std::vector<YAML::Node>
ReadValues(const ConfigDocument& doc, const YAML::Node& list, const std::string& keyPath)
{
    if (!Present(list) || !list.IsSequence())
    {
        throw doc.ErrorAt(keyPath, list.IsDefined() ? list.Mark() : YAML::Mark::null_mark(),
                          "expected a list of values, e.g. [0.1, 0.2]");
    }
    if (list.size() == 0)
    {
        throw doc.ErrorAt(keyPath, list.Mark(), "empty axis: give at least one value");
    }
    std::vector<YAML::Node> values;
    for (const auto& v : list)
    {
        values.push_back(v);
    }
    return values;
}

SweepAxis
LoadAxis(const ConfigDocument& doc, const YAML::Node& node, const std::string& keyPath)
{
    if (!node.IsMap())
    {
        throw doc.ErrorAt(
            keyPath, node.Mark(),
            "expected an axis: {key: <experiment key>, values: [...]} or {name: <name>, zip: {<key>: [...], ...}}");
    }
    ExpectOnlyKeys(doc, node, keyPath, kAxisKeys);
    SweepAxis axis;
    axis.keyPath = keyPath;
    const YAML::Node key = Child(node, "key");
    const YAML::Node zip = Child(node, "zip");
    if (Present(key) == Present(zip))
    {
        throw doc.ErrorAt(keyPath, node.Mark(), "an axis has either `key:` and `values:`, or `zip:`");
    }
    if (Present(key))
    {
        CheckKeyName(doc, key, JoinKey(keyPath, "key"));
        axis.keys.push_back(key.Scalar());
        axis.keyMarks.push_back(key.Mark());
        if (!Present(Child(node, "values")))
        {
            throw doc.ErrorAt(JoinKey(keyPath, "values"), node.Mark(),
                              "missing: expected the list of values of '" + key.Scalar() + "'");
        }
        axis.values.push_back(ReadValues(doc, Child(node, "values"), JoinKey(keyPath, "values")));
        axis.name = LastName(key.Scalar());
    }
    else
    {
        axis.zipped = true;
        if (Present(Child(node, "values")))
        {
            throw doc.ErrorAt(JoinKey(keyPath, "values"), node["values"].Mark(),
                              "a zipped axis lists its values under each key of `zip:`");
        }
        if (!zip.IsMap() || zip.size() == 0)
        {
            throw doc.ErrorAt(JoinKey(keyPath, "zip"), zip.Mark(),
                              "expected keys with lists of equal length: {topology: [...], faults: [...]}");
        }
        for (auto it = zip.begin(); it != zip.end(); ++it)
        {
            const std::string k = JoinKey(JoinKey(keyPath, "zip"), it->first.as<std::string>());
            CheckKeyName(doc, it->first, k);
            axis.keys.push_back(it->first.Scalar());
            axis.keyMarks.push_back(it->first.Mark());
            axis.values.push_back(ReadValues(doc, it->second, k));
            if (axis.values.back().size() != axis.values.front().size())
            {
                throw doc.ErrorAt(k, it->second.Mark(),
                                  "has " + std::to_string(axis.values.back().size()) + " values but '" +
                                      axis.keys.front() + "' has " + std::to_string(axis.values.front().size()) +
                                      ": zipped lists vary together and need the same length");
            }
        }
        if (!Present(Child(node, "name")))
        {
            throw doc.ErrorAt(keyPath, node.Mark(), "a zipped axis needs `name:` (the index column, e.g. design)");
        }
    }
    if (const YAML::Node name = Child(node, "name"); Present(name))
    {
        if (!name.IsScalar() || name.Scalar().empty() || Sanitize(name.Scalar()) != name.Scalar())
        {
            throw doc.ErrorAt(JoinKey(keyPath, "name"), name.Mark(),
                              "expected a name of letters, digits, '.', '-', '+' or '_'");
        }
        axis.name = name.Scalar();
    }
    const std::size_t n = axis.values.front().size();
    if (const YAML::Node labels = Child(node, "labels"); Present(labels))
    {
        const auto given = ReadValues(doc, labels, JoinKey(keyPath, "labels"));
        if (given.size() != n)
        {
            throw doc.ErrorAt(JoinKey(keyPath, "labels"), labels.Mark(),
                              "has " + std::to_string(given.size()) + " labels for " + std::to_string(n) + " values");
        }
        for (const auto& l : given)
        {
            if (!l.IsScalar() || l.Scalar().empty() || Sanitize(l.Scalar()) != l.Scalar())
            {
                throw doc.ErrorAt(JoinKey(keyPath, "labels"), l.Mark(),
                                  "a label is a word of letters, digits, '.', '-', '+' or '_' (it names folders)");
            }
            axis.labels.push_back(l.Scalar());
        }
    }
    else
    {
        for (std::size_t i = 0; i < n; ++i)
        {
            const std::string label = DefaultLabel(axis.values.front()[i]);
            if (label.empty())
            {
                throw doc.ErrorAt(keyPath, axis.values.front()[i].Mark(),
                                  "value " + std::to_string(i) + " of '" + axis.keys.front() +
                                      "' is a section: give the axis `labels:` to name its settings");
            }
            axis.labels.push_back(label);
        }
    }
    std::set<std::string> seen;
    for (const auto& l : axis.labels)
    {
        if (!seen.insert(l).second)
        {
            throw doc.ErrorAt(keyPath, node.Mark(),
                              "two settings of axis '" + axis.name + "' are both labelled '" + l +
                                  "': give distinct `labels:`");
        }
    }
    return axis;
}

std::vector<uint64_t>
LoadSeeds(const ConfigDocument& doc, SweepSpec& spec)
{
    const YAML::Node seeds = Child(doc.Root(), "seeds");
    const YAML::Node reps = Child(doc.Root(), "repetitions");
    if (Present(seeds) && Present(reps))
    {
        throw doc.ErrorAt("repetitions", reps.Mark(), "give `seeds:` or `repetitions:`, not both");
    }
    std::vector<uint64_t> out;
    if (Present(reps))
    {
        spec.seedsMark = reps.Mark();
        SectionReader r(doc, doc.Root(), "");
        const uint64_t n = r.Unsigned("repetitions", 1, 1, 100000);
        for (uint64_t s = 1; s <= n; ++s)
        {
            out.push_back(s);
        }
    }
    else if (Present(seeds))
    {
        spec.seedsMark = seeds.Mark();
        for (const auto& v : ReadValues(doc, seeds, "seeds"))
        {
            uint64_t s = 0;
            try
            {
                const long long parsed = v.as<long long>();
                s = parsed > 0 && parsed <= 4294967295LL ? static_cast<uint64_t>(parsed) : 0;
            }
            catch (const YAML::Exception&)
            {
            }
            if (s == 0)
            {
                throw doc.ErrorAt("seeds", v.Mark(), "expected a whole number from 1 to 4294967295");
            }
            if (std::find(out.begin(), out.end(), s) != out.end())
            {
                throw doc.ErrorAt("seeds", v.Mark(), "seed " + std::to_string(s) + " is listed twice");
            }
            out.push_back(s);
        }
    }
    return out;
}

} // namespace

SweepSpec
LoadSweep(const ConfigDocument& doc)
{
    ExpectOnlyKeys(doc, doc.Root(), "", kSweepKeys);
    SweepSpec spec;
    spec.file = doc.Origin();
    SectionReader top(doc, doc.Root(), "");
    spec.name = top.Text("name", std::filesystem::path(doc.Origin()).stem().string());
    if (Sanitize(spec.name) != spec.name || spec.name.empty())
    {
        throw top.ErrorAt("name",
                          "expected a name of letters, digits, '.', '-', '+' or '_' (it names the output folder)");
    }
    spec.description = top.Text("description", "");
    if (!top.Has("base"))
    {
        throw top.Missing("base", "the experiment file every point starts from (relative to the sweep file)");
    }
    const std::filesystem::path base = top.Text("base", "");
    spec.base =
        base.is_absolute() ? base.string() : (std::filesystem::path(doc.Origin()).parent_path() / base).string();
    if (!std::filesystem::is_regular_file(spec.base))
    {
        throw top.ErrorAt("base", "no experiment file " + spec.base);
    }

    const YAML::Node fixed = Child(doc.Root(), "set");
    if (fixed.IsDefined() && !fixed.IsNull())
    {
        if (!fixed.IsMap())
        {
            throw doc.ErrorAt("set", fixed.Mark(), "expected keys and values applied to every point: {duration: 50us}");
        }
        for (auto it = fixed.begin(); it != fixed.end(); ++it)
        {
            CheckKeyName(doc, it->first, JoinKey("set", it->first.as<std::string>()));
            spec.fixed.emplace_back(it->first.Scalar(), it->second);
            spec.fixedMarks.push_back(it->first.Mark());
        }
    }

    const YAML::Node axes = Child(doc.Root(), "axes");
    if (axes.IsDefined() && !axes.IsNull())
    {
        if (!axes.IsSequence())
        {
            throw doc.ErrorAt("axes", axes.Mark(), "expected a list of axes");
        }
        std::set<std::string> names;
        std::set<std::string> keys;
        for (std::size_t i = 0; i < axes.size(); ++i)
        {
            SweepAxis axis = LoadAxis(doc, axes[i], "axes[" + std::to_string(i) + "]");
            if (!names.insert(axis.name).second || axis.name == "seed")
            {
                throw doc.ErrorAt(axis.keyPath, axes[i].Mark(),
                                  "axis name '" + axis.name + "' is " +
                                      (axis.name == "seed" ? "reserved for seeds:" : "used twice") +
                                      ": give the axis a distinct `name:`");
            }
            for (std::size_t k = 0; k < axis.keys.size(); ++k)
            {
                if (!keys.insert(axis.keys[k]).second)
                {
                    throw doc.ErrorAt(axis.keyPath, axis.keyMarks[k], "key '" + axis.keys[k] + "' is swept twice");
                }
                if (axis.keys[k] == "seed")
                {
                    throw doc.ErrorAt(axis.keyPath, axis.keyMarks[k], "sweep seeds with `seeds:` or `repetitions:`");
                }
            }
            spec.axes.push_back(std::move(axis));
        }
    }
    spec.seeds = LoadSeeds(doc, spec);
    if (spec.axes.empty() && spec.seeds.empty())
    {
        throw doc.ErrorAt("axes", doc.Root().Mark(), "nothing to sweep: give `axes:`, `seeds:` or `repetitions:`");
    }
    return spec;
}

} // namespace ofab
