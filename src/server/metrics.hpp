// Prometheus metrics of the server, rendered as text at /metrics.
//
// The server records request latency (a histogram over every API request)
// and requests by status class. Other parts add their own numbers:
//
//   Gauge& open = ctx.metrics.gauge("drover_ssh_connections_open",
//                                   "SSH connections open to targets");
//   open.add(1); ... open.add(-1);
//
// gauge()/counter() return the same object for the same name (create once,
// keep the reference; updates are lock-free atomics). Samples that are
// cheaper to compute at scrape time (jobs by state, queue depth, read from
// the database) come from collectors: add_collector(fn) where fn appends
// complete Prometheus text lines (with # HELP / # TYPE) to its argument.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace drover::server {

class Gauge {
 public:
  void set(int64_t v) { value_.store(v, std::memory_order_relaxed); }
  void add(int64_t d) { value_.fetch_add(d, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

class Metrics {
 public:
  Metrics();

  Gauge& gauge(const std::string& name, const std::string& help);
  Gauge& counter(const std::string& name, const std::string& help);
  void add_collector(std::function<void(std::string&)> collector);

  // One API request took `seconds` and answered `status`.
  void observe_request(double seconds, int status);

  // The whole exposition text.
  std::string render() const;

 private:
  struct Named {
    std::string help;
    std::string type;
    std::unique_ptr<Gauge> value;
  };
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  5.0};
  Gauge& named(const std::string& name, const std::string& help, const char* type);

  mutable std::mutex mutex_;
  std::map<std::string, Named> named_;
  std::vector<std::function<void(std::string&)>> collectors_;
  std::array<std::atomic<uint64_t>, kBuckets.size() + 1> bucket_counts_{};
  std::atomic<uint64_t> latency_sum_us_{0};
  std::array<std::atomic<uint64_t>, 6> status_classes_{};  // index status/100
};

}  // namespace drover::server
