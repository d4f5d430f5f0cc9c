// Everything in ofab::topologies in one include, for tools and the fabric builder.
#ifndef OFAB_TOPOLOGIES_TOPOLOGIES_H
#define OFAB_TOPOLOGIES_TOPOLOGIES_H

#include "ofab/topologies/analysis.h"
#include "ofab/topologies/channel-dependency.h"
#include "ofab/topologies/edge-list.h"
#include "ofab/topologies/generators.h"
#include "ofab/topologies/graph.h"
#include "ofab/topologies/lightpath-routing.h"
#include "ofab/topologies/next-hop-table.h"
#include "ofab/topologies/ocs-cubes.h"
#include "ofab/topologies/optical-mesh.h"
#include "ofab/topologies/routing-disjoint.h"
#include "ofab/topologies/routing-dor.h"
#include "ofab/topologies/routing-ecmp.h"
#include "ofab/topologies/routing-lfa.h"
#include "ofab/topologies/shortest-paths.h"

#endif
