#include "ofab/topologies/routing-dor.h"

#include <algorithm>
#include <cstdlib>
#include <string>

#include "ofab/topologies/shortest-paths.h"

namespace ofab::topo {

DimensionOrderRouter::DimensionOrderRouter(const Graph& g) {
  if (!g.grid()) {
    throw TopologyError("dimension-order routing: graph '" + g.kind() +
                        "' is not a torus, mesh or ring (no grid shape)");
  }
  dims_ = g.grid()->dims;
  wrap_ = g.grid()->wrap;
  const std::size_t n = dims_.size();
  uint64_t total = 1;
  stride_.assign(n, 1);
  for (std::size_t d = 0; d < n; ++d) {
    if (d) stride_[d] = stride_[d - 1] * static_cast<uint32_t>(dims_[d - 1]);
    total *= static_cast<uint64_t>(dims_[d]);
  }
  if (total != g.NumNodes()) {
    throw TopologyError("dimension-order routing: grid shape has " + std::to_string(total) +
                        " nodes, graph has " + std::to_string(g.NumNodes()));
  }
  numNodes_ = static_cast<uint32_t>(total);
  plusLink_.assign(total * n, kNoPort);
  minusLink_ = plusLink_;
  plusPort_ = plusLink_;
  minusPort_ = plusLink_;
  plusNext_ = plusLink_;
  minusNext_ = plusLink_;
  linkIsWrap_.assign(g.NumLinks(), false);
  // Grid links are oriented: b is a's "+" neighbour in link.dimension.
  for (const Link& l : g.links()) {
    linkIsWrap_[l.id] = l.wrap;
    if (l.dimension < 0) continue;
    const auto d = static_cast<std::size_t>(l.dimension);
    if (d >= n) {
      throw TopologyError("dimension-order routing: link " + std::to_string(l.id) +
                          " has dimension " + std::to_string(l.dimension) + ", grid has " +
                          std::to_string(n));
    }
    plusLink_[l.a * n + d] = l.id;
    plusPort_[l.a * n + d] = l.portA;
    plusNext_[l.a * n + d] = l.b;
    minusLink_[l.b * n + d] = l.id;
    minusPort_[l.b * n + d] = l.portB;
    minusNext_[l.b * n + d] = l.a;
  }
  for (uint32_t v = 0; v < numNodes_; ++v) {
    for (std::size_t d = 0; d < n; ++d) {
      const int c = Coord(v, d);
      const bool needPlus = wrap_ || c + 1 < dims_[d], needMinus = wrap_ || c > 0;
      if ((needPlus && plusLink_[v * n + d] == kNoPort) ||
          (needMinus && minusLink_[v * n + d] == kNoPort)) {
        throw TopologyError("dimension-order routing: node '" + g.node(v).name + "' lacks its " +
                            (needPlus && plusLink_[v * n + d] == kNoPort ? "+" : "-") +
                            "d" + std::to_string(d) + " link");
      }
    }
  }
}

void DimensionOrderRouter::CheckNodes(uint32_t a, uint32_t b) const {
  if (a >= numNodes_ || b >= numNodes_) {
    throw TopologyError("dimension-order routing: node " + std::to_string(a >= numNodes_ ? a : b) +
                        " out of range (grid has " + std::to_string(numNodes_) + " nodes)");
  }
}

uint32_t DimensionOrderRouter::Distance(uint32_t src, uint32_t dst) const {
  CheckNodes(src, dst);
  uint32_t hops = 0;
  for (std::size_t d = 0; d < dims_.size(); ++d) {
    const int k = dims_[d];
    const int delta = ((Coord(dst, d) - Coord(src, d)) % k + k) % k;
    if (wrap_) {
      hops += static_cast<uint32_t>(std::min(delta, k - delta));
    } else {
      hops += static_cast<uint32_t>(std::abs(Coord(dst, d) - Coord(src, d)));
    }
  }
  return hops;
}

DorStep DimensionOrderRouter::StepIn(uint32_t node, std::size_t d, bool plus) const {
  DorStep s;
  const std::size_t i = node * dims_.size() + d;
  s.link = plus ? plusLink_[i] : minusLink_[i];
  s.port = plus ? plusPort_[i] : minusPort_[i];
  s.next = plus ? plusNext_[i] : minusNext_[i];
  s.dimension = static_cast<int>(d);
  s.direction = plus ? +1 : -1;
  s.crossesDateline = linkIsWrap_[s.link];
  return s;
}

DorStep DimensionOrderRouter::Step(uint32_t node, uint32_t dst) const {
  CheckNodes(node, dst);
  for (std::size_t d = 0; d < dims_.size(); ++d) {
    const int c = Coord(node, d), t = Coord(dst, d);
    if (c == t) continue;
    const int k = dims_[d];
    if (wrap_) {
      const int forward = ((t - c) % k + k) % k;
      return StepIn(node, d, forward <= k - forward);  // tie toward +
    }
    return StepIn(node, d, t > c);
  }
  return DorStep{};
}

double DimensionOrderRouter::WayCost(uint32_t node, std::size_t d, int direction, int steps,
                                     const LinkMask& mask, const LinkWeights& weights) const {
  const std::size_t n = dims_.size();
  double cost = 0.0;
  for (uint32_t at = node; steps > 0; --steps) {
    const uint32_t link = direction > 0 ? plusLink_[at * n + d] : minusLink_[at * n + d];
    if (!IsUp(mask, link)) return kUnreachable;
    cost += WeightOf(weights, link);
    at = direction > 0 ? plusNext_[at * n + d] : minusNext_[at * n + d];
  }
  return cost;
}

DorStep DimensionOrderRouter::Step(uint32_t node, uint32_t dst, const LinkMask& mask,
                                   const LinkWeights& weights) const {
  if (mask.empty() && weights.empty()) return Step(node, dst);
  CheckNodes(node, dst);
  for (std::size_t d = 0; d < dims_.size(); ++d) {
    const int c = Coord(node, d), t = Coord(dst, d);
    if (c == t) continue;
    const int k = dims_[d];
    const int forward = ((t - c) % k + k) % k;
    const double plus = (wrap_ || t > c) ? WayCost(node, d, +1, forward, mask, weights) : kUnreachable;
    const double minus = (wrap_ || t < c) ? WayCost(node, d, -1, k - forward, mask, weights) : kUnreachable;
    if (plus == kUnreachable && minus == kUnreachable) {
      DorStep blocked;
      blocked.dimension = static_cast<int>(d);
      blocked.blocked = true;
      return blocked;
    }
    return StepIn(node, d, plus <= minus);
  }
  return DorStep{};
}

std::vector<DorHop> DimensionOrderRouter::Route(uint32_t src, uint32_t dst) const {
  CheckNodes(src, dst);
  std::vector<DorHop> route;
  uint8_t vc = 0;
  int dim = -1;
  for (uint32_t at = src; at != dst;) {
    const DorStep s = Step(at, dst);
    vc = NextVc(vc, dim, s);
    dim = s.dimension;
    route.push_back(DorHop{at, s.next, s.link, s.port, s.dimension, s.direction, vc});
    at = s.next;
  }
  return route;
}

std::vector<DorHop> DimensionOrderRouter::Route(uint32_t src, uint32_t dst, const LinkMask& mask,
                                                const LinkWeights& weights) const {
  CheckNodes(src, dst);
  std::vector<DorHop> route;
  uint8_t vc = 0;
  int dim = -1;
  std::size_t limit = 0;  // a masked route corrects each dimension at most once, the long way at worst
  for (int k : dims_) limit += static_cast<std::size_t>(k);
  for (uint32_t at = src; at != dst;) {
    const DorStep s = Step(at, dst, mask, weights);
    if (s.blocked) return {};
    if (route.size() == limit) {
      throw TopologyError("dimension-order routing: masked route " + std::to_string(src) + " -> " +
                          std::to_string(dst) + " does not converge");
    }
    vc = NextVc(vc, dim, s);
    dim = s.dimension;
    route.push_back(DorHop{at, s.next, s.link, s.port, s.dimension, s.direction, vc});
    at = s.next;
  }
  return route;
}

NextHopTable DimensionOrderRouter::BuildTable() const {
  detail::CheckTableSize("dimension-order table", numNodes_, numNodes_);
  detail::TableWriter table(numNodes_, numNodes_);
  std::vector<double> dist(static_cast<std::size_t>(numNodes_) * numNodes_);
  for (uint32_t v = 0; v < numNodes_; ++v) {
    for (uint32_t d = 0; d < numNodes_; ++d) {
      if (v != d) table.Add(Step(v, d).port);
      table.EndEntry();
      dist[static_cast<std::size_t>(v) * numNodes_ + d] = Distance(v, d);
    }
  }
  return table.Finish(dist);
}

bool RouteIsUp(const std::vector<DorHop>& route, const LinkMask& mask) {
  for (const DorHop& h : route) {
    if (!mask.empty() && h.link >= mask.size()) {
      throw TopologyError("dimension-order routing: route uses link " + std::to_string(h.link) +
                          " but the mask has " + std::to_string(mask.size()) + " entries");
    }
    if (!IsUp(mask, h.link)) return false;
  }
  return true;
}

}  // namespace ofab::topo
