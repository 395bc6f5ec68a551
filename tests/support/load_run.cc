#include "tests/support/load_run.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

namespace qq::testing {

RunResult Run(int threads, int per_thread, const std::function<bool(int, int)>& op) {
  using Clock = std::chrono::steady_clock;
  std::vector<std::vector<double>> per(threads);
  std::atomic<int> errors{0};
  auto start = Clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      per[t].reserve(per_thread);
      for (int i = 0; i < per_thread; ++i) {
        auto s = Clock::now();
        if (!op(t, i)) errors++;
        per[t].push_back(std::chrono::duration<double, std::milli>(Clock::now() - s).count());
      }
    });
  }
  for (auto& th : pool) th.join();
  RunResult r;
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  for (auto& v : per) r.latencies_ms.insert(r.latencies_ms.end(), v.begin(), v.end());
  std::sort(r.latencies_ms.begin(), r.latencies_ms.end());
  r.errors = errors;
  return r;
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
