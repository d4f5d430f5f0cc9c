#include "ofab/fabric/app/regional-command.h"

#include "ofab/fabric/app/regional-output.h"
#include "ofab/fabric/app/run-output.h"
#include "ofab/fabric/experiment/regional-runner.h"
#include "ofab/foundation/unit-text.h"

#include <cstdio>
#include <filesystem>

namespace ofab
{

int
RunRegional(const RunOptions& options, ConfigDocument& doc)
{
    for (const auto& o : options.overrides)
    {
        doc.ApplyOverride(o);
    }
    RegionalExperiment x = LoadRegionalExperiment(doc);
    if (options.seed != 0)
    {
        x.seed = options.seed;
    }
    if (!options.trace.empty())
    {
        throw ConfigError(SourceLocation{options.file}, "outputs",
                          "a run over several sites writes no HDF5 trace yet: use --summary-json for its summary");
    }
    if (!options.variant.empty())
    {
        throw ConfigError(SourceLocation{options.file}, "variants", "a run over several sites has no variants yet");
    }
    if (!options.summaryJson.empty())
    {
        x.summaryJson = options.summaryJson;
    }
    if (options.dryRun)
    {
        std::printf("%s: %zu sites, %zu lightpaths requested, %zu cross-site jobs, %zu faults, %s simulated\n",
                    x.name.c_str(), x.sites.size(), x.mesh->lightpaths.size(), x.jobs.size(), x.faults.size(),
                    FormatTime(x.duration).c_str());
        return 0;
    }
    if (!x.summaryJson.empty())
    {
        const auto folder = std::filesystem::path(x.summaryJson).parent_path();
        if (!folder.empty())
        {
            std::filesystem::create_directories(folder);
        }
    }
    if (!options.quiet)
    {
        std::fprintf(stderr, "ofab run: %s, %zu sites over an optical mesh (%s)\n", x.name.c_str(), x.sites.size(),
                     options.file.c_str());
    }
    RegionalRunner runner(x);
    const RegionalRunResult result = runner.Run();
    if (!x.summaryJson.empty())
    {
        WriteJsonFile(x.summaryJson, RegionalSummaryJson(x, result));
    }
    if (!options.quiet)
    {
        PrintRegional(x, result);
        if (!x.summaryJson.empty())
        {
            std::printf("  summary       %s\n", x.summaryJson.c_str());
        }
    }
    return 0;
}

} // namespace ofab
