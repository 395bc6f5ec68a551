#include "services/common/wakeable_loop.h"

namespace qq {

void WakeableLoop::Start(std::chrono::milliseconds interval, std::function<void()> pass) {
  thread_ = std::thread([this, interval, pass = std::move(pass)] {
    while (true) {
      pass();
      std::unique_lock lock(mu_);
      wake_.wait_for(lock, interval, [&] { return woken_ || stopping_; });
      if (stopping_) return;
      woken_ = false;
    }
  });
}

void WakeableLoop::Wake() {
  std::lock_guard lock(mu_);
  woken_ = true;
  wake_.notify_one();
}

void WakeableLoop::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    wake_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

}  // namespace qq
