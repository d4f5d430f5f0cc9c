// Requests shared by the optical mesh and lightpath tests.
#ifndef OFAB_TESTS_TOPOLOGIES_LIGHTPATH_TEST_UTIL_H
#define OFAB_TESTS_TOPOLOGIES_LIGHTPATH_TEST_UTIL_H

#include "ofab/topologies/lightpath-routing.h"

namespace ofab::topo::testing
{

/// A request without a label (the tables' name is not what these tests check).
inline LightpathRequest
Req(uint32_t a, uint32_t b, bool protect = false)
{
    LightpathRequest r;
    r.a = a;
    r.b = b;
    r.protection = protect;
    return r;
}

} // namespace ofab::topo::testing

#endif
