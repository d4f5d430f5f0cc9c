#ifndef OFAB_FABRIC_WORKLOADS_TRAINING_WORKLOAD_H
#define OFAB_FABRIC_WORKLOADS_TRAINING_WORKLOAD_H

#include "ofab/fabric/workloads/graph-workload.h"
#include "ofab/fabric/workloads/transformer-step.h"

namespace ofab
{

/**
 * Training steps of a transformer (`type: training`): the workload graph BuildTransformerStep makes
 * from the model, parallelism and accelerator attributes below (one attribute per TransformerSpec
 * field, the same name capitalised: Layers, Hidden, ..., FlopsPerSecond), run Iterations times as
 * a GraphWorkload. Rank r = tp index + Tp x (dp index + Dp x stage) runs on the r-th accelerator, so
 * a tensor-parallel group is Tp consecutive accelerators. Validate() checks the spec
 * (CheckTransformerSpec), naming the attribute.
 */
class TrainingWorkload : public GraphWorkload
{
  public:
    static ns3::TypeId GetTypeId();
    TrainingWorkload();

    void Validate() const override;
    void ValidateFor(const WorkloadContext& ctx) const override;
    /// The spec the attributes describe.
    TransformerSpec GetSpec() const;

  protected:
    WorkloadGraph BuildGraph(const WorkloadContext& ctx) const override;

  private:
    // attributes (TransformerSpec's fields; defaults from TransformerSpec)
    uint32_t m_layers;
    uint64_t m_hidden;
    uint64_t m_ffnHidden;
    uint32_t m_heads;
    uint64_t m_sequence;
    uint64_t m_vocabulary;
    uint32_t m_microBatch;
    uint32_t m_microBatches;
    uint32_t m_bytesPerElement;
    uint32_t m_tp;
    uint32_t m_pp;
    uint32_t m_dp;
    uint32_t m_ep;
    uint32_t m_experts;
    uint32_t m_topK;
    uint32_t m_moeEvery;
    double m_expertSkew;
    bool m_shardedDataParallel;
    int m_schedule;
    double m_flopsPerSecond;
};

} // namespace ofab

#endif
