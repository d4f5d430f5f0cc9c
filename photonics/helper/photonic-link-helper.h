#ifndef OFAB_PHOTONICS_HELPER_PHOTONIC_LINK_HELPER_H
#define OFAB_PHOTONICS_HELPER_PHOTONIC_LINK_HELPER_H

#include "ofab/photonics/model/laser-source.h"
#include "ofab/photonics/model/optical-channel.h"
#include "ofab/photonics/model/photonic-link.h"

#include "ns3/attribute.h"
#include "ns3/object-factory.h"

#include <string>

namespace ofab
{

/**
 * Builds laser sources, photonic links and optical channels the ns-3 way: set attributes once on
 * the helper, then create as many as needed.
 *
 *   PhotonicLinkHelper h;
 *   h.SetLaserAttribute("LineCount", ns3::UintegerValue(8));
 *   h.SetLinkAttribute("FibreLengthM", ns3::DoubleValue(2.0));
 *   auto srcA = h.CreateLaserSource();
 *   auto srcB = h.CreateLaserSource();
 *   ns3::Ptr<OpticalChannel> ch = h.Install(srcA, srcB); // end 0 transmits with srcA, end 1 with srcB
 *
 * Every created object is validated (ParameterError on a bad attribute). Set*Attribute throws
 * ParameterError for an unknown name or a value the attribute's checker refuses (where
 * ns3::ObjectFactory would abort). The constructor switches ns-3 to picosecond resolution
 * (EnsurePicosecondResolution), since links cache their timing in simulator time steps.
 */
class PhotonicLinkHelper
{
  public:
    PhotonicLinkHelper();

    void SetLaserAttribute(const std::string& name, const ns3::AttributeValue& value);
    void SetLinkAttribute(const std::string& name, const ns3::AttributeValue& value);
    void SetChannelAttribute(const std::string& name, const ns3::AttributeValue& value);

    ns3::Ptr<LaserSource> CreateLaserSource() const;
    ns3::Ptr<PhotonicLink> CreateLink(ns3::Ptr<LaserSource> source) const;
    ns3::Ptr<OpticalChannel> Install(ns3::Ptr<LaserSource> sourceAtEnd0, ns3::Ptr<LaserSource> sourceAtEnd1) const;
    /// Install() with both links `fibreLengthM` long, whatever FibreLengthM the helper holds: a
    /// fabric's cable lengths belong to its topology graph.
    ns3::Ptr<OpticalChannel> Install(ns3::Ptr<LaserSource> sourceAtEnd0, ns3::Ptr<LaserSource> sourceAtEnd1,
                                     double fibreLengthM) const;

    /// Assigns fixed random streams to both links of a channel, from `stream` on; returns how many were used.
    static int64_t AssignStreams(ns3::Ptr<OpticalChannel> channel, int64_t stream);

  private:
    static ns3::Ptr<PhotonicLink> MakeLink(ns3::Ptr<LaserSource> source, const ns3::ObjectFactory& linkFactory);
    ns3::Ptr<OpticalChannel> Connect(ns3::Ptr<PhotonicLink> aToB, ns3::Ptr<PhotonicLink> bToA) const;

    ns3::ObjectFactory m_laserFactory;
    ns3::ObjectFactory m_linkFactory;
    ns3::ObjectFactory m_channelFactory;
};

} // namespace ofab

#endif
