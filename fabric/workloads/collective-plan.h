#ifndef OFAB_FABRIC_WORKLOADS_COLLECTIVE_PLAN_H
#define OFAB_FABRIC_WORKLOADS_COLLECTIVE_PLAN_H

#include <cstdint>
#include <string>
#include <vector>

namespace ofab
{

/// The collective algorithms, their names (as YAML and nccl-tests write them) and bus factors.
/// A struct so that classes running collectives inherit the enumerators
/// (CollectiveWorkload::RING_ALLREDUCE).
struct CollectiveAlgorithms
{
    enum Algorithm
    {
        RING_ALLREDUCE,
        HALVING_DOUBLING_ALLREDUCE,
        ALLGATHER,
        REDUCE_SCATTER,
        ALLTOALL,
        BROADCAST,          ///< pipelined chain from the root
        REDUCE,             ///< pipelined chain into the root
        TORUS_2D_ALLREDUCE, ///< on a grid of ranks: reduce-scatter along rows, all-reduce along columns, all-gather
        SEND,               ///< rank 0 writes S to rank 1 (a point-to-point transfer: send/recv)
        ALLTOALLV,          ///< pairwise exchange with uneven sizes (MoE tokens to experts of uneven load)
        GATHER,             ///< every rank writes its S/N to the root at once (an incast)
        SCATTER,            ///< the root writes S/N to each rank in turn
    };

    static const char* AlgorithmName(Algorithm a);
    /// Whether `a` has a root (broadcast, reduce, gather, scatter).
    static bool HasRoot(Algorithm a) { return a == BROADCAST || a == REDUCE || a == GATHER || a == SCATTER; }
    /// nccl-tests bus bandwidth factor (doc/PERFORMANCE.md): 2(n-1)/n all-reduce; (n-1)/n
    /// allgather, reduce-scatter and alltoall (and alltoallv, gather and scatter, which nccl-tests
    /// does not define: the share of S that crosses the network); 1 broadcast, reduce and send/recv.
    static double BusFactor(Algorithm a, uint32_t ranks);
};

/// Cutting ring steps into slices (CollectivePlan). sliceBytes 0: not pipelined, the plain step rule.
struct RingPipeline
{
    /// Slices a rank keeps in flight by default: NCCL_STEPS, NCCL's buffer slots per connection.
    static constexpr uint32_t kNcclSteps = 8;

    uint64_t sliceBytes = 0;
    uint32_t inFlight = kNcclSteps; ///< W (>= 1)
};

/**
 * What one collective operation moves: its steps, how many bytes each rank writes in each step and
 * to which rank. Every algorithm is a sequence of steps; in step s rank r writes Bytes(r, s) to
 * Target(r, s) (or nothing), and the step rule (CollectiveOperation) lets r start step s + 1 once
 * its own step-s writes and every write into it for step s completed.
 *
 *   ring_allreduce             N-1 reduce-scatter + N-1 all-gather steps of S/N to (r+1) mod N
 *   halving_doubling_allreduce log2 N halving steps (partner r xor 2^k, S/2, S/4 ... S/N), then
 *                              log2 N doubling steps (S/N ... S/2, partners in reverse order)
 *   allgather, reduce_scatter  the ring halves: N-1 steps of S/N (S = total size, as nccl-tests)
 *   alltoall                   pairwise exchange: N-1 steps of S/N, step s to (r+s+1) mod N
 *   broadcast                  a chain from the root, S in C chunks, pipelined: in step s the rank
 *                              p places after the root forwards chunk s - p (C + N - 2 steps)
 *   reduce                     the same chain, ending at the root
 *   torus2d_allreduce          ranks as a grid of C columns (rank r at row r / C, column r mod C):
 *                              C-1 reduce-scatter steps of S/C to the next in the row, 2(R-1) ring
 *                              all-reduce steps of S/(C R) to the next in the column (on the row's
 *                              shard), C-1 all-gather steps of S/C along the row: on a torus whose
 *                              x dimension has C accelerators every step is one hop
 *   send                       one step: rank 0 writes S to rank 1
 *   gather                     one step: every rank but the root writes S/N to the root
 *   scatter                    N-1 steps of S/N: in step s the root writes to root + s + 1
 *   alltoallv                  alltoall's pairwise exchange, rank r writing M[r][j] to rank j: the
 *                              AllToAllVSizes matrix, a Zipf skew of the load (skew 0: alltoall)
 *
 * A step of b bytes is ceil(b / 64) x 64 B (whole WriteFull beats).
 *
 * Ring slices (RingPipeline, the ring algorithms only: ring_allreduce, allgather, reduce_scatter):
 * each ring step's chunk is cut into P = ceil(chunk / sliceBytes) slices (at most one per 256 B
 * write), and the plan's steps become sub-steps t = s P + k (slice k of ring step s), each of one
 * slice to the same target. The step rule then follows NCCL's pipeline: sub-step t needs (a) every
 * write into the rank for sub-step t - P completed (the same slice one ring step earlier), (b)
 * fewer than W = inFlight of the rank's own sub-steps open (started, writes not all completed), and
 * (c) sub-step t - 1 started with all its writes issued (slices go out in order). Without slices
 * (the default) P = W = 1, which is the plain step rule: t needs t - 1's incoming and own writes.
 */
class CollectivePlan
{
  public:
    static constexpr int32_t kNone = -1;

