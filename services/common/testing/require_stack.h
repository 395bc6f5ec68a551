// Tests that need the running stack (PostgreSQL, Redis, the services, the gateway) skip
// without it when run by hand, but fail under ./deploy/dev test, which sets
// QQ_TEST_REQUIRE_STACK=1: there a missing environment is a broken harness, and a test
// that silently skips would pass without having proved anything.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

namespace qq::testing {

inline bool StackRequired() {
  const char* required = std::getenv("QQ_TEST_REQUIRE_STACK");
  return required != nullptr && std::strcmp(required, "1") == 0;
}

}  // namespace qq::testing

// Use as a statement in SetUp() or a test body: QQ_SKIP_WITHOUT_STACK("QQ_TEST_PG_ADMIN_DSN");
// (The switch makes it one statement, safe after an `if` without braces, as gtest does.)
#define QQ_SKIP_WITHOUT_STACK(what)                                                 \
  switch (0)                                                                        \
  case 0:                                                                           \
  default:                                                                          \
    if (::qq::testing::StackRequired()) {                                           \
      GTEST_FAIL() << what << " is not set, but ./deploy/dev test must provide it"; \
    } else                                                                          \
      GTEST_SKIP() << what << " is not set: run ./deploy/dev test"
