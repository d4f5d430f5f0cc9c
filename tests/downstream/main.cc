// Builds one photonic link with the installed ofab helpers and reads a YAML key through the installed
// configuration layer; prints the capacity so the test can check it.
#include <fabric/config/config-document.h>
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
              << "answer " << doc.Root()["answer"].as<int>() << "\n";
    ns3::Simulator::Destroy();
    return 0;
}
