#include "ofab/fabric/workloads/training-workload.h"

#include "ofab/foundation/parameter-error.h"

#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/uinteger.h"

#include <cctype>

namespace ofab
{

NS_OBJECT_ENSURE_REGISTERED(TrainingWorkload);

ns3::TypeId
TrainingWorkload::GetTypeId()
{
    using namespace ns3;
    const TransformerSpec d;
    static TypeId tid =
        TypeId("ofab::TrainingWorkload")
            .SetParent<GraphWorkload>()
            .SetGroupName("Ofab")
            .AddConstructor<TrainingWorkload>()
            .AddAttribute("Layers", "Transformer layers, all pipeline stages together.", UintegerValue(d.layers),
                          MakeUintegerAccessor(&TrainingWorkload::m_layers), MakeUintegerChecker<uint32_t>())
            .AddAttribute("Hidden", "h, the hidden size.", UintegerValue(d.hidden),
                          MakeUintegerAccessor(&TrainingWorkload::m_hidden), MakeUintegerChecker<uint64_t>())
            .AddAttribute("FfnHidden", "f, the MLP's inner size; 0: 4 x Hidden.", UintegerValue(d.ffnHidden),
                          MakeUintegerAccessor(&TrainingWorkload::m_ffnHidden), MakeUintegerChecker<uint64_t>())
            .AddAttribute("Heads", "Attention heads (a multiple of Tp).", UintegerValue(d.heads),
                          MakeUintegerAccessor(&TrainingWorkload::m_heads), MakeUintegerChecker<uint32_t>())
            .AddAttribute("Sequence", "s, tokens per sequence.", UintegerValue(d.sequence),
                          MakeUintegerAccessor(&TrainingWorkload::m_sequence), MakeUintegerChecker<uint64_t>())
            .AddAttribute("Vocabulary", "V, the vocabulary (embedding and logits).", UintegerValue(d.vocabulary),
                          MakeUintegerAccessor(&TrainingWorkload::m_vocabulary), MakeUintegerChecker<uint64_t>())
            .AddAttribute("MicroBatch", "b, sequences per micro-batch.", UintegerValue(d.microBatch),
                          MakeUintegerAccessor(&TrainingWorkload::m_microBatch), MakeUintegerChecker<uint32_t>())
            .AddAttribute("MicroBatches", "M, micro-batches per step and pipeline.", UintegerValue(d.microBatches),
                          MakeUintegerAccessor(&TrainingWorkload::m_microBatches), MakeUintegerChecker<uint32_t>())
            .AddAttribute("BytesPerElement", "Bytes of an activation, gradient or parameter (2: bf16).",
                          UintegerValue(d.bytesPerElement), MakeUintegerAccessor(&TrainingWorkload::m_bytesPerElement),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("Tp", "Tensor-parallel ranks (consecutive accelerators).", UintegerValue(d.tp),
                          MakeUintegerAccessor(&TrainingWorkload::m_tp), MakeUintegerChecker<uint32_t>())
            .AddAttribute("Pp", "Pipeline stages.", UintegerValue(d.pp), MakeUintegerAccessor(&TrainingWorkload::m_pp),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("Dp", "Data-parallel replicas.", UintegerValue(d.dp),
                          MakeUintegerAccessor(&TrainingWorkload::m_dp), MakeUintegerChecker<uint32_t>())
            .AddAttribute("Ep", "Expert-parallel ranks, inside the data-parallel dimension.", UintegerValue(d.ep),
                          MakeUintegerAccessor(&TrainingWorkload::m_ep), MakeUintegerChecker<uint32_t>())
            .AddAttribute("Experts", "Experts per MoE layer; 0: a dense model.", UintegerValue(d.experts),
                          MakeUintegerAccessor(&TrainingWorkload::m_experts), MakeUintegerChecker<uint32_t>())
            .AddAttribute("TopK", "Experts each token is routed to.", UintegerValue(d.topK),
                          MakeUintegerAccessor(&TrainingWorkload::m_topK), MakeUintegerChecker<uint32_t>())
            .AddAttribute("MoeEvery", "Layer l (from 0) is an MoE layer when (l + 1) is a multiple of this.",
                          UintegerValue(d.moeEvery), MakeUintegerAccessor(&TrainingWorkload::m_moeEvery),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("ExpertSkew",
                          "MoE: Zipf exponent of the token load over an EP group's ranks; 0: even (all-to-all), "
                          "> 0: alltoallv, the low ranks' experts receiving more.",
                          DoubleValue(d.expertSkew), MakeDoubleAccessor(&TrainingWorkload::m_expertSkew),
                          MakeDoubleChecker<double>())
            .AddAttribute("ShardedDataParallel",
                          "ZeRO-3 / FSDP: all-gather the parameters, reduce-scatter the gradients (instead of "
                          "an all-reduce).",
                          BooleanValue(d.shardedDataParallel),
                          MakeBooleanAccessor(&TrainingWorkload::m_shardedDataParallel), MakeBooleanChecker())
            .AddAttribute("Schedule", "Pipeline schedule: 1f1b (PipeDream-Flush) or gpipe.",
                          EnumValue(static_cast<int>(d.schedule)), MakeEnumAccessor(&TrainingWorkload::m_schedule),
                          MakeEnumChecker(static_cast<int>(PipelineSchedule::OneFOneB), "1f1b",
                                          static_cast<int>(PipelineSchedule::GPipe), "gpipe"))
            .AddAttribute("FlopsPerSecond", "Sustained compute rate of an accelerator, FLOP/s (peak x utilisation).",
                          DoubleValue(d.flopsPerSecond), MakeDoubleAccessor(&TrainingWorkload::m_flopsPerSecond),
                          MakeDoubleChecker<double>());
    return tid;
}

TrainingWorkload::TrainingWorkload()
{
    const TransformerSpec d;
    m_layers = d.layers;
    m_hidden = d.hidden;
    m_ffnHidden = d.ffnHidden;
    m_heads = d.heads;
    m_sequence = d.sequence;
    m_vocabulary = d.vocabulary;
    m_microBatch = d.microBatch;
    m_microBatches = d.microBatches;
    m_bytesPerElement = d.bytesPerElement;
    m_tp = d.tp;
    m_pp = d.pp;
    m_dp = d.dp;
    m_ep = d.ep;
    m_experts = d.experts;
    m_topK = d.topK;
    m_moeEvery = d.moeEvery;
    m_expertSkew = d.expertSkew;
    m_shardedDataParallel = d.shardedDataParallel;
    m_schedule = static_cast<int>(d.schedule);
    m_flopsPerSecond = d.flopsPerSecond;
    m_name = "training";
}

TransformerSpec
TrainingWorkload::GetSpec() const
{
    TransformerSpec s;
    s.layers = m_layers;
    s.hidden = m_hidden;
    s.ffnHidden = m_ffnHidden;
    s.heads = m_heads;
    s.sequence = m_sequence;
    s.vocabulary = m_vocabulary;
    s.microBatch = m_microBatch;
    s.microBatches = m_microBatches;
    s.bytesPerElement = m_bytesPerElement;
    s.tp = m_tp;
    s.pp = m_pp;
    s.dp = m_dp;
    s.ep = m_ep;
    s.experts = m_experts;
    s.topK = m_topK;
    s.moeEvery = m_moeEvery;
    s.expertSkew = m_expertSkew;
    s.shardedDataParallel = m_shardedDataParallel;
    s.schedule = static_cast<PipelineSchedule>(m_schedule);
    s.flopsPerSecond = m_flopsPerSecond;
    return s;
}

void
TrainingWorkload::Validate() const
{
    GraphWorkload::Validate();
    try
    {
        CheckTransformerSpec(GetSpec());
    }
    catch (const ParameterError& e)
    {
        // The spec names its fields (microBatch, "tp x pp x dp"); the attributes are those, capitalised.
        std::string attribute = e.Attribute().substr(0, e.Attribute().find(' '));
        attribute[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(attribute[0])));
        throw ParameterError(attribute, e.Message());
    }
}

void
TrainingWorkload::ValidateFor(const WorkloadContext& ctx) const
{
    GraphWorkload::ValidateFor(ctx);
    const auto usable =
        static_cast<uint32_t>(ctx.rankAccelerators.empty() ? ctx.endpoints.size() : ctx.rankAccelerators.size());
    if (GetSpec().Ranks() > usable)
    {
        throw ParameterError("Tp", "Tp x Pp x Dp = " + std::to_string(GetSpec().Ranks()) + " ranks; the fabric has " +
                                       std::to_string(usable) + " accelerators");
    }
}

WorkloadGraph
TrainingWorkload::BuildGraph(const WorkloadContext& /*ctx*/) const
{
    return BuildTransformerStep(GetSpec());
}

} // namespace ofab
