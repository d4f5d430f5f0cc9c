// Everything in ofab::topologies in one include, for tools and the fabric builder.
#pragma once

#include "topologies/analysis.h"
#include "topologies/channel-dependency.h"
#include "topologies/edge-list.h"
#include "topologies/generators.h"
#include "topologies/graph.h"
#include "topologies/next-hop-table.h"
#include "topologies/routing-disjoint.h"
#include "topologies/routing-dor.h"
#include "topologies/routing-ecmp.h"
#include "topologies/routing-lfa.h"
#include "topologies/shortest-paths.h"
