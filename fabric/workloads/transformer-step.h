#ifndef OFAB_FABRIC_WORKLOADS_TRANSFORMER_STEP_H
#define OFAB_FABRIC_WORKLOADS_TRANSFORMER_STEP_H

#include "ofab/fabric/workloads/workload-graph.h"

#include <cstdint>

namespace ofab
{

/// The order in which a pipeline stage runs the forward (F) and backward (B) passes of its micro-batches.
enum class PipelineSchedule : uint8_t
{
    GPipe,    ///< all forwards, then all backwards (both in micro-batch order)
    OneFOneB, ///< PipeDream-Flush: pp - 1 - stage warm-up forwards, then one forward and one backward in turn
};

/**
 * One training step of a GPT-style transformer (decoder layers of attention and MLP, untied input
 * embedding and output layer) split by tensor (tp), pipeline (pp), data (dp) and expert (ep)
 * parallelism. Layout (fabric/workloads/README.md, "Training step generator"):
 *
 *   rank = tp_index + tp x (dp_index + dp x pp_index)
 *
 * TP innermost (a TP group is tp consecutive ranks), expert parallelism inside the data-parallel
 * dimension (an EP group is ep consecutive DP replicas of one TP index and stage).
 */
struct TransformerSpec
{
    // the model
    uint32_t layers = 32;         ///< transformer layers (all stages together)
    uint64_t hidden = 4096;       ///< h
    uint64_t ffnHidden = 0;       ///< f, the MLP's inner size; 0: 4 x hidden
    uint32_t heads = 32;          ///< attention heads
    uint64_t sequence = 2048;     ///< s, tokens per sequence
    uint64_t vocabulary = 51200;  ///< V
    uint32_t microBatch = 1;      ///< b, sequences per micro-batch
    uint32_t microBatches = 8;    ///< M, micro-batches per step and pipeline
    uint32_t bytesPerElement = 2; ///< activations, gradients and parameters (2: bf16)
    // the parallelism
    uint32_t tp = 1;                  ///< tensor-parallel ranks (Megatron split of attention and MLP)
    uint32_t pp = 1;                  ///< pipeline stages
    uint32_t dp = 1;                  ///< data-parallel replicas
    uint32_t ep = 1;                  ///< expert-parallel ranks, inside the data-parallel dimension (dp % ep == 0)
    uint32_t experts = 0;             ///< experts per MoE layer; 0: a dense model
    uint32_t topK = 1;                ///< experts each token is routed to (MoE)
    uint32_t moeEvery = 1;            ///< MoE models: layer l (from 0) is an MoE layer when (l + 1) % moeEvery == 0
    double expertSkew = 0;            ///< MoE: Zipf exponent of the token load over an EP group (0: even)
    bool shardedDataParallel = false; ///< ZeRO-3/FSDP: all-gather parameters, reduce-scatter gradients
    PipelineSchedule schedule = PipelineSchedule::OneFOneB;
    // the accelerator
    double flopsPerSecond = 400e12; ///< sustained rate: peak x utilisation

    uint64_t FfnHidden() const { return ffnHidden == 0 ? 4 * hidden : ffnHidden; }
    uint32_t Ranks() const { return tp * pp * dp; }
    /// The rank of (tp index, dp index, pipeline stage).
    uint32_t RankOf(uint32_t tpIndex, uint32_t dpIndex, uint32_t stage) const
    {
        return tpIndex + tp * (dpIndex + dp * stage);
    }
    /// Whether layer `layer` (0 .. layers - 1, all stages counted) is an MoE layer.
    bool IsMoeLayer(uint32_t layer) const { return experts > 0 && (layer + 1) % moeEvery == 0; }
};

/**
 * The sizes a step is built from, before any split (fabric/workloads/README.md gives the sources).
 * FLOPs are those of the forward pass of one micro-batch; a backward pass is twice its forward.
 */
struct TransformerSizes
{
    uint64_t activationBytes = 0;  ///< b s h x bytes: a TP all-reduce, a pipeline transfer
    uint64_t dispatchBytes = 0;    ///< b s h x bytes x topK: an MoE all-to-all (0 for a dense model)
    uint64_t attentionFlops = 0;   ///< 8 b s h^2 + 4 b s^2 h (QKV, scores, weighted values, projection)
    uint64_t mlpFlops = 0;         ///< 4 b s h f (two matrix multiplications)
    uint64_t expertFlops = 0;      ///< 4 b s h f x topK: the expert MLPs of one rank's tokens
    uint64_t logitsFlops = 0;      ///< 2 b s h V (the output layer, last stage)
    uint64_t denseLayerParams = 0; ///< 4 h^2 + 2 h f + f + 9 h (12 h^2 + 13 h when f = 4 h)
    uint64_t moeSharedParams = 0;  ///< an MoE layer without its experts: 4 h^2 + 8 h + h E (router)
    uint64_t expertParams = 0;     ///< one expert's MLP: 2 h f + f + h
    uint64_t embeddingParams = 0;  ///< V h: the input embedding (first stage), the output layer (last)
};

/**
 * Refuses a spec the generator cannot build, with ParameterError (a std::invalid_argument) naming
 * the field: zeros, heads % tp, hidden % heads, ffnHidden % tp, layers % pp, experts % ep, dp % ep,
 * ep > 1 without experts, topK > experts, a rate that is not a positive finite number, sizes that
 * overflow 64 bits or the simulator's time, and steps of more than kMaxTransformerOps operations.
 */
void CheckTransformerSpec(const TransformerSpec& spec);

/// The most operations (all ranks together) BuildTransformerStep makes.
constexpr uint64_t kMaxTransformerOps = uint64_t{1} << 24;

/// The spec's sizes (after CheckTransformerSpec: nothing overflows).
TransformerSizes SizesOf(const TransformerSpec& spec);

/// Parameters, in elements, whose gradients one rank reduces over its DP group (dense) and over its
/// expert-data-parallel group (experts) at the end of the step: stage `stage`'s share of one TP rank
/// (std::out_of_range for a stage >= pp).
struct RankParameters
{
    uint64_t dense = 0;   ///< attention, layer norms, dense MLPs, routers, embeddings; over dp ranks
    uint64_t experts = 0; ///< the rank's experts (experts / ep per MoE layer); over dp / ep ranks
};
RankParameters ParametersOf(const TransformerSpec& spec, uint32_t stage);

/**
 * One training step as a workload graph of tp x pp x dp ranks (CheckTransformerSpec first). Each
 * rank: the parameter all-gathers (sharded data parallelism), the forward and backward passes of
 * every micro-batch of its stage in schedule order (compute, TP all-reduces, MoE all-to-alls, one
 * chain; pipeline receives before and sends after each pass), then the gradient reductions over
 * the data-parallel groups. Groups: the TP groups, then the DP groups, the EP groups and the
 * expert-data-parallel groups, each list by its smallest rank; a group of one rank is left out, and
 * with it the collectives on it.
 */
WorkloadGraph BuildTransformerStep(const TransformerSpec& spec);

} // namespace ofab

#endif
