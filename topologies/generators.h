// Topology generators. Each returns a finalized Graph or throws TopologyError naming the bad
// parameter. Lengths are metres of fibre per link (the photonics layer turns them into delay/loss).
#ifndef OFAB_TOPOLOGIES_GENERATORS_H
#define OFAB_TOPOLOGIES_GENERATORS_H

#include <vector>

#include "ofab/topologies/graph.h"

namespace ofab::topo
{

// Largest graph a generator will build; guards against typos like dims {1024, 1024, 1024}.
inline constexpr long long kMaxGeneratedNodes = 1LL << 24;

// ---- direct topologies: every node is an accelerator and forwards traffic --------------------
//
// n-dimensional torus, k_i >= 2 per dimension: k^n nodes and n*k^n links for equal k. Node id is
// the mixed-radix coordinate with dimension 0 fastest. Grid links are oriented (link.b is link.a's
// "+" neighbour) and every node's ports follow the order +d0, -d0, +d1, -d1, ... (a torus node has
// port 2d = "+d", port 2d+1 = "-d"). A dimension with k = 2 gets two parallel links between the pair
// (the "+" link and the wrap link), like a real torus cabled with its wrap-around, so the degree
// stays 2n and the link count n*k^n.
Graph Torus(const std::vector<int>& dims, double linkLengthM = 1.0);
// Same without wrap-around links: sum_i (k_i - 1) * N / k_i links; ports in the same order as the
// torus with the missing directions of edge nodes skipped.
Graph Mesh(const std::vector<int>& dims, double linkLengthM = 1.0);
// A 1-D torus of n >= 2 nodes (n = 2 gives two parallel links, as in Torus).
Graph Ring(int n, double linkLengthM = 1.0);
// n >= 2 accelerators, every pair joined by linksPerPair >= 1 parallel links.
Graph FullMesh(int n, int linksPerPair = 1, double linkLengthM = 1.0);

// ---- switched topologies: accelerators are endpoints only (transit = false) -----------------
//
// UALink-style pod: one switching tier per plane, one switch per plane, every accelerator has one
// port per plane (port p = plane p) and switch port i = accelerator i. Requires
// switchRadix >= accelerators: accelerators on different switches of the same plane could not
// reach each other in one tier.
Graph SwitchedPod(int accelerators, int planes, int switchRadix, double linkLengthM = 1.0);
// Two-level leaf-spine: hostsPerLeaf accelerators per leaf ("access" links, leaf ports
// 0..hostsPerLeaf-1), every leaf joined to every spine ("uplink" links).
Graph FatTree(int leaves, int spines, int hostsPerLeaf, double accessLengthM = 1.0, double uplinkLengthM = 1.0);
// Dragonfly: g groups of a routers, all-to-all inside a group ("local"), p accelerators per
// router ("access"), h "global" ports per router. groups <= 0 means the balanced maximum a*h+1,
// where every pair of groups shares exactly one global link. With fewer groups each pair shares
// floor(a*h / (g-1)) links and left-over global ports stay unused.
Graph Dragonfly(int a, int p, int h, int groups = 0, double accessLengthM = 1.0, double localLengthM = 1.0,
                double globalLengthM = 1.0);

} // namespace ofab::topo

#endif
