#include "services/common/metrics.h"

#include <mutex>

#include "prometheus/counter.h"
#include "prometheus/exposer.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace qq {

struct Metrics::Impl {
  std::string service;
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  std::unique_ptr<prometheus::Exposer> exposer;
  prometheus::Family<prometheus::Counter>* requests = nullptr;
  prometheus::Family<prometheus::Histogram>* latency = nullptr;
  std::mutex gauges_mu;
  std::map<std::string, prometheus::Family<prometheus::Gauge>*, std::less<>> gauges;
  std::map<std::string, prometheus::Family<prometheus::Counter>*, std::less<>> counters;
};

Metrics::Metrics(std::string service) : impl_(std::make_unique<Impl>()) {
  impl_->service = std::move(service);
  impl_->requests = &prometheus::BuildCounter()
                         .Name("qq_requests_total")
                         .Help("Requests served, by operation and result code.")
                         .Register(*impl_->registry);
  impl_->latency = &prometheus::BuildHistogram()
                        .Name("qq_request_duration_seconds")
                        .Help("Request latency, by operation.")
                        .Register(*impl_->registry);
}

Metrics::~Metrics() = default;

absl::Status Metrics::Serve(const std::string& admin_listen) {
  if (admin_listen.empty()) return absl::OkStatus();
  try {
    impl_->exposer = std::make_unique<prometheus::Exposer>(admin_listen);
    impl_->exposer->RegisterCollectable(impl_->registry);
  } catch (const std::exception& e) {
    return absl::UnavailableError(std::string("metrics exposer: ") + e.what());
  }
  return absl::OkStatus();
}

void Metrics::ObserveRequest(absl::string_view operation, absl::string_view code, double seconds) {
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  std::string op(operation);
  impl_->requests
      ->Add({{"service", impl_->service}, {"operation", op}, {"code", std::string(code)}})
      .Increment();
  impl_->latency->Add({{"service", impl_->service}, {"operation", op}}, kBuckets).Observe(seconds);
}

void Metrics::SetGauge(absl::string_view name, absl::string_view help,
                       const std::map<std::string, std::string>& labels, double value) {
  prometheus::Family<prometheus::Gauge>* family;
  {
    std::lock_guard lock(impl_->gauges_mu);
    auto it = impl_->gauges.find(name);
    if (it == impl_->gauges.end()) {
      family = &prometheus::BuildGauge()
                    .Name(std::string(name))
                    .Help(std::string(help))
                    .Register(*impl_->registry);
      impl_->gauges.emplace(std::string(name), family);
    } else {
      family = it->second;
    }
  }
  auto all = labels;
  all.emplace("service", impl_->service);
  family->Add(all).Set(value);
}

void Metrics::Increment(absl::string_view name, absl::string_view help,
                        const std::map<std::string, std::string>& labels, double by) {
  prometheus::Family<prometheus::Counter>* family;
  {
    std::lock_guard lock(impl_->gauges_mu);
    auto it = impl_->counters.find(name);
    if (it == impl_->counters.end()) {
      family = &prometheus::BuildCounter()
                    .Name(std::string(name))
                    .Help(std::string(help))
                    .Register(*impl_->registry);
      impl_->counters.emplace(std::string(name), family);
    } else {
      family = it->second;
    }
  }
  auto all = labels;
  all.emplace("service", impl_->service);
  family->Add(all).Increment(by);
}

}  // namespace qq
