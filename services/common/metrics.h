// Prometheus metrics of one process, served on its admin port: request counts and
// latency histograms per RPC or route, plus gauges set by the pool and the relay.
#pragma once

#include <map>
#include <memory>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"

namespace qq {

class Metrics {
 public:
  explicit Metrics(std::string service);
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Starts the HTTP exposer on host:port (e.g. "127.0.0.1:9101"). Empty: no exposer.
  absl::Status Serve(const std::string& admin_listen);

  // One finished request: `operation` is the RPC method or route, `code` its outcome.
  void ObserveRequest(absl::string_view operation, absl::string_view code, double seconds);

  // Sets the gauge `name` (created on first use) with one label set.
  void SetGauge(absl::string_view name, absl::string_view help,
                const std::map<std::string, std::string>& labels, double value);

  // Adds `by` to the counter `name` (created on first use) with one label set, e.g. events
  // dead-lettered or scheduler items that failed.
  void Increment(absl::string_view name, absl::string_view help,
                 const std::map<std::string, std::string>& labels, double by = 1);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace qq
