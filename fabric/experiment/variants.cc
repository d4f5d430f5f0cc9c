#include "ofab/fabric/experiment/variants.h"

#include "ofab/fabric/experiment/section-keys.h"

#include <filesystem>
#include <set>

namespace ofab
{

std::vector<Variant>
ReadVariants(const ConfigDocument& doc)
{
    std::vector<Variant> variants;
    const YAML::Node list = Child(doc.Root(), "variants");
    if (!list.IsDefined() || list.IsNull())
    {
        return variants;
    }
    if (!list.IsSequence() || list.size() == 0)
    {
        throw doc.ErrorAt("variants", list.Mark(), "expected a non-empty list of {name, set} entries");
    }
    std::set<std::string> names;
    for (std::size_t i = 0; i < list.size(); ++i)
    {
        const YAML::Node item = list[i];
        const std::string path = "variants[" + std::to_string(i) + "]";
        if (!item.IsMap())
        {
            throw doc.ErrorAt(path, item.Mark(), "expected a mapping with name: and set:");
        }
        ExpectOnlyKeys(doc, item, path, LoaderKeys("variants"));
        const YAML::Node name = Child(item, "name");
        if (!name.IsScalar() || name.Scalar().empty() ||
            name.Scalar().find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") !=
                std::string::npos)
        {
            throw doc.ErrorAt(path + ".name", name.IsDefined() ? name.Mark() : item.Mark(),
                              "expected a name of letters, digits, - and _ (it names the variant's outputs)");
        }
        if (!names.insert(name.Scalar()).second)
        {
            throw doc.ErrorAt(path + ".name", name.Mark(), "variant '" + name.Scalar() + "' appears twice");
        }
        Variant v{name.Scalar(), {}, {}};
        const YAML::Node set = Child(item, "set");
        if (!set.IsMap())
        {
            throw doc.ErrorAt(path + ".set", set.IsDefined() ? set.Mark() : item.Mark(),
                              "expected a mapping of overrides, e.g. {controller.policy: local}");
        }
        for (auto it = set.begin(); it != set.end(); ++it)
        {
            YAML::Emitter value;
            value << YAML::Flow << it->second;
            v.overrides.push_back(it->first.Scalar() + "=" + value.c_str());
            v.origins.push_back(doc.Locate(path + ".set." + it->first.Scalar(), it->first.Mark()));
        }
        variants.push_back(v);
    }
    return variants;
}

std::string
VariantPath(const std::string& path, const std::string& variant)
{
    if (path.empty() || variant.empty())
    {
        return path;
    }
    const std::filesystem::path p(path);
    return (p.parent_path() / (p.stem().string() + "-" + variant + p.extension().string())).string();
}

} // namespace ofab
