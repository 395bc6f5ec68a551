// Boost.JSON is used header-only: its implementation is compiled once, here, for the
// test support library.
#include <boost/json/src.hpp>
