#include "ofab/fabric/workloads/chakra-workload.h"

#include "ofab/fabric/workloads/chakra-import.h"
#include "ofab/foundation/parameter-error.h"

#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/string.h"

namespace ofab
{

NS_OBJECT_ENSURE_REGISTERED(ChakraWorkload);

ns3::TypeId
ChakraWorkload::GetTypeId()
{
    using namespace ns3;
    static TypeId tid =
        TypeId("ofab::ChakraWorkload")
            .SetParent<GraphWorkload>()
            .SetGroupName("Ofab")
            .AddConstructor<ChakraWorkload>()
            .AddAttribute("Traces",
                          "The trace set: files <traces>.0.et, <traces>.1.et, ... (one per rank) and the "
                          "optional <traces>.groups.json; in an experiment file, relative to the file.",
                          StringValue(""), MakeStringAccessor(&ChakraWorkload::m_traces), MakeStringChecker())
            .AddAttribute("FlopsPerSecond",
                          "Compute rate for nodes that give FLOPs (num_ops) and no duration; 0: such a node "
                          "is an error.",
                          DoubleValue(0), MakeDoubleAccessor(&ChakraWorkload::m_flopsPerSecond),
                          MakeDoubleChecker<double>(0))
            .AddAttribute("MemoryBytesPerSecond",
                          "Memory rate for MEM_LOAD / MEM_STORE nodes that give bytes (tensor_size) and no "
                          "duration; 0: such a node is an error.",
                          DoubleValue(0), MakeDoubleAccessor(&ChakraWorkload::m_memoryBytesPerSecond),
                          MakeDoubleChecker<double>(0))
            .AddAttribute(
                "AllReduce", "What an ALL_REDUCE node runs: ring_allreduce or halving_doubling_allreduce.",
                EnumValue(CollectiveAlgorithms::RING_ALLREDUCE), MakeEnumAccessor(&ChakraWorkload::m_allReduce),
                MakeEnumChecker(CollectiveAlgorithms::RING_ALLREDUCE, "ring_allreduce",
                                CollectiveAlgorithms::HALVING_DOUBLING_ALLREDUCE, "halving_doubling_allreduce"));
    return tid;
}

ChakraWorkload::ChakraWorkload()
    : m_flopsPerSecond(0),
      m_memoryBytesPerSecond(0),
      m_allReduce(CollectiveAlgorithms::RING_ALLREDUCE)
{
    m_name = "chakra";
}

WorkloadGraph
ChakraWorkload::Read() const
{
    if (m_traces.empty())
    {
        throw ParameterError("Traces", "the trace set to read, e.g. chakra/tiny-dp/workload (for workload.0.et, ...)");
    }
    ChakraOptions options;
    options.flopsPerSecond = m_flopsPerSecond;
    options.memoryBytesPerSecond = m_memoryBytesPerSecond;
    options.allReduce = static_cast<CollectiveAlgorithms::Algorithm>(m_allReduce);
    try
    {
        return ReadChakraTraces(m_traces, options);
    }
    catch (const GraphError& e)
    {
        throw ParameterError("Traces", e.what());
    }
}

void
ChakraWorkload::Validate() const
{
    GraphWorkload::Validate();
    Read();
}

WorkloadGraph
ChakraWorkload::BuildGraph(const WorkloadContext& /*ctx*/) const
{
    return Read();
}

} // namespace ofab
