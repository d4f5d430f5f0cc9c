#ifndef OFAB_PROTOCOLS_HELPER_UALINK_HELPER_H
#define OFAB_PROTOCOLS_HELPER_UALINK_HELPER_H

#include "ofab/protocols/model/accelerator-endpoint.h"
#include "ofab/protocols/model/ualink-port.h"
#include "ofab/protocols/model/ualink-switch.h"

#include "ofab/photonics/helper/photonic-link-helper.h"

#include "ns3/attribute.h"
#include "ns3/object-factory.h"
#include "ns3/ptr.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ofab
{

/**
 * Builds UALink fabrics the ns-3 way: set attributes once, then create endpoints and switches and
 * connect them with photonic links (ofab::PhotonicLinkHelper underneath).
 *
 *   UalinkHelper h;
 *   h.SetLanes(4);                                     // x4 = 8 lines x 100 Gb/s = 800 Gb/s
 *   h.SetSwitchAttribute("SwitchLatency", TimeValue(NanoSeconds(150)));
 *   auto pod = h.BuildSwitchedPod(8, 2);               // 8 accelerators, 2 switch planes
 *   pod.endpoints[0]->Read(5, 0x1000, 64);
 *
 * It is the one place ofab creates protocol objects and wires two routers together: the fabric
 * layer (ofab::Fabric) builds every topology through it, creating each link's optical channel
 * itself (its laser sources are shared between ports, its fibre length comes from the topology
 * graph) and filling the forwarding tables from its route plans.
 * Everything created is validated (ParameterError on a bad attribute).
 */
class UalinkHelper
{
  public:
    /// One connection: a port on each node and the optical channel between them (a at end 0).
    struct Link
    {
        ns3::Ptr<UalinkRouter> a;
        ns3::Ptr<UalinkRouter> b;
        ns3::Ptr<UalinkPort> portA;
        ns3::Ptr<UalinkPort> portB;
        ns3::Ptr<OpticalChannel> channel;
    };

    struct Pod
    {
        std::vector<ns3::Ptr<AcceleratorEndpoint>> endpoints; ///< index = accelerator id
        std::vector<ns3::Ptr<UalinkSwitch>> switches;         ///< index = plane
        std::vector<Link> links;
    };

    UalinkHelper();

    void SetPortAttribute(const std::string& name, const ns3::AttributeValue& value);
    void SetSwitchAttribute(const std::string& name, const ns3::AttributeValue& value);
    void SetEndpointAttribute(const std::string& name, const ns3::AttributeValue& value);
    /// The photonic layer used by Connect(): laser, link and channel attributes.
    PhotonicLinkHelper& Photonics() { return m_photonics; }

    /// Port width x1 / x2 / x4 at 200 Gb/s per lane: 2 x lanes laser lines of 100 Gb/s each.
    void SetLanes(uint32_t lanes);
    /// Size of every forwarding table created from now on (accelerator ids 0..n-1; default 1024).
    void SetDestinationCount(uint32_t n);

    ns3::Ptr<AcceleratorEndpoint> CreateEndpoint(uint16_t acceleratorId) const;
    ns3::Ptr<UalinkSwitch> CreateSwitch() const;

    /// A port on each node and a photonic channel between them (Photonics(), a laser source per
    /// end). No routes are installed.
    Link Connect(ns3::Ptr<UalinkRouter> a, ns3::Ptr<UalinkRouter> b);
    /// A port on each node, attached over `channel` (a at end 0). `routingGroup` is both ports'
    /// RoutingGroup (a torus dimension: changing group restarts the VC class, see ForwardingChoice).
    Link Connect(ns3::Ptr<UalinkRouter> a, ns3::Ptr<UalinkRouter> b, ns3::Ptr<OpticalChannel> channel,
                 uint32_t routingGroup = 0);
    /// Connect() plus the routes of a switched pod: the switch sends the endpoint's id to the new
    /// port, the endpoint adds the new port to its default route (one more plane to spread over).
    Link ConnectToSwitch(ns3::Ptr<AcceleratorEndpoint> endpoint, ns3::Ptr<UalinkSwitch> sw);

    /// `accelerators` endpoints (ids 0..n-1), `planes` switches, every endpoint linked to every
    /// switch by `linksPerPlane` ports.
    Pod BuildSwitchedPod(uint32_t accelerators, uint32_t planes, uint32_t linksPerPlane = 1);

    /// Fixed random streams for every channel created so far (ns-3 convention); returns how many.
    int64_t AssignStreams(int64_t stream);
    const std::vector<Link>& GetLinks() const { return m_links; }

  private:
    ns3::Ptr<UalinkPort> CreatePort(uint32_t routingGroup) const;

    PhotonicLinkHelper m_photonics;
    ns3::ObjectFactory m_portFactory;
    ns3::ObjectFactory m_switchFactory;
    ns3::ObjectFactory m_endpointFactory;
    uint32_t m_destinations = 1024;
    std::vector<Link> m_links;
};

} // namespace ofab

#endif
