// Waiting for something asynchronous (an event travelling through the stack) in a test.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace qq::testing {

// True as soon as `probe` is, checking every 50 ms; false when `limit` passed first.
inline bool Eventually(const std::function<bool()>& probe, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (probe()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return probe();
}

}  // namespace qq::testing
