#ifndef OFAB_FABRIC_WORKLOADS_CHAKRA_WORKLOAD_H
#define OFAB_FABRIC_WORKLOADS_CHAKRA_WORKLOAD_H

#include "ofab/fabric/workloads/graph-workload.h"

#include <string>

namespace ofab
{

/**
 * A Chakra execution trace set run on the fabric (`type: chakra`): ReadChakraTraces(Traces) as a
 * GraphWorkload, rank r of the traces on the r-th accelerator. Validate() reads the traces, so a
 * trace that cannot be read or run is an error at the `traces` key, naming the file and the node.
 */
class ChakraWorkload : public GraphWorkload
{
  public:
    static ns3::TypeId GetTypeId();
    ChakraWorkload();

    void Validate() const override;

  protected:
    WorkloadGraph BuildGraph(const WorkloadContext& ctx) const override;

  private:
    WorkloadGraph Read() const;

    std::string m_traces;
    double m_flopsPerSecond;
    double m_memoryBytesPerSecond;
    int m_allReduce;
};

} // namespace ofab

#endif
