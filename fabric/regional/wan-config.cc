#include "ofab/fabric/regional/wan-config.h"

#include "ofab/fabric/config/attribute-binder.h"
#include "ofab/fabric/regional/wide-area-network.h"

namespace ofab
{

ns3::ObjectFactory
LoadWideArea(const ConfigDocument& doc, const YAML::Node& section, const std::string& keyPath)
{
    ns3::ObjectFactory factory;
    factory.SetTypeId(WideAreaNetwork::GetTypeId());
    const BoundSection bound = BindAttributes(factory, doc, section, keyPath);
    // The checks between attributes, at the key that set the offending one (or the section, for a default).
    const ns3::Ptr<WideAreaNetwork> probe = factory.Create<WideAreaNetwork>();
    bound.Guard([&]() { probe->Validate(); });
    probe->Dispose();
    return factory;
}

YAML::Node
ResolvedWideArea(const ns3::ObjectFactory& factory)
{
    const ns3::Ptr<WideAreaNetwork> wan = factory.Create<WideAreaNetwork>();
    YAML::Node out = ResolvedAttributes(*wan);
    wan->Dispose();
    return out;
}

SectionDoc
WideAreaKeys()
{
    return {"wide_area",
            "The packet layer between site gateways over the optical mesh's lightpaths: TCP (SACK, ECN, DCTCP), "
            "queues, routing and the two-layer healing delays (ns-3 attributes of ofab::WideAreaNetwork; "
            "fabric/regional/README.md).",
            AttributeKeys(WideAreaNetwork::GetTypeId())};
}

} // namespace ofab
