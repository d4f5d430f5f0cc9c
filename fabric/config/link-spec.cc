#include "fabric/config/link-spec.h"

#include "fabric/config/attribute-binder.h"

#include "ns3/object-factory.h"

namespace ofab
{

const std::vector<std::string>&
LinkSpecKeys()
{
    static const std::vector<std::string> keys{"name", "description", "laser", "link"};
    return keys;
}

namespace
{
std::string
OptionalText(const ConfigDocument& doc, const YAML::Node& node, const std::string& key, const std::string& keyPath)
{
    const YAML::Node v = node[key];
    if (!v.IsDefined() || v.IsNull())
    {
        return "";
    }
    if (!v.IsScalar())
    {
        throw doc.ErrorAt(JoinKey(keyPath, key), v.Mark(), "expected text");
    }
    return v.Scalar();
}
} // namespace

LinkSpec
BuildLinkSpec(const ConfigDocument& doc, const YAML::Node& node, const std::string& keyPath)
{
    ExpectOnlyKeys(doc, node, keyPath, LinkSpecKeys());
    LinkSpec spec;
    spec.name = OptionalText(doc, node, "name", keyPath);
    spec.description = OptionalText(doc, node, "description", keyPath);

    ns3::ObjectFactory laserFactory("ofab::LaserSource");
    const BoundSection laserKeys = BindAttributes(laserFactory, doc, node["laser"], JoinKey(keyPath, "laser"));
    spec.laser = laserFactory.Create<LaserSource>();
    laserKeys.Guard([&] { spec.laser->Validate(); });

    ns3::ObjectFactory linkFactory("ofab::PhotonicLink");
    const BoundSection linkKeys = BindAttributes(linkFactory, doc, node["link"], JoinKey(keyPath, "link"));
    spec.link = linkFactory.Create<PhotonicLink>();
    linkKeys.Guard([&] { spec.link->Validate(); });
    spec.link->SetLaserSource(spec.laser);
    return spec;
}

YAML::Node
LinkSpec::Resolved() const
{
    YAML::Node out(YAML::NodeType::Map);
    if (!name.empty())
    {
        out["name"] = name;
    }
    if (!description.empty())
    {
        out["description"] = description;
    }
    out["laser"] = ResolvedAttributes(*laser);
    out["link"] = ResolvedAttributes(*link);
    return out;
}

} // namespace ofab
