#include "ofab/fabric/experiment/link-spec.h"

#include "ofab/fabric/config/config-values.h"

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

std::vector<const BoundSection*>
Pointers(const std::vector<BoundSection>& layers)
{
    std::vector<const BoundSection*> out;
    for (const auto& l : layers)
    {
        out.push_back(&l);
    }
    return out;
}

/// Binds the laser and link sections of every layer, then builds and validates.
void
BuildLayers(LinkSpec& spec)
{
    const std::vector<LinkLayer>& layers = spec.layers;
    ns3::ObjectFactory laserFactory("ofab::LaserSource");
    ns3::ObjectFactory linkFactory("ofab::PhotonicLink");
    for (const LinkLayer& l : layers)
    {
        const YAML::Node laser = Child(l.node, "laser");
        const YAML::Node link = Child(l.node, "link");
        spec.laserLayers.push_back(BindAttributes(laserFactory, *l.doc, laser, JoinKey(l.keyPath, "laser")));
        spec.linkLayers.push_back(BindAttributes(linkFactory, *l.doc, link, JoinKey(l.keyPath, "link")));
    }
    spec.laser = laserFactory.Create<LaserSource>();
    GuardLayered(Pointers(spec.laserLayers), [&] { spec.laser->Validate(); });
    spec.link = linkFactory.Create<PhotonicLink>();
    GuardLayered(Pointers(spec.linkLayers), [&] { spec.link->Validate(); });
    spec.link->SetLaserSource(spec.laser);
}

} // namespace

LinkSpec
BuildLinkSpec(const ConfigDocument& doc, const YAML::Node& node, const std::string& keyPath)
{
    ExpectOnlyKeys(doc, node, keyPath, LinkSpecKeys());
    LinkSpec spec;
    SectionReader r(doc, node, keyPath);
    spec.name = r.Text("name", "");
    spec.description = r.Text("description", "");
    spec.layers.push_back({&doc, node, keyPath});
    BuildLayers(spec);
    return spec;
}

LinkSpec
BuildExperimentLinks(const ConfigDocument& doc, const YAML::Node& node, const std::string& keyPath,
                     const std::string& baseDir, const LinkSpec* base, const std::vector<std::string>& extraKeys)
{
    std::vector<std::string> keys{"file", "laser", "link"};
    keys.insert(keys.end(), extraKeys.begin(), extraKeys.end());
    ExpectOnlyKeys(doc, node, keyPath, keys);
    LinkSpec spec;
    if (base)
    {
        spec.name = base->name;
        spec.description = base->description;
        spec.files = base->files;
        spec.layers = base->layers;
    }
    SectionReader r(doc, node, keyPath);
    if (r.Has("file"))
    {
        const std::string file = r.Text("file", "");
        const std::string path = !file.empty() && file.front() == '/' ? file : baseDir + file;
        std::shared_ptr<const ConfigDocument> linkFile;
        try
        {
            linkFile = std::make_shared<const ConfigDocument>(ConfigDocument::Load(path));
        }
        catch (const ConfigError& e)
        {
            throw r.ErrorAt("file", e.what());
        }
        ExpectOnlyKeys(*linkFile, linkFile->Root(), "", LinkSpecKeys());
        SectionReader f(*linkFile, linkFile->Root(), "");
        spec.name = f.Text("name", "");
        spec.description = f.Text("description", "");
        spec.files.push_back(linkFile);
        spec.layers.push_back({linkFile.get(), linkFile->Root(), ""});
    }
    spec.layers.push_back({&doc, node, keyPath});
    BuildLayers(spec);
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
    out["laser"] = ResolvedAttributes(*laser);
    out["link"] = ResolvedAttributes(*link);
    return out;
}

void
LinkSpec::ApplyTo(PhotonicLinkHelper& helper) const
{
    for (const auto& l : laserLayers)
    {
        l.ApplyTo([&](const std::string& name, const ns3::AttributeValue& v) { helper.SetLaserAttribute(name, v); });
    }
    for (const auto& l : linkLayers)
    {
        l.ApplyTo([&](const std::string& name, const ns3::AttributeValue& v) { helper.SetLinkAttribute(name, v); });
    }
}

} // namespace ofab
