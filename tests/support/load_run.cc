#include "tests/support/load_run.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

namespace qq::testing {

namespace {

using Clock = std::chrono::steady_clock;

// One thread's latencies and failures.
struct Recorder {
  std::vector<double> latencies_ms;
  int errors = 0;

  void Time(const std::function<bool()>& op) {
    auto start = Clock::now();
    if (!op()) errors++;
    latencies_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
};

// Runs `body(thread, recorder)` on each of `threads` threads and merges what they timed.
RunResult Collect(int threads, const std::function<void(int, Recorder&)>& body) {
  std::vector<Recorder> recorders(threads);
  auto start = Clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back([&, t] { body(t, recorders[t]); });
  for (auto& th : pool) th.join();
  RunResult r;
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  for (auto& rec : recorders) {
    r.latencies_ms.insert(r.latencies_ms.end(), rec.latencies_ms.begin(), rec.latencies_ms.end());
    r.errors += rec.errors;
  }
  std::sort(r.latencies_ms.begin(), r.latencies_ms.end());
  return r;
}

}  // namespace

RunResult Run(int threads, int per_thread, const std::function<bool(int, int)>& op) {
  return Collect(threads, [&](int t, Recorder& recorder) {
    recorder.latencies_ms.reserve(per_thread);
    for (int i = 0; i < per_thread; ++i) recorder.Time([&] { return op(t, i); });
  });
}

RunResult RunFor(int threads, double seconds, std::chrono::microseconds interval,
                 const std::function<bool(int)>& op) {
  const auto start = Clock::now();
  const auto end =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  return Collect(threads, [&](int t, Recorder& recorder) {
    auto next = start + interval * t / std::max(threads, 1);
    while (Clock::now() < end) {
      if (interval.count() > 0) {
        std::this_thread::sleep_until(next);
        next += interval;
      }
      recorder.Time([&] { return op(t); });
    }
  });
}

double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t i = std::min(sorted.size() - 1, static_cast<size_t>(p * (sorted.size() - 1) + 0.5));
  return sorted[i];
}

void Report(const std::string& name, const RunResult& r) {
  std::printf("BENCH %s_p50 %.3f ms\n", name.c_str(), Percentile(r.latencies_ms, 0.50));
  std::printf("BENCH %s_p99 %.3f ms\n", name.c_str(), Percentile(r.latencies_ms, 0.99));
  std::printf("BENCH %s_throughput %.1f req/s\n", name.c_str(), r.latencies_ms.size() / r.seconds);
  if (r.errors > 0) std::printf("BENCH %s_errors %d count\n", name.c_str(), r.errors);
  std::fflush(stdout);
}

}  // namespace qq::testing
