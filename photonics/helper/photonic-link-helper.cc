#include "ofab/photonics/helper/photonic-link-helper.h"

#include "ofab/foundation/parameter-error.h"
#include "ofab/foundation/time-resolution.h"

#include "ns3/double.h"
#include "ns3/type-id.h"

#include <string>

namespace ofab
{

namespace
{
/**
 * ns3::ObjectFactory::Set aborts (NS_FATAL_ERROR) on an unknown name or a value its checker rejects;
 * a user's mistake must be an exception naming the attribute instead.
 */
void
CheckedSet(ns3::ObjectFactory& factory, const std::string& name, const ns3::AttributeValue& value)
{
    const ns3::TypeId tid = factory.GetTypeId();
    ns3::TypeId::AttributeInformation info;
    if (!tid.LookupAttributeByName(name, &info))
    {
        std::string names;
        for (ns3::TypeId t = tid;; t = t.GetParent())
        {
            for (std::size_t i = 0; i < t.GetAttributeN(); ++i)
            {
                names += (names.empty() ? "" : ", ") + t.GetAttribute(i).name;
            }
            if (t == t.GetParent())
            {
                break;
            }
        }
        throw ParameterError(name, "no such attribute of " + tid.GetName() + "; expected one of: " + names);
    }
    if (!info.checker->CreateValidValue(value))
    {
        throw ParameterError(name, "expected a " + info.checker->GetValueTypeName() + " within " +
                                       info.checker->GetUnderlyingTypeInformation() + ", got " +
                                       value.SerializeToString(info.checker));
    }
    factory.Set(name, value);
}
} // namespace

PhotonicLinkHelper::PhotonicLinkHelper()
{
    // Links cache their serialization in simulator time steps: fix the resolution before any exists.
    EnsurePicosecondResolution();
    m_laserFactory.SetTypeId(LaserSource::GetTypeId());
    m_linkFactory.SetTypeId(PhotonicLink::GetTypeId());
    m_channelFactory.SetTypeId(OpticalChannel::GetTypeId());
}

void
PhotonicLinkHelper::SetLaserAttribute(const std::string& name, const ns3::AttributeValue& value)
{
    CheckedSet(m_laserFactory, name, value);
}

void
PhotonicLinkHelper::SetLinkAttribute(const std::string& name, const ns3::AttributeValue& value)
{
    CheckedSet(m_linkFactory, name, value);
}

void
PhotonicLinkHelper::SetChannelAttribute(const std::string& name, const ns3::AttributeValue& value)
{
    CheckedSet(m_channelFactory, name, value);
}

ns3::Ptr<LaserSource>
PhotonicLinkHelper::CreateLaserSource() const
{
    ns3::Ptr<LaserSource> source = m_laserFactory.Create<LaserSource>();
    source->Validate();
    return source;
}

ns3::Ptr<PhotonicLink>
PhotonicLinkHelper::CreateLink(ns3::Ptr<LaserSource> source) const
{
    return MakeLink(source, m_linkFactory);
}

ns3::Ptr<PhotonicLink>
PhotonicLinkHelper::MakeLink(ns3::Ptr<LaserSource> source, const ns3::ObjectFactory& linkFactory)
{
    if (!source)
    {
        throw ParameterError("LaserSource", "expected a laser source for the link, got none");
    }
    source->Validate();
    ns3::Ptr<PhotonicLink> link = linkFactory.Create<PhotonicLink>();
    link->Validate();
    link->SetLaserSource(source);
    return link;
}

ns3::Ptr<OpticalChannel>
PhotonicLinkHelper::Install(ns3::Ptr<LaserSource> sourceAtEnd0, ns3::Ptr<LaserSource> sourceAtEnd1) const
{
    ns3::Ptr<PhotonicLink> aToB = CreateLink(sourceAtEnd0);
    ns3::Ptr<PhotonicLink> bToA = CreateLink(sourceAtEnd1);
    return Connect(aToB, bToA);
}

ns3::Ptr<OpticalChannel>
PhotonicLinkHelper::Install(ns3::Ptr<LaserSource> sourceAtEnd0, ns3::Ptr<LaserSource> sourceAtEnd1,
                            double fibreLengthM) const
{
    ns3::ObjectFactory linkFactory = m_linkFactory;
    CheckedSet(linkFactory, "FibreLengthM", ns3::DoubleValue(fibreLengthM));
    ns3::Ptr<PhotonicLink> aToB = MakeLink(sourceAtEnd0, linkFactory);
    ns3::Ptr<PhotonicLink> bToA = MakeLink(sourceAtEnd1, linkFactory);
    return Connect(aToB, bToA);
}

ns3::Ptr<OpticalChannel>
PhotonicLinkHelper::Connect(ns3::Ptr<PhotonicLink> aToB, ns3::Ptr<PhotonicLink> bToA) const
{
    ns3::Ptr<OpticalChannel> channel = m_channelFactory.Create<OpticalChannel>();
    channel->Connect(aToB, bToA);
    return channel;
}

int64_t
PhotonicLinkHelper::AssignStreams(ns3::Ptr<OpticalChannel> channel, int64_t stream)
{
    int64_t used = 0;
    for (uint8_t end = 0; end < 2; ++end)
    {
        if (ns3::Ptr<PhotonicLink> link = channel->GetLink(end))
        {
            used += link->AssignStreams(stream + used);
        }
    }
    return used;
}

} // namespace ofab
