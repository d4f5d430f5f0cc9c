// Builds one photonic link with the installed ofab helpers, reads a YAML key through the installed
// configuration layer and parses a listen address with a server header (which includes Boost.Asio:
// ofab's package config must bring Boost along); prints what the test checks.
#include <fabric/config/config-document.h>
#include <fabric/server/listen-address.h>
#include <photonics/helper/photonic-link-helper.h>

#include <ns3/simulator.h>
#include <ns3/uinteger.h>

#include <iostream>

int
main()
{
    ofab::PhotonicLinkHelper helper;
    helper.SetLaserAttribute("LineCount", ns3::UintegerValue(8));
    auto channel = helper.Install(helper.CreateLaserSource(), helper.CreateLaserSource());
    const auto doc = ofab::ConfigDocument::Parse("answer: 42\n", "inline");
    std::cout << "capacity_gbps " << channel->GetLink(0)->GetCapacityBps() / 1e9 << "\n"
              << "answer " << doc.Root()["answer"].as<int>() << "\n"
              << "listen_port " << ofab::ParseListenAddress("127.0.0.1:7700").port() << "\n";
    ns3::Simulator::Destroy();
    return 0;
}
