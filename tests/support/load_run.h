// Latency measurement for the benchmarks: run an operation on several threads, collect
// each call's latency, report percentiles as BENCH lines.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace qq::testing {

struct RunResult {
  std::vector<double> latencies_ms;  // sorted
  double seconds = 0;
  int errors = 0;
};

// Runs `op(thread, i)` `per_thread` times on each of `threads` threads; `op` returns false
// for a failed call.
RunResult Run(int threads, int per_thread, const std::function<bool(int, int)>& op);

// Runs `op(thread)` on `threads` threads for `seconds`: back to back, or with `interval` > 0
// each thread starting a call every `interval` (paced load).
RunResult RunFor(int threads, double seconds, std::chrono::microseconds interval,
                 const std::function<bool(int)>& op);

double Percentile(const std::vector<double>& sorted, double p);

// BENCH <name>_p50, _p99 (ms), _throughput (req/s) and _errors when there were any.
void Report(const std::string& name, const RunResult& result);

}  // namespace qq::testing
