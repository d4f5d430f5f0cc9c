// Fuzz target: an experiment file as `ofab run` loads and checks it before running anything.
//
// Input: YAML text, then optionally a line `#@set` and one `--set` assignment per line
// (`topology.dims=[2,2]`), applied in order after the file as the command line's are. The path is
// RunExperiment's (fabric/app/run-command.cc): ConfigDocument::Parse (what ConfigDocument::Load
// calls with the file's text), LoadRunExperiment (the --set overrides, then LoadExperiment), the
// `variants:` section (ReadVariants), each variant loaded from the file again with its `set:`
// entries after the --set ones, then the resolved configuration (--dry-run), the warnings, and for a
// small fabric (at most kMaxBuiltNodes nodes) the ExperimentRunner, which builds the fabric, installs
// the workloads and checks the faults against it: the last checks before a run. Nothing is
// simulated and no file is written. Relative paths (link files, edge lists) are read from
// experiments/, as for a file there.
//
// Every input must end in success or a ConfigError / ParameterError (the errors of bad input);
// anything else (another exception, a crash, an abort, a sanitizer report, a hang) is a finding. So
// is a resolved configuration that does not load back to itself: --dry-run prints it, the trace
// keeps it, and it is meant to be a valid experiment of its own (as the experiment tests check for
// the quick start).

#include "fuzz-target.h"

#include "ofab/fabric/app/run-command.h"
#include "ofab/fabric/app/run-output.h"
#include "ofab/fabric/config/config-document.h"
#include "ofab/fabric/experiment/experiment-runner.h"
#include "ofab/fabric/experiment/experiment.h"
#include "ofab/fabric/experiment/variants.h"
#include "ofab/foundation/parameter-error.h"

#include <fcntl.h>
#include <typeinfo>
#include <unistd.h>

using namespace ofab;
using ofab::fuzz::Finding;
using ofab::fuzz::Verbose;

namespace
{

/// A fabric this small is built (the runner's checks); a larger one only loaded, so that the fuzzer
/// spends its time on the loader rather than on building big fabrics.
constexpr std::size_t kMaxBuiltNodes = 64;
/// Fabrics built per input at most (a file with many variants).
constexpr int kMaxBuilds = 2;

const std::string kOrigin = std::string(OFAB_SOURCE_DIR) + "/experiments/fuzz-input.yaml";

/// Discards what is written to stderr while it lives (the run's warnings, once per input).
class QuietStderr
{
  public:
    QuietStderr()
    {
        std::fflush(stderr);
        m_saved = dup(STDERR_FILENO);
        const int null = open("/dev/null", O_WRONLY);
        dup2(null, STDERR_FILENO);
        close(null);
    }

    ~QuietStderr()
    {
        std::fflush(stderr);
        dup2(m_saved, STDERR_FILENO);
        close(m_saved);
    }

  private:
    int m_saved;
};

/// What `ofab run` does with a loaded experiment before it simulates.
void
Check(Experiment& x, const ConfigDocument& doc, int& builds)
{
    YAML::Emitter resolved;
    resolved << x.Resolved();
    if (!resolved.good())
    {
        Finding("the resolved configuration cannot be written: " + resolved.GetLastError());
    }
    {
        const QuietStderr quiet;
        WarnAboutExperiment(x);
    }
    // The resolved form is an experiment that resolves to the same thing.
    {
        const std::string text = resolved.c_str();
        ConfigDocument again = ConfigDocument::Parse(text, kOrigin);
        Experiment y;
        try
        {
            y = LoadExperiment(again);
        }
        catch (const std::exception& e)
        {
            Finding(std::string("the resolved configuration does not load: ") + e.what() + "\n" + text);
        }
        YAML::Emitter back;
        back << y.Resolved();
        if (text != back.c_str())
        {
            Finding("the resolved configuration loads to another:\n" + text + "\n----\n" + back.c_str());
        }
    }
    const bool build = builds < kMaxBuilds && x.graph.GetNodes().size() <= kMaxBuiltNodes;
    if (build)
    {
        ++builds;
        const ExperimentRunner runner(x, doc);
    }
    if (Verbose())
    {
        std::printf("  loaded '%s': %zu nodes, %zu links, %zu workloads%s\n", x.name.c_str(), x.graph.GetNodes().size(),
                    x.graph.GetLinks().size(), x.workloads.size(), build ? ", built" : "");
    }
}

void
LoadAsRunDoes(const std::string& yaml, const std::vector<std::string>& overrides)
{
    RunOptions options;
    options.file = kOrigin;
    options.overrides = overrides;
    options.dryRun = true;
    int builds = 0;
    ConfigDocument doc = ConfigDocument::Parse(yaml, kOrigin);
    Experiment base = LoadRunExperiment(options, doc);
    const std::vector<Variant> variants = ReadVariants(doc);
    if (variants.empty())
    {
        Check(base, doc, builds);
        return;
    }
    for (const Variant& v : variants)
    {
        RunOptions o = options;
        for (std::size_t i = 0; i < v.overrides.size(); ++i)
        {
            o.fileOverrides.emplace_back(v.overrides[i], v.origins[i]);
        }
        ConfigDocument d = ConfigDocument::Parse(yaml, kOrigin);
        Experiment x = LoadRunExperiment(o, d);
        x.outputs.trace = VariantPath(x.outputs.trace, v.name);
        x.outputs.summaryJson = VariantPath(x.outputs.summaryJson, v.name);
        Check(x, d, builds);
    }
}

} // namespace

extern "C" int
LLVMFuzzerInitialize(int*, char***)
{
    return 0;
}

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size)
{
    const std::string input(reinterpret_cast<const char*>(data), size);
    static const std::string kMarker = "#@set\n";
    std::string yaml = input;
    std::vector<std::string> overrides;
    std::size_t at = input.rfind(kMarker, 0) == 0 ? 0 : input.find("\n" + kMarker);
    if (at != std::string::npos)
    {
        yaml = input.substr(0, at);
        const std::size_t from = input.find('\n', at + 1) + 1;
        std::size_t start = from;
        while (start < input.size())
        {
            std::size_t end = input.find('\n', start);
            end = end == std::string::npos ? input.size() : end;
            if (end > start)
            {
                overrides.push_back(input.substr(start, end - start));
            }
            start = end + 1;
        }
    }
    try
    {
        LoadAsRunDoes(yaml, overrides);
    }
    catch (const ConfigError& e)
    {
        if (Verbose())
        {
            std::printf("  ConfigError: %s\n", e.what());
        }
    }
    catch (const ParameterError& e)
    {
        if (Verbose())
        {
            std::printf("  ParameterError: %s\n", e.what());
        }
    }
    catch (const std::exception& e)
    {
        Finding(std::string("an exception bad input must not raise: ") + typeid(e).name() + ": " + e.what());
    }
    catch (...)
    {
        Finding("an exception that is no std::exception");
    }
    return 0;
}
