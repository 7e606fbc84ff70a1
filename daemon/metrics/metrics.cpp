#include "daemon/metrics/metrics.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <variant>

namespace careerlink::metrics {

void Counter::inc(double delta) {
  if (!(delta > 0.0)) return;  // also drops NaN
  value_.fetch_add(delta, std::memory_order_relaxed);
}

void Gauge::set_to_current_time() {
  using namespace std::chrono;
  set(duration<double>(system_clock::now().time_since_epoch()).count());
}

Histogram::Histogram(std::vector<double> bounds) : bounds_(std::move(bounds)) {
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    if (!std::isfinite(bounds_[i]) || (i > 0 && !(bounds_[i] > bounds_[i - 1])))
      throw std::invalid_argument("histogram bounds must be finite and strictly increasing");
  }
  counts_.assign(bounds_.size() + 1, 0);
}

void Histogram::observe(double v) {
  // First bound >= v: Prometheus buckets are "less than or equal".
  auto idx = static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), v) -
                                      bounds_.begin());
  std::lock_guard lock(mu_);
  ++counts_[idx];
  sum_ += v;
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.bounds = bounds_;
  std::lock_guard lock(mu_);
  std::uint64_t running = 0;
  for (auto c : counts_) {
    running += c;
    s.cumulative.push_back(running);
  }
  s.count = running;
  s.sum = sum_;
  return s;
}

std::vector<double> default_buckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0};
}

bool valid_metric_name(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

bool valid_label_name(std::string_view name) {
  if (name.empty() || name.starts_with("__")) return false;  // __ is reserved by Prometheus
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

std::string escape_label_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string escape_help(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  // Whole numbers (counts, Unix timestamps) print as integers, not 1.7e+09.
  if (v == std::trunc(v) && std::fabs(v) < 9007199254740992.0)
    return std::to_string(static_cast<long long>(v));
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);  // shortest form that round-trips
  return std::string(buf, res.ptr);
}

namespace {

void check_label_names(const std::vector<std::string>& names) {
  for (const auto& n : names) {
    if (!valid_label_name(n) || n == "le") throw std::invalid_argument("invalid label name: " + n);
  }
}

std::string type_name(Type t) {
  switch (t) {
    case Type::counter:
      return "counter";
    case Type::gauge:
      return "gauge";
    case Type::histogram:
      return "histogram";
  }
  return "untyped";
}

// {a="x",b="y"} with an optional extra label appended last (used for "le").
void append_labels(std::string& out, const Labels& labels, std::string_view extra_name = {},
                   std::string_view extra_value = {}) {
  if (labels.empty() && extra_name.empty()) return;
  out += '{';
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ',';
    first = false;
    out += k;
    out += "=\"";
    out += escape_label_value(v);
    out += '"';
  }
  if (!extra_name.empty()) {
    if (!first) out += ',';
    out += extra_name;
    out += "=\"";
    out += extra_value;
    out += '"';
  }
  out += '}';
}

void append_sample(std::string& out, std::string_view name, const Labels& labels, double value,
                   std::string_view extra_name = {}, std::string_view extra_value = {}) {
  out += name;
  append_labels(out, labels, extra_name, extra_value);
  out += ' ';
  out += format_value(value);
  out += '\n';
}

}  // namespace

template <typename Child>
Family<Child>::Family(std::vector<std::string> label_names,
                      std::function<std::unique_ptr<Child>()> make)
    : label_names_(std::move(label_names)), make_(std::move(make)) {}