    /// `chunks` (broadcast and reduce; >= 1) pipelines the chain; `root` in [0, ranks); `columns`
    /// (torus2d_allreduce) divides `ranks`; 0: GridColumns(ranks); `skew` (alltoallv): see
    /// AllToAllVSizes; `pipeline`: ring slices (ignored by the other algorithms).
    CollectivePlan(CollectiveAlgorithms::Algorithm algorithm, uint32_t ranks, uint64_t bytes, uint32_t root = 0,
                   uint32_t chunks = 1, uint32_t columns = 0, double skew = 0, RingPipeline pipeline = {});
    /// Whether `a` is a ring (ring_allreduce, allgather, reduce_scatter): what RingPipeline slices.
    static bool IsRing(CollectiveAlgorithms::Algorithm a)
    {
        return a == CollectiveAlgorithms::RING_ALLREDUCE || a == CollectiveAlgorithms::ALLGATHER ||
               a == CollectiveAlgorithms::REDUCE_SCATTER;
    }
    /**
     * The bytes rank r sends rank j in an alltoallv of S per rank whose load follows a Zipf law of
     * exponent |skew| over the ranks (weight (k + 1)^-|skew| for rank k, W their sum): with skew >= 0
     * every rank sends S (k + 1)^-skew / W to rank k (tokens dispatched to experts, the low ranks
     * hot); with skew < 0 the transpose (the hot experts' results combined back). The diagonal (kept
     * local) is 0. Skew 0 is alltoall: S/N to each.
     */
    static std::vector<std::vector<uint64_t>> AllToAllVSizes(uint32_t ranks, uint64_t bytes, double skew);
    /// The most square grid's column count for `ranks`: the smallest divisor >= sqrt(ranks).
    static uint32_t GridColumns(uint32_t ranks);

    CollectiveAlgorithms::Algorithm Algorithm() const { return m_algorithm; }
    uint32_t Ranks() const { return m_ranks; }
    uint64_t Bytes() const { return m_bytes; }
    uint32_t Steps() const { return static_cast<uint32_t>(m_stepBytes.size()); }
    /// The most any rank writes in `step` (what every rank writes, but in alltoallv).
    uint64_t StepBytes(uint32_t step) const { return m_stepBytes[step]; }
    /// What `rank` writes in `step` (0 without a target).
    uint64_t Bytes(uint32_t rank, uint32_t step) const
    {
        return m_rankBytes.empty() ? (Target(rank, step) == kNone ? 0 : m_stepBytes[step])
                                   : m_rankBytes[Index(rank, step)];
    }
    /// The rank `rank` writes to in `step`, or kNone.
    int32_t Target(uint32_t rank, uint32_t step) const { return m_target[Index(rank, step)]; }
    /// 256 B writes (the last one shorter) of what `rank` writes in `step`.
    uint32_t Writes(uint32_t rank, uint32_t step) const;
    /// Writes into `rank` in `step`, from every rank that targets it.
    uint32_t ExpectedIn(uint32_t rank, uint32_t step) const { return m_expectedIn[Index(rank, step)]; }
    /// P: sub-steps per ring step; a step waits for the incoming writes of the step P before it.
    uint32_t Slices() const { return m_slices; }
    /// W: own steps a rank may have open at once.
    uint32_t InFlight() const { return m_inFlight; }

  private:
    std::size_t Index(uint32_t rank, uint32_t step) const { return std::size_t{rank} * m_stepBytes.size() + step; }
    void Chain(uint32_t root, uint32_t chunks, bool intoRoot);
    void Grid(uint32_t columns);
    void AllToAllV(double skew);
    void Ring(uint64_t chunk, RingPipeline pipeline);

    CollectiveAlgorithms::Algorithm m_algorithm;
    uint32_t m_ranks;
    uint64_t m_bytes;
    std::vector<uint64_t> m_stepBytes;
    std::vector<uint64_t> m_rankBytes;  ///< rank x steps + step, when ranks differ (alltoallv); else empty
    std::vector<int32_t> m_target;      ///< rank x steps + step
    std::vector<uint32_t> m_expectedIn; ///< rank x steps + step
    uint32_t m_slices = 1;
    uint32_t m_inFlight = 1;
};

} // namespace ofab

#endif
