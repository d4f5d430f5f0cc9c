// A tiny ns-3 program of someone else's that uses ofab as an installed package: it builds one
// photonic link with the helpers, then loads an experiment from YAML text and runs it with the
// installed runner, reads the Chakra trace set named by its argument, and prints what the test checks.
#include <ofab/fabric/config/config-document.h>
#include <ofab/fabric/experiment/experiment-runner.h>
#include <ofab/fabric/experiment/experiment.h>
#include <ofab/fabric/workloads/chakra-import.h>
#include <ofab/foundation/time-resolution.h>
#include <ofab/photonics/helper/photonic-link-helper.h>

#include <ns3/simulator.h>
#include <ns3/uinteger.h>

#include <iostream>

namespace
{
const char* const kExperiment = R"(
duration: 2us
topology: {kind: ring, accelerators: 4}
workloads:
  - {type: traffic, pattern: uniform, operation: write, bytes: 64, load: 0.1}
)";
} // namespace

int
main(int argc, char* argv[])
{
    ofab::EnsurePicosecondResolution();
    {
        ofab::PhotonicLinkHelper helper;
        helper.SetLaserAttribute("LineCount", ns3::UintegerValue(8));
        auto channel = helper.Install(helper.CreateLaserSource(), helper.CreateLaserSource());
        std::cout << "capacity_gbps " << channel->GetLink(0)->GetCapacityBps() / 1e9 << "\n";
        ns3::Simulator::Destroy();
    }
    const auto doc = ofab::ConfigDocument::Parse(kExperiment, "inline");
    ofab::Experiment experiment = ofab::LoadExperiment(doc);
    ofab::RunResult result;
    {
        ofab::ExperimentRunner runner(experiment, doc);
        result = runner.Run(nullptr);
    }
    const ofab::RunSummary& s = result.summary;
    const bool accounted = s.issued == s.completed + s.failed + s.inFlight;
    std::cout << "accelerators " << experiment.graph.NumAccelerators() << "\n"
              << "transactions " << (s.completed > 0 && accounted ? "accounted" : "lost") << "\n";
    if (argc > 1)
    {
        std::cout << "chakra_ops " << ofab::ReadChakraTraces(argv[1]).OpCount() << "\n";
    }
    return 0;
}