template <typename Child>
Child& Family<Child>::labels(const Labels& labels) {
  // Same names as declared, so a family's series all carry one label schema.
  bool same = labels.size() == label_names_.size() &&
              std::all_of(label_names_.begin(), label_names_.end(),
                          [&](const std::string& n) { return labels.contains(n); });
  if (!same) throw std::invalid_argument("label names do not match the metric family");
  std::lock_guard lock(mu_);
  auto it = children_.find(labels);
  if (it == children_.end()) it = children_.emplace(labels, make_()).first;
  return *it->second;
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

struct Registry::Entry {
  std::string name;
  std::string help;
  Type type = Type::gauge;
  std::vector<std::string> label_names;
  std::vector<double> bounds;
  std::variant<std::monostate, std::unique_ptr<Family<Counter>>, std::unique_ptr<Family<Gauge>>,
               std::unique_ptr<Family<Histogram>>, Collector>
      impl;
};

Registry::Registry() = default;
Registry::~Registry() = default;

Registry::Entry& Registry::find_or_add(std::string_view name, std::string_view help, Type type,
                                       const std::vector<std::string>& label_names) {
  if (!valid_metric_name(name))
    throw std::invalid_argument("invalid metric name: " + std::string(name));
  check_label_names(label_names);
  auto it = entries_.find(name);
  if (it != entries_.end()) {
    auto& e = *it->second;
    if (e.type != type || e.label_names != label_names || std::holds_alternative<Collector>(e.impl))
      throw std::logic_error("metric " + std::string(name) +
                             " already registered with another type or labels");
    return e;
  }
  auto e = std::make_unique<Entry>();
  e->name = name;
  e->help = help;
  e->type = type;
  e->label_names = label_names;
  return *entries_.emplace(std::string(name), std::move(e)).first->second;
}

Family<Counter>& Registry::counter(std::string_view name, std::string_view help,
                                   std::vector<std::string> label_names) {
  std::lock_guard lock(mu_);
  auto& e = find_or_add(name, help, Type::counter, label_names);
  if (std::holds_alternative<std::monostate>(e.impl)) {
    e.impl = std::unique_ptr<Family<Counter>>(
        new Family<Counter>(std::move(label_names), [] { return std::make_unique<Counter>(); }));
  }
  return *std::get<std::unique_ptr<Family<Counter>>>(e.impl);
}

Family<Gauge>& Registry::gauge(std::string_view name, std::string_view help,
                               std::vector<std::string> label_names) {
  std::lock_guard lock(mu_);
  auto& e = find_or_add(name, help, Type::gauge, label_names);
  if (std::holds_alternative<std::monostate>(e.impl)) {
    e.impl = std::unique_ptr<Family<Gauge>>(
        new Family<Gauge>(std::move(label_names), [] { return std::make_unique<Gauge>(); }));
  }
  return *std::get<std::unique_ptr<Family<Gauge>>>(e.impl);
}

Family<Histogram>& Registry::histogram(std::string_view name, std::string_view help,
                                       std::vector<std::string> label_names,
                                       std::vector<double> bounds) {
  Histogram probe(bounds);  // validates the bounds before anything is registered
  std::lock_guard lock(mu_);
  auto& e = find_or_add(name, help, Type::histogram, label_names);
  if (std::holds_alternative<std::monostate>(e.impl)) {
    e.bounds = bounds;
    e.impl = std::unique_ptr<Family<Histogram>>(
        new Family<Histogram>(std::move(label_names),
                              [b = std::move(bounds)] { return std::make_unique<Histogram>(b); }));
  } else if (e.bounds != bounds) {
    throw std::logic_error("histogram " + std::string(name) + " already has other buckets");
  }
  return *std::get<std::unique_ptr<Family<Histogram>>>(e.impl);
}

void Registry::add_collector(std::string_view name, std::string_view help, Type type,
                             Collector collect) {
  if (type == Type::histogram) throw std::invalid_argument("collectors are counters or gauges");
  if (!valid_metric_name(name))
    throw std::invalid_argument("invalid metric name: " + std::string(name));
  std::lock_guard lock(mu_);
  auto it = entries_.find(name);
  if (it != entries_.end()) {
    if (!std::holds_alternative<Collector>(it->second->impl) || it->second->type != type)
      throw std::logic_error("metric " + std::string(name) + " already registered");
    // Entries are never destroyed while the registry lives (expose() reads them unlocked).
    it->second->impl = std::move(collect);
    return;
  }
  auto e = std::make_unique<Entry>();
  e->name = name;
  e->help = help;
  e->type = type;
  e->impl = std::move(collect);
  entries_.emplace(std::string(name), std::move(e));
}

std::string Registry::expose() const {
  // Copy what is needed under the lock, then format (and run collectors) without it, so a
  // collector that reads the store or registers a metric cannot deadlock the registry.
  struct Item {
    const Entry* entry;
    Collector collect;
  };
  std::vector<Item> items;
  {
    std::lock_guard lock(mu_);
    for (const auto& [name, e] : entries_) {
      Collector c;
      if (const auto* cp = std::get_if<Collector>(&e->impl)) c = *cp;
      items.push_back({e.get(), std::move(c)});
    }
  }
  std::string out;
  std::vector<std::string> failed;
  for (const auto& item : items) {
    const Entry& e = *item.entry;
    out += "# HELP " + e.name + " " + escape_help(e.help) + "\n";
    out += "# TYPE " + e.name + " " + type_name(e.type) + "\n";
    if (item.collect) {
      std::vector<Sample> samples;
      try {
        samples = item.collect();
      } catch (...) {
        failed.push_back(e.name);
        continue;
      }
      std::sort(samples.begin(), samples.end(),
                [](const Sample& a, const Sample& b) { return a.labels < b.labels; });
      for (const auto& s : samples) {
        bool bad = std::any_of(s.labels.begin(), s.labels.end(), [](const auto& kv) {
          return !valid_label_name(kv.first) || kv.first == "le";
        });
        if (bad) {
          failed.push_back(e.name);
          break;
        }
        append_sample(out, e.name, s.labels, s.value);
      }
    } else if (const auto* f = std::get_if<std::unique_ptr<Family<Counter>>>(&e.impl)) {
      std::lock_guard lock((*f)->mu_);
      for (const auto& [labels, c] : (*f)->children_)
        append_sample(out, e.name, labels, c->value());
    } else if (const auto* g = std::get_if<std::unique_ptr<Family<Gauge>>>(&e.impl)) {
      std::lock_guard lock((*g)->mu_);
      for (const auto& [labels, c] : (*g)->children_)
        append_sample(out, e.name, labels, c->value());
    } else if (const auto* h = std::get_if<std::unique_ptr<Family<Histogram>>>(&e.impl)) {
      std::lock_guard lock((*h)->mu_);
      for (const auto& [labels, hist] : (*h)->children_) {
        auto snap = hist->snapshot();
        for (std::size_t i = 0; i < snap.bounds.size(); ++i) {
          append_sample(out, e.name + "_bucket", labels, static_cast<double>(snap.cumulative[i]),
                        "le", format_value(snap.bounds[i]));
        }
        append_sample(out, e.name + "_bucket", labels, static_cast<double>(snap.count), "le",
                      "+Inf");
        append_sample(out, e.name + "_sum", labels, snap.sum);
        append_sample(out, e.name + "_count", labels, static_cast<double>(snap.count));
      }
    }
  }
  // Reported on the next scrape too: this counter lives in the registry like any other.
  if (!failed.empty()) {
    auto& errors = const_cast<Registry*>(this)->counter(
        "careerlink_metrics_collector_errors_total",
        "Scrape-time metric collectors that threw or returned bad labels.", {"family"});
    for (const auto& name : failed)
      errors.labels({{"family", name}}).inc();
  }
  return out;
}

Registry& default_registry() {
  static Registry registry;
  return registry;
}

}  // namespace careerlink::metrics
