#include "ofab/topologies/graph.h"

#include <cctype>
#include <cmath>
#include <limits>

namespace ofab::topo {

const char* ToString(NodeRole role) {
  return role == NodeRole::Accelerator ? "accelerator" : "switch";
}

uint32_t Graph::AddNode(NodeRole role, std::string name, std::vector<int> coord, int plane) {
  if (nodes_.size() >= std::numeric_limits<uint32_t>::max() - 1) {
    throw TopologyError("graph: too many nodes (ids are 32-bit)");
  }
  const auto id = static_cast<uint32_t>(nodes_.size());
  if (name.empty()) name = "n" + std::to_string(id);
  for (char c : name) {
    if (c == '#' || std::isspace(static_cast<unsigned char>(c))) {
      throw TopologyError("graph: node name '" + name + "' must not contain whitespace or '#'");
    }
  }
  if (!byName_.emplace(name, id).second) {
    throw TopologyError("graph: duplicate node name '" + name + "'");
  }
  Node n;
  n.id = id;
  n.role = role;
  n.name = std::move(name);
  n.coord = std::move(coord);
  n.plane = plane;
  n.transit = true;
  nodes_.push_back(std::move(n));
  degree_.push_back(0);
  if (role == NodeRole::Accelerator) {
    accelIndex_.push_back(static_cast<int32_t>(accelerators_.size()));
    accelerators_.push_back(id);
  } else {
    accelIndex_.push_back(-1);
  }
  adjValid_ = false;
  return id;
}

uint32_t Graph::AddLink(uint32_t a, uint32_t b, LinkAttrs attrs) {
  if (a >= nodes_.size() || b >= nodes_.size()) {
    throw TopologyError("graph: link endpoint " + std::to_string(a >= nodes_.size() ? a : b) +
                        " is not a node (graph has " + std::to_string(nodes_.size()) + " nodes)");
  }
  if (a == b) {
    throw TopologyError("graph: self-loop on node '" + nodes_[a].name + "' is not a link");
  }
  if (!std::isfinite(attrs.lengthM) || attrs.lengthM < 0.0) {
    throw TopologyError("graph: link length must be finite and >= 0 m, got " +
                        std::to_string(attrs.lengthM));
  }
  Link l;
  l.id = static_cast<uint32_t>(links_.size());
  l.a = a;
  l.b = b;
  l.portA = degree_[a]++;
  l.portB = degree_[b]++;
  l.lengthM = attrs.lengthM;
  l.linkClass = std::move(attrs.linkClass);
  l.dimension = attrs.dimension;
  l.wrap = attrs.wrap;
  links_.push_back(std::move(l));
  adjValid_ = false;
  return links_.back().id;
}

void Graph::SetTransit(uint32_t node, bool transit) { nodes_.at(node).transit = transit; }

void Graph::SetPortOrder(uint32_t node, const std::vector<uint32_t>& linksInPortOrder) {
  if (node >= nodes_.size()) throw TopologyError("graph: no node " + std::to_string(node));
  if (linksInPortOrder.size() != degree_[node]) {
    throw TopologyError("graph: port order for '" + nodes_[node].name + "' lists " +
                        std::to_string(linksInPortOrder.size()) + " links, node has " +
                        std::to_string(degree_[node]));
  }
  std::vector<bool> seenPort(degree_[node], false);
  for (uint32_t l : linksInPortOrder) {
    if (l >= links_.size() || (links_[l].a != node && links_[l].b != node)) {
      throw TopologyError("graph: port order for '" + nodes_[node].name + "' lists link " +
                          std::to_string(l) + " which does not touch it");
    }
    const Link& k = links_[l];
    const uint32_t oldPort = k.a == node ? k.portA : k.portB;
    if (seenPort[oldPort]) {
      throw TopologyError("graph: port order for '" + nodes_[node].name + "' lists link " +
                          std::to_string(l) + " twice");
    }
    seenPort[oldPort] = true;
  }
  for (uint32_t p = 0; p < linksInPortOrder.size(); ++p) {
    Link& k = links_[linksInPortOrder[p]];
    (k.a == node ? k.portA : k.portB) = p;
  }
  adjValid_ = false;
}

std::optional<uint32_t> Graph::FindNode(const std::string& name) const {
  auto it = byName_.find(name);
  if (it == byName_.end()) return std::nullopt;
  return it->second;
}

uint32_t Graph::Other(uint32_t l, uint32_t n) const {
  const Link& k = links_.at(l);
  return k.a == n ? k.b : k.a;
}

uint32_t Graph::PortAt(uint32_t l, uint32_t n) const {
  const Link& k = links_.at(l);
  if (k.a == n) return k.portA;
  if (k.b == n) return k.portB;
  throw TopologyError("graph: link " + std::to_string(l) + " does not touch node " +
                      std::to_string(n));
}

void Graph::Finalize() const {
  if (!adjValid_) RebuildAdjacency();
}

Span<Adjacency> Graph::neighbours(uint32_t n) const {
  if (n >= nodes_.size()) {
    throw TopologyError("graph: no node " + std::to_string(n) + " (graph has " +
                        std::to_string(nodes_.size()) + " nodes)");
  }
  if (!adjValid_) RebuildAdjacency();
  return Span<Adjacency>(adj_.data() + adjStart_[n], adjStart_[n + 1] - adjStart_[n]);
}

void Graph::RebuildAdjacency() const {
  // Ports are 0..degree-1 without gaps, so each entry has a fixed slot: no sort needed.
  adjStart_.assign(nodes_.size() + 1, 0);
  for (std::size_t i = 0; i < nodes_.size(); ++i) adjStart_[i + 1] = adjStart_[i] + degree_[i];
  adj_.resize(adjStart_.back());
  for (const Link& l : links_) {
    adj_[adjStart_[l.a] + l.portA] = Adjacency{l.b, l.id, l.portA};
    adj_[adjStart_[l.b] + l.portB] = Adjacency{l.a, l.id, l.portB};
  }
  adjValid_ = true;
}

LinkMask AllUp(const Graph& g) { return LinkMask(g.NumLinks(), true); }

LinkMask MaskWithDown(const Graph& g, const std::vector<uint32_t>& downLinks) {
  LinkMask m = AllUp(g);
  for (uint32_t l : downLinks) {
    if (l >= m.size()) {
      throw TopologyError("link mask: link id " + std::to_string(l) + " out of range (graph has " +
                          std::to_string(g.NumLinks()) + " links)");
    }
    m[l] = false;
  }
  return m;
}

void ValidateLinkState(const Graph& g, const LinkMask& mask, const LinkWeights& weights) {
  if (!mask.empty() && mask.size() != g.NumLinks()) {
    throw TopologyError("link mask: expected one entry per link (" + std::to_string(g.NumLinks()) +
                        ") or none, got " + std::to_string(mask.size()));
  }
  if (weights.empty()) return;
  if (weights.size() != g.NumLinks()) {
    throw TopologyError("link weights: expected one entry per link (" +
                        std::to_string(g.NumLinks()) + ") or none, got " +
                        std::to_string(weights.size()));
  }
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (!(weights[i] > 0.0) || !std::isfinite(weights[i])) {
      throw TopologyError("link weights: weights[" + std::to_string(i) +
                          "] must be positive and finite, got " + std::to_string(weights[i]));
    }
  }
}

}  // namespace ofab::topo
