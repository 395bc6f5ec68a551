// The compiled part of header-only Boost.JSON, in its own library `qq_boost_json` so that
// every binary gets it exactly once (the gateway and the test support both use it).
#include <boost/json/src.hpp>
