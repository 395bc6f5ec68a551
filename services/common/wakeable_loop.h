// A background pass that runs on a thread of its own every `interval`, and at once when
// someone calls Wake() (e.g. after a commit that left work for it). Stop() lets the pass
// under way finish, then joins.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace qq {

class WakeableLoop {
 public:
  WakeableLoop() = default;
  WakeableLoop(const WakeableLoop&) = delete;
  WakeableLoop& operator=(const WakeableLoop&) = delete;
  ~WakeableLoop() { Stop(); }

  // Runs `pass` now, then after each interval or wake-up, until Stop().
  void Start(std::chrono::milliseconds interval, std::function<void()> pass);
  void Wake();
  void Stop();

 private:
  std::mutex mu_;
  std::condition_variable wake_;
  bool woken_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace qq
