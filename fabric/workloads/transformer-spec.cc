// TransformerSpec's checks and the sizes a training step is built from (fabric/workloads/README.md,
// "Training step generator").

#include "ofab/fabric/workloads/transformer-step.h"

#include "ofab/foundation/parameter-error.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace ofab
{

namespace
{

/// a x b, or a ParameterError naming the quantity that overflows.
uint64_t
Mul(uint64_t a, uint64_t b, const char* what)
{
    uint64_t r = 0;
    if (__builtin_mul_overflow(a, b, &r))
    {
        throw ParameterError(what, "the size overflows 64 bits; choose smaller values");
    }
    return r;
}

uint64_t
Add(uint64_t a, uint64_t b, const char* what)
{
    uint64_t r = 0;
    if (__builtin_add_overflow(a, b, &r))
    {
        throw ParameterError(what, "the size overflows 64 bits; choose smaller values");
    }
    return r;
}

void
Positive(uint64_t value, const char* field)
{
    if (value == 0)
    {
        throw ParameterError(field, "must be at least 1");
    }
}

void
Divides(uint64_t divisor, const char* divisorName, uint64_t value, const char* field)
{
    if (value % divisor != 0)
    {
        throw ParameterError(field, std::to_string(value) + " is not a multiple of " + divisorName + " (" +
                                        std::to_string(divisor) + ")");
    }
}

/// Operations one rank of `stage` has at most (the count BuildTransformerStep reaches with every
/// parallelism on): per micro-batch 6 per layer and pass, the logits and 4 pipeline transfers; 4 DP.
uint64_t
OpsBound(const TransformerSpec& spec)
{
    const uint64_t perMicroBatch = Add(Mul(12, spec.layers / spec.pp, "layers"), 6, "layers");
    return Add(Mul(spec.microBatches, perMicroBatch, "microBatches"), 4, "microBatches");
}

} // namespace

TransformerSizes
SizesOf(const TransformerSpec& spec)
{
    const uint64_t h = spec.hidden;
    const uint64_t f = spec.FfnHidden();
    const uint64_t s = spec.sequence;
    const uint64_t tokens = Mul(spec.microBatch, s, "microBatch x sequence");
    const uint64_t tokensH = Mul(tokens, h, "microBatch x sequence x hidden");
    TransformerSizes z;
    z.activationBytes = Mul(tokensH, spec.bytesPerElement, "microBatch x sequence x hidden x bytesPerElement");
    if (spec.experts > 0)
    {
        z.dispatchBytes = Mul(z.activationBytes, spec.topK, "microBatch x sequence x hidden x bytesPerElement x topK");
    }
    const char* attention = "microBatch x sequence x hidden^2 (attention FLOPs)";
    z.attentionFlops = Add(Mul(Mul(tokensH, h, attention), 8, attention),
                           Mul(Mul(tokensH, s, "microBatch x sequence^2 x hidden (attention FLOPs)"), 4,
                               "microBatch x sequence^2 x hidden (attention FLOPs)"),
                           attention);
    z.mlpFlops = Mul(Mul(tokensH, f, "microBatch x sequence x hidden x ffnHidden (MLP FLOPs)"), 4,
                     "microBatch x sequence x hidden x ffnHidden (MLP FLOPs)");
    if (spec.experts > 0)
    {
        z.expertFlops = Mul(z.mlpFlops, spec.topK, "microBatch x sequence x hidden x ffnHidden x topK (expert FLOPs)");
    }
    z.logitsFlops = Mul(Mul(tokensH, spec.vocabulary, "microBatch x sequence x hidden x vocabulary (logits FLOPs)"), 2,
                        "microBatch x sequence x hidden x vocabulary (logits FLOPs)");
    const char* params = "hidden x ffnHidden (parameters)";
    const uint64_t hh = Mul(h, h, "hidden^2 (parameters)");
    const uint64_t hf = Mul(h, f, params);
    z.denseLayerParams =
        Add(Add(Mul(hh, 4, params), Mul(hf, 2, params), params), Add(f, Mul(h, 9, params), params), params);
    z.moeSharedParams = Add(Mul(hh, 4, params),
                            Add(Mul(h, 8, params), Mul(h, spec.experts, "hidden x experts (router)"), params), params);
    z.expertParams = spec.experts > 0 ? Add(Mul(hf, 2, params), Add(f, h, params), params) : 0;
    z.embeddingParams = Mul(spec.vocabulary, h, "vocabulary x hidden (embedding)");
    return z;
}

RankParameters
ParametersOf(const TransformerSpec& spec, uint32_t stage)
{
    if (stage >= spec.pp)
    {
        throw std::out_of_range("ParametersOf: stage " + std::to_string(stage) + " of " + std::to_string(spec.pp));
    }
    const TransformerSizes z = SizesOf(spec);
    const char* what = "layers x hidden^2 (parameters per stage)";
    const uint32_t perStage = spec.layers / spec.pp;
    uint64_t dense = 0;
    uint64_t experts = 0;
    for (uint32_t l = stage * perStage; l < (stage + 1) * perStage; ++l)
    {
        if (spec.IsMoeLayer(l))
        {
            dense = Add(dense, z.moeSharedParams, what);
            experts = Add(experts, Mul(spec.experts / spec.ep, z.expertParams, what), what);
        }
        else
        {
            dense = Add(dense, z.denseLayerParams, what);
        }
    }
    if (stage == 0)
    {
        dense = Add(dense, z.embeddingParams, what);
    }
    if (stage + 1 == spec.pp)
    {
        dense = Add(dense, z.embeddingParams, what);
    }
    // Every term is a multiple of tp (hidden and ffnHidden are, CheckTransformerSpec): exact.
    return RankParameters{dense / spec.tp, experts / spec.tp};
}

void
CheckTransformerSpec(const TransformerSpec& spec)
{
    Positive(spec.layers, "layers");
    Positive(spec.hidden, "hidden");
    Positive(spec.heads, "heads");
    Positive(spec.sequence, "sequence");
    Positive(spec.vocabulary, "vocabulary");
    Positive(spec.microBatch, "microBatch");
    Positive(spec.microBatches, "microBatches");
    Positive(spec.bytesPerElement, "bytesPerElement");
    Positive(spec.tp, "tp");
    Positive(spec.pp, "pp");
    Positive(spec.dp, "dp");
    Positive(spec.ep, "ep");
    Positive(spec.moeEvery, "moeEvery");
    if (!(spec.flopsPerSecond > 0) || !std::isfinite(spec.flopsPerSecond))
    {
        throw ParameterError("flopsPerSecond", "must be a positive finite number of FLOP/s");
    }
    if (!(spec.expertSkew >= 0) || !std::isfinite(spec.expertSkew))
    {
        throw ParameterError("expertSkew", "must be a finite number >= 0 (0: every expert equally loaded)");
    }
    Divides(spec.heads, "heads", spec.hidden, "hidden");
    Divides(spec.tp, "tp", spec.heads, "heads");
    if (spec.hidden > UINT64_MAX / 4 && spec.ffnHidden == 0)
    {
        throw ParameterError("hidden", "4 x hidden (the default ffnHidden) overflows 64 bits");
    }
    Divides(spec.tp, "tp", spec.FfnHidden(), "ffnHidden");
    Divides(spec.pp, "pp", spec.layers, "layers");
    if (spec.experts == 0)
    {
        if (spec.ep > 1)
        {
            throw ParameterError("ep", "expert parallelism needs an MoE model (experts > 0)");
        }
    }
    else
    {
        Divides(spec.ep, "ep", spec.experts, "experts");
        Divides(spec.ep, "ep", spec.dp, "dp");
        if (spec.topK == 0 || spec.topK > spec.experts)
        {
            throw ParameterError("topK", "must be in 1 .. experts (" + std::to_string(spec.experts) + ")");
        }
    }
    const uint64_t ranks = Mul(Mul(spec.tp, spec.pp, "tp x pp x dp"), spec.dp, "tp x pp x dp");
    if (ranks > UINT32_MAX)
    {
        throw ParameterError("tp x pp x dp", std::to_string(ranks) + " ranks: at most 2^32 - 1");
    }
    const uint64_t ops = Mul(ranks, OpsBound(spec), "microBatches");
    if (ops > kMaxTransformerOps)
    {
        throw ParameterError("microBatches", "the step would have up to " + std::to_string(ops) +
                                                 " operations (tp x pp x dp ranks x (microBatches x (12 layers / pp "
                                                 "+ 6) + 4)): at most " +
                                                 std::to_string(kMaxTransformerOps));
    }
    const TransformerSizes z = SizesOf(spec);
    for (uint32_t stage = 0; stage < spec.pp; ++stage)
    {
        const RankParameters p = ParametersOf(spec, stage);
        Mul(p.dense, spec.bytesPerElement, "parameters x bytesPerElement");
        Mul(p.experts, spec.bytesPerElement, "parameters x bytesPerElement");
    }
    // A step's compute, one rank (the last stage, the most), in simulated time (1 ps resolution).
    const long double layerFlops = static_cast<long double>(z.attentionFlops) +
                                   static_cast<long double>(spec.experts > 0 ? z.expertFlops : z.mlpFlops);
    const long double stepSeconds = 3.0L * spec.microBatches *
                                    (layerFlops * (spec.layers / spec.pp) + static_cast<long double>(z.logitsFlops)) /
                                    spec.tp / spec.flopsPerSecond;
    if (stepSeconds > 1e6L)
    {
        throw ParameterError("flopsPerSecond", "a step would compute for " + std::to_string(double(stepSeconds)) +
                                                   " s on one rank: at most 1e6 s");
    }
}

} // namespace ofab
