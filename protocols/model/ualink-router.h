#ifndef OFAB_PROTOCOLS_MODEL_UALINK_ROUTER_H
#define OFAB_PROTOCOLS_MODEL_UALINK_ROUTER_H

#include "ofab/protocols/model/flit.h"
#include "ofab/protocols/model/forwarding-table.h"
#include "ofab/protocols/model/ualink-port.h"

#include "ns3/callback.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/ptr.h"
#include "ns3/traced-callback.h"

#include <cstdint>
#include <vector>

namespace ofab
{

/**
 * What a UALink switch and an accelerator's port logic have in common: ports, a forwarding table
 * indexed by destination accelerator id, the TL forwarding step, and the link-down policy.
 *
 * Forwarding: a TL message completed by an arriving DL flit is looked up by destination, one of
 * the entry's equal-cost choices is taken among the ports that are up (requests by 256 B region,
 * responses by tag), its VC class is updated (dateline rule, see ForwardingChoice) and it joins the
 * output's queue with a ready time = now + forwarding latency. No event per message: the output
 * wakes itself for the earliest ready message.
 *
 * Link-down policy (documented in protocols/README.md): the TL messages that were queued toward
 * a port that went down, or sat unacknowledged in its replay buffer, are first offered to the
 * LinkDownHandler (if set: it may Reinject() some after fixing routes, removing them from the
 * vector); what is left gets the default policy:
 *   - a request this node originated: its transaction fails with status LinkDown;
 *   - a request passing through: a LinkDown response goes back to its originator;
 *   - a response: dropped (its originator's transaction fails by completion timeout).
 * Messages with no usable route (no entry: DecodeError, every choice down: LinkDown) take the same
 * path, with port kNoPort.
 */
class UalinkRouter : public ns3::Object
{
  public:
    static constexpr uint16_t kNoPort = 0xFFFF;
    /// (port that went down or kNoPort, messages to re-route): remove the ones you Reinject().
    typedef ns3::Callback<void, uint16_t, std::vector<TlMessage>&> LinkDownHandler;
    typedef void (*MessageDroppedTracedCallback)(const TlMessage& message, TransactionStatus reason);

    struct Stats
    {
        uint64_t forwarded = 0;
        uint64_t failedBack = 0; ///< LinkDown / DecodeError responses generated here
        uint64_t responsesDropped = 0;
        uint64_t requestsDropped = 0; ///< fail-back impossible (no route back either)
        uint64_t handedToHandler = 0;
    };

    static ns3::TypeId GetTypeId();
    UalinkRouter();

    /// Adds a port (created by the caller, attributes already set); returns its index.
    uint16_t AddPort(ns3::Ptr<UalinkPort> port);
    /// The simulation context of this node (its graph node id in a fabric): its events and its
    /// ports' run in it, which is how the parallel core places them. Set before adding ports.
    void SetContext(uint32_t context) { m_context = context; }
    uint32_t GetContext() const { return m_context; }
    uint32_t GetNPorts() const { return static_cast<uint32_t>(m_ports.size()); }
    ns3::Ptr<UalinkPort> GetPort(uint32_t i) const;

    // --- forwarding table (fabric layer / helper) -------------------------------------------------
    /// Sizes the table for accelerator ids 0..n-1.
    void SetDestinationCount(uint32_t n);
    uint32_t GetDestinationCount() const { return m_table.Size(); }
    /// ParameterError on an unknown port index or too many choices.
    void SetRoute(uint16_t dst, const std::vector<ForwardingChoice>& choices);
    void AddRoute(uint16_t dst, ForwardingChoice choice);
    void ClearRoute(uint16_t dst);
    std::vector<ForwardingChoice> GetRoute(uint16_t dst) const { return m_table.GetEntry(dst); }
    /// Choices for destinations without an entry of their own.
    void SetDefaultRoute(const std::vector<ForwardingChoice>& choices);
    const ForwardingTable& GetForwardingTable() const { return m_table; }

    // --- link-down policy -------------------------------------------------------------------------
    void SetLinkDownHandler(LinkDownHandler handler) { m_linkDownHandler = handler; }
    /// Routes a message again from this node (e.g. after the handler updated the table). Keeps the
    /// receive buffer the message holds; ready now.
    void Reinject(const TlMessage& m);

    const Stats& GetRouterStats() const { return m_routerStats; }

    // --- called by the ports ----------------------------------------------------------------------
    /// A TL message arrived on port `in` (m.inPort / m.inVc already set) at `nowTick`.
    virtual void Receive(UalinkPort& in, TlMessage& m, int64_t nowTick) = 0;
    /// A message left through an output: release the receive buffers it held at its input.
    /// `nowTick`: the current time when the caller knows it (-1: ask the simulator).
    void OnMessageLeft(const TlMessage& m, int64_t nowTick = -1)
    {
        if (m.inPort != ualink::kLocalInput && !m.inputReleased)
        {
            m_ports[m.inPort]->ReleaseRxCredits(m.inVc, m.Class(), ualink::DataCredits(m), nowTick);
        }
    }
    /// Port `index` went down; `messages` were queued toward it or unacknowledged on it.
    void OnPortDown(uint16_t index, std::vector<TlMessage>& messages);
    /// Ports that got messages during the current delivery start sending now.
    void FlushKicks();

  protected:
    void DoDispose() override;

    /// Routes `m` (its inPort set) and queues it at the chosen output, ready at `readyTick`.
    void Forward(TlMessage& m, int64_t readyTick, int64_t nowTick);
    /// The choice `m` takes among the live ports of its entry; nullptr with `failure` set
    /// (DecodeError: no entry, LinkDown: every choice down).
    const ForwardingChoice* Select(const TlMessage& m, TransactionStatus& failure) const;
    /// Queues `m` at the output of `choice` (VC class updated), ready at `readyTick`.
    void EnqueueAt(TlMessage& m, const ForwardingChoice& choice, int64_t readyTick, int64_t nowTick);
    /// After the policy ran for a port that went down (endpoints fail what waits for its tags).
    virtual void PortWentDown(uint16_t /*index*/) {}
    /// Default policy for a message that cannot continue (see class comment).
    void ApplyDefaultPolicy(TlMessage& m, TransactionStatus reason);
    /// A request this node originated could not be delivered: the endpoint fails the transaction.
    virtual void FailLocalRequest(const TlMessage& m, TransactionStatus reason);
    /// Builds the response a completer (or a failing router) sends for request `req`.
    static TlMessage MakeResponse(const TlMessage& req, TransactionStatus status);
    void ReleaseInput(const TlMessage& m) { OnMessageLeft(m); }

    std::vector<ns3::Ptr<UalinkPort>> m_ports;
    ForwardingTable m_table;
    Stats m_routerStats;
    ns3::TracedCallback<const TlMessage&, TransactionStatus> m_droppedTrace;

    void MarkDirty(UalinkPort* port);

  private:
    void Undeliverable(TlMessage& m, TransactionStatus reason);

    LinkDownHandler m_linkDownHandler;
    uint32_t m_context = 0xffffffff; ///< ns3::Simulator::NO_CONTEXT until set
    bool m_inHandler = false;
    std::vector<UalinkPort*> m_dirty;
    std::vector<uint8_t> m_isDirty;
};

} // namespace ofab

#endif
