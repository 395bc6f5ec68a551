// The compiled part of header-only Boost.JSON, included in exactly one file of the
// gateway (including it twice in one binary would define its symbols twice).
#include <boost/json/src.hpp>
