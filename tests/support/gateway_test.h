// Base fixture of the e2e tests through the gateway: skips without a running stack
// (QQ_TEST_GATEWAY_URL), gives a keep-alive client and an agent's token.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "services/common/testing/require_stack.h"
#include "tests/support/http_client.h"
#include "tests/support/stack.h"

namespace qq::testing {

class GatewayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (GatewayUrl().empty()) {
      QQ_SKIP_WITHOUT_STACK("QQ_TEST_GATEWAY_URL");
    }
    http_ = std::make_unique<HttpClient>(GatewayUrl());
    agent_ = LoginAs(*http_, "utility-demo", "agent");
  }

  std::unique_ptr<HttpClient> http_;
  // utility-demo's hotline agent.
  std::string agent_;
};

}  // namespace qq::testing
