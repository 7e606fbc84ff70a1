// A small thread-safe metrics registry with Prometheus text exposition (format 0.0.4).
//
// Families are created once by name (asking again returns the same family) and hand out
// children per label set; a child's address is stable for the registry's life, so hot paths can
// keep a reference and update it lock-free. Gauges and counters whose truth lives elsewhere
// (e.g. outbox depth in the store) are registered as callbacks and read at scrape time.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace careerlink::metrics {

// Label name -> value; std::map keeps a canonical order, so {a,b} and {b,a} are one child.
using Labels = std::map<std::string, std::string>;

enum class Type { counter, gauge, histogram };

// Names used across the daemon, kept here so producers and dashboards agree on one spelling.
namespace names {
inline constexpr std::string_view outbox_messages = "careerlink_outbox_messages";  // {sink,state}
inline constexpr std::string_view deliveries_total =
    "careerlink_deliveries_total";  // {sink,result}
inline constexpr std::string_view job_last_success =
    "careerlink_job_last_success_timestamp_seconds";  // {job}
inline constexpr std::string_view source_records_total =
    "careerlink_source_records_total";  // {source}
inline constexpr std::string_view http_request_duration =
    "careerlink_http_request_duration_seconds";  // {route}
}  // namespace names

class Counter {
 public:
  void inc(double delta = 1.0);  // negative deltas are ignored: counters only go up
  [[nodiscard]] double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Gauge {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void inc(double delta = 1.0) { value_.fetch_add(delta, std::memory_order_relaxed); }
  void dec(double delta = 1.0) { value_.fetch_sub(delta, std::memory_order_relaxed); }
  void set_to_current_time();  // seconds since the Unix epoch
  [[nodiscard]] double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Histogram {
 public:
  // `bounds` are the finite upper bounds, strictly increasing; +Inf is implied.
  explicit Histogram(std::vector<double> bounds);
  void observe(double v);

  struct Snapshot {
    std::vector<double> bounds;
    std::vector<std::uint64_t> cumulative;  // one per bound, then +Inf (== count)
    double sum = 0.0;
    std::uint64_t count = 0;
  };
  [[nodiscard]] Snapshot snapshot() const;

 private:
  std::vector<double> bounds_;
  // Per-bucket (not cumulative) counts, last slot is +Inf; a mutex keeps sum and count
  // consistent with the buckets in one scrape.
  mutable std::mutex mu_;
  std::vector<std::uint64_t> counts_;
  double sum_ = 0.0;
};

// Default HTTP latency buckets (seconds), as in the Prometheus client libraries.
std::vector<double> default_buckets();

template <typename Child>
class Family {
 public:
  // Returns the child for `labels`, creating it on first use. Throws std::invalid_argument on a
  // bad label name or a label set whose names differ from the family's declared names.
  Child& labels(const Labels& labels);
  Child& operator()(const Labels& l) { return labels(l); }

 private:
  friend class Registry;
  Family(std::vector<std::string> label_names, std::function<std::unique_ptr<Child>()> make);
  std::vector<std::string> label_names_;
  std::function<std::unique_ptr<Child>()> make_;
  mutable std::mutex mu_;
  std::map<Labels, std::unique_ptr<Child>> children_;
};

extern template class Family<Counter>;
extern template class Family<Gauge>;
extern template class Family<Histogram>;

struct Sample {
  Labels labels;
  double value = 0.0;
};
using Collector = std::function<std::vector<Sample>()>;

class Registry {
 public:
  Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;
  ~Registry();

  // Asking twice for the same name returns the same family; asking with another type, other
  // label names or (for histograms) other buckets throws std::logic_error. Names must match
  // [a-zA-Z_:][a-zA-Z0-9_:]* (std::invalid_argument otherwise).
  Family<Counter>& counter(std::string_view name, std::string_view help,
                           std::vector<std::string> label_names = {});
  Family<Gauge>& gauge(std::string_view name, std::string_view help,
                       std::vector<std::string> label_names = {});
  Family<Histogram>& histogram(std::string_view name, std::string_view help,
                               std::vector<std::string> label_names,
                               std::vector<double> bounds = default_buckets());

  // A family whose samples are produced at scrape time (type counter or gauge). The collector
  // runs on the scraping thread without the registry lock held; if it throws, the family is
  // exposed with no samples and careerlink_metrics_collector_errors_total{family} goes up.
  // Registering the same name again replaces the collector.
  void add_collector(std::string_view name, std::string_view help, Type type, Collector collect);

  // Prometheus text format 0.0.4, families sorted by name.
  [[nodiscard]] std::string expose() const;

 private:
  struct Entry;
  Entry& find_or_add(std::string_view name, std::string_view help, Type type,
                     const std::vector<std::string>& label_names);
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Entry>, std::less<>> entries_;
};

// The process-wide registry the daemon's components report into.
Registry& default_registry();

// Exposition helpers, public for tests and for hand-written exporters.
std::string escape_label_value(std::string_view v);  // \ -> \\, " -> \", newline -> \n
std::string escape_help(std::string_view v);         // \ -> \\, newline -> \n
std::string format_value(double v);                  // shortest round-trip, NaN, +Inf, -Inf
bool valid_metric_name(std::string_view name);
bool valid_label_name(std::string_view name);

}  // namespace careerlink::metrics
