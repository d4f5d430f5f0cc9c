#ifndef OFAB_TESTS_VALIDATION_UTIL_H
#define OFAB_TESTS_VALIDATION_UTIL_H

// Shared by the validation suite: run an experiment written as YAML in-process (the way `ofab run`
// does, through LoadExperiment + ExperimentRunner) and keep every transaction's end record.

#include "ofab/fabric/config/config-document.h"
#include "ofab/fabric/experiment/experiment-runner.h"
#include "ofab/fabric/experiment/experiment.h"

#include "ofab/foundation/kernel/parallel-simulator-impl.h"
#include "ofab/protocols/model/transaction.h"

#include "ns3/callback.h"
#include "ns3/uinteger.h"

#include <catch2/catch.hpp>

#include <functional>
#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

namespace ofab
{
namespace validation
{

/// Transaction records seen through the endpoints' trace sources while a run goes on (on the
/// parallel core in event order, through RunSerially: the same records for any thread count).
struct TransactionLog
{
    uint64_t issued = 0;
    std::vector<TransactionRecord> completed;
    std::vector<TransactionRecord> failed;

    void OnIssued(const TransactionRecord&)
    {
        RunSerially([this] { ++issued; });
    }
    void OnCompleted(const TransactionRecord& r)
    {
        RunSerially([this, r] { completed.push_back(r); });
    }
    void OnFailed(const TransactionRecord& r)
    {
        RunSerially([this, r] { failed.push_back(r); });
    }

    /// Connects to every endpoint of the runner's fabric (call before Run()).
    void Attach(ExperimentRunner& runner)
    {
        for (const auto& e : runner.GetFabric().Endpoints())
        {
            e->TraceConnectWithoutContext("TransactionIssued", ns3::MakeCallback(&TransactionLog::OnIssued, this));
            e->TraceConnectWithoutContext("TransactionCompleted",
                                          ns3::MakeCallback(&TransactionLog::OnCompleted, this));
            e->TraceConnectWithoutContext("TransactionFailed", ns3::MakeCallback(&TransactionLog::OnFailed, this));
        }
    }
};

/**
 * An unsigned attribute of `object` under the first of `names` its TypeId knows (attribute names
 * still move while the protocol layer settles, e.g. RequestDataBuffers64B -> RequestDataBuffers).
 * Fails the test when none exists.
 */
inline uint64_t
UintAttribute(const ns3::Ptr<ns3::Object>& object, std::initializer_list<const char*> names)
{
    for (const char* name : names)
    {
        ns3::TypeId::AttributeInformation info;
        if (object->GetInstanceTypeId().LookupAttributeByName(name, &info))
        {
            ns3::UintegerValue v;
            object->GetAttribute(name, v);
            return v.Get();
        }
    }
    FAIL("none of the attributes " << *names.begin() << "... exists on " << object->GetInstanceTypeId().GetName());
    return 0;
}

/// `overrides` and, for threads > 0, run.threads=threads (the parallel core); 0: the sequential core.
inline std::vector<std::string>
OnCore(std::vector<std::string> overrides, uint32_t threads)
{
    if (threads > 0)
    {
        overrides.push_back("run.threads=" + std::to_string(threads));
    }
    return overrides;
}

/// Transactions as text, times in ticks: two runs gave the same transactions when these agree.
inline std::string
Describe(const std::vector<TransactionRecord>& records)
{
    std::ostringstream out;
    for (const TransactionRecord& t : records)
    {
        out << t.id << ' ' << t.src << ' ' << t.dst << ' ' << t.bytes << ' ' << t.issueTime.GetTimeStep() << ' '
            << t.endTime.GetTimeStep() << ' ' << static_cast<int>(t.status) << '\n';
    }
    return out.str();
}

/// Hooks a test can use between building the fabric and running it (trace connections, cuts ...).
using BeforeRun = std::function<void(ExperimentRunner&)>;
/// Reads what it needs from the fabric after the run, before the simulator is destroyed.
using AfterRun = std::function<void(ExperimentRunner&, const RunResult&)>;

/**
 * Parses `yaml` (named `origin` in errors; link files are relative to the project root, the
 * suite's working directory), applies `overrides` ("key.path=value", as --set), runs it once.
 * The runner, and with it the simulator, is gone when this returns.
 */
inline RunResult
RunYaml(const std::string& yaml, const std::string& origin, const std::vector<std::string>& overrides = {},
        const BeforeRun& before = nullptr, const AfterRun& after = nullptr)
{
    ConfigDocument doc = ConfigDocument::Parse(yaml, origin);
    for (const auto& o : overrides)
    {
        doc.ApplyOverride(o);
    }
    Experiment x = LoadExperiment(doc);
    RunResult result;
    {
        ExperimentRunner runner(x, doc);
        if (before)
        {
            before(runner);
        }
        result = runner.Run(nullptr);
        if (after)
        {
            after(runner, result);
        }
    }
    return result;
}

} // namespace validation
} // namespace ofab

#endif
