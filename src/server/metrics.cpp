#include "server/metrics.hpp"

#include <cstdio>

namespace drover::server {

Metrics::Metrics() = default;

Gauge& Metrics::named(const std::string& name, const std::string& help, const char* type) {
  std::lock_guard lock(mutex_);
  auto it = named_.find(name);
  if (it == named_.end()) it = named_.emplace(name, Named{help, type, std::make_unique<Gauge>()}).first;
  return *it->second.value;
}

Gauge& Metrics::gauge(const std::string& name, const std::string& help) { return named(name, help, "gauge"); }
Gauge& Metrics::counter(const std::string& name, const std::string& help) { return named(name, help, "counter"); }

void Metrics::add_collector(std::function<void(std::string&)> collector) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(collector));
}

void Metrics::observe_request(double seconds, int status) {
  size_t i = 0;
  while (i < kBuckets.size() && seconds > kBuckets[i]) ++i;
  bucket_counts_[i].fetch_add(1, std::memory_order_relaxed);
  latency_sum_us_.fetch_add(static_cast<uint64_t>(seconds * 1e6), std::memory_order_relaxed);
  int cls = status / 100;
  if (cls >= 1 && cls <= 5) status_classes_[static_cast<size_t>(cls)].fetch_add(1, std::memory_order_relaxed);
}

std::string Metrics::render() const {
  std::string out;
  char line[256];
  out += "# HELP drover_http_request_duration_seconds Latency of API requests.\n";
  out += "# TYPE drover_http_request_duration_seconds histogram\n";
  uint64_t cumulative = 0;
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    cumulative += bucket_counts_[i].load(std::memory_order_relaxed);
    std::snprintf(line, sizeof line, "drover_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n", kBuckets[i],
                  static_cast<unsigned long long>(cumulative));
    out += line;
  }
  cumulative += bucket_counts_[kBuckets.size()].load(std::memory_order_relaxed);
  std::snprintf(line, sizeof line, "drover_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
                static_cast<unsigned long long>(cumulative));
  out += line;
  std::snprintf(line, sizeof line, "drover_http_request_duration_seconds_sum %.6f\n",
                static_cast<double>(latency_sum_us_.load(std::memory_order_relaxed)) / 1e6);
  out += line;
  std::snprintf(line, sizeof line, "drover_http_request_duration_seconds_count %llu\n",
                static_cast<unsigned long long>(cumulative));
  out += line;
  out += "# HELP drover_http_requests_total API requests by status class.\n";
  out += "# TYPE drover_http_requests_total counter\n";
  for (size_t cls = 1; cls <= 5; ++cls) {
    std::snprintf(line, sizeof line, "drover_http_requests_total{code=\"%zuxx\"} %llu\n", cls,
                  static_cast<unsigned long long>(status_classes_[cls].load(std::memory_order_relaxed)));
    out += line;
  }
  std::lock_guard lock(mutex_);
  for (const auto& [name, n] : named_) {
    out += "# HELP " + name + " " + n.help + "\n# TYPE " + name + " " + n.type + "\n";
    out += name + " " + std::to_string(n.value->value()) + "\n";
  }
  for (const auto& collect : collectors_) collect(out);
  return out;
}

}  // namespace drover::server
