// The metrics registry and its Prometheus text exposition.
#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>
#include <string>

#include "daemon/metrics/metrics.hpp"

namespace careerlink::metrics {
namespace {

bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

TEST(Metrics, CounterWithHelpTypeAndEscapedLabels) {
  Registry r;
  auto& deliveries = r.counter("careerlink_deliveries_total",
                               "Deliveries by sink and result.\nPer message.", {"sink", "result"});
  deliveries.labels({{"sink", "tracker"}, {"result", "ok"}}).inc(3);
  deliveries
      .labels({{"sink", R"(we"ird\sink)"
                        "\n2"},
               {"result", "fail"}})
      .inc();
  deliveries.labels({{"sink", "tracker"}, {"result", "ok"}})
      .inc(-5);  // ignored: counters only rise
  std::string text = r.expose();
  EXPECT_TRUE(contains(
      text, "# HELP careerlink_deliveries_total Deliveries by sink and result.\\nPer message.\n"))
      << text;
  EXPECT_TRUE(contains(text, "# TYPE careerlink_deliveries_total counter\n")) << text;
  EXPECT_TRUE(contains(text, "careerlink_deliveries_total{result=\"ok\",sink=\"tracker\"} 3\n"))
      << text;
  EXPECT_TRUE(contains(
      text, "careerlink_deliveries_total{result=\"fail\",sink=\"we\\\"ird\\\\sink\\n2\"} 1\n"))
      << text;
}

TEST(Metrics, SameNameReturnsSameFamilyOtherTypeThrows) {
  Registry r;
  auto& a = r.counter("x_total", "x", {"k"});
  auto& b = r.counter("x_total", "x", {"k"});
  EXPECT_EQ(&a, &b);
  EXPECT_THROW(r.gauge("x_total", "x", {"k"}), std::logic_error);
  EXPECT_THROW(r.counter("x_total", "x", {"other"}), std::logic_error);
  EXPECT_THROW(r.counter("bad-name", "x"), std::invalid_argument);
  EXPECT_THROW(a.labels({{"wrong", "v"}}), std::invalid_argument);
}

TEST(Metrics, GaugeSetIncDec) {
  Registry r;
  auto& g = r.gauge("careerlink_job_last_success_timestamp_seconds", "Last success.", {"job"});
  g.labels({{"job", "nightly"}}).set(1700000000);
  g.labels({{"job", "pull"}}).inc(2.5);
  g.labels({{"job", "pull"}}).dec(1);
  std::string text = r.expose();
  EXPECT_TRUE(contains(text, "# TYPE careerlink_job_last_success_timestamp_seconds gauge\n"));
  EXPECT_TRUE(
      contains(text, "careerlink_job_last_success_timestamp_seconds{job=\"nightly\"} 1700000000\n"))
      << text;
  EXPECT_TRUE(contains(text, "careerlink_job_last_success_timestamp_seconds{job=\"pull\"} 1.5\n"))
      << text;
}

TEST(Metrics, HistogramBucketsAreCumulativeWithInfSumCount) {
  Registry r;
  auto& h =
      r.histogram("careerlink_http_request_duration_seconds", "Latency.", {"route"}, {0.1, 1, 5});
  auto& child = h.labels({{"route", "/healthz"}});
  child.observe(0.05);
  child.observe(0.1);  // le is inclusive
  child.observe(0.7);
  child.observe(30);
  std::string text = r.expose();
  EXPECT_TRUE(contains(text, "# TYPE careerlink_http_request_duration_seconds histogram\n"));
  const std::string p = "careerlink_http_request_duration_seconds";
  EXPECT_TRUE(contains(text, p + "_bucket{route=\"/healthz\",le=\"0.1\"} 2\n")) << text;
  EXPECT_TRUE(contains(text, p + "_bucket{route=\"/healthz\",le=\"1\"} 3\n")) << text;
  EXPECT_TRUE(contains(text, p + "_bucket{route=\"/healthz\",le=\"5\"} 3\n")) << text;
  EXPECT_TRUE(contains(text, p + "_bucket{route=\"/healthz\",le=\"+Inf\"} 4\n")) << text;
  EXPECT_TRUE(contains(text, p + "_sum{route=\"/healthz\"} 30.85\n")) << text;
  EXPECT_TRUE(contains(text, p + "_count{route=\"/healthz\"} 4\n")) << text;
  EXPECT_THROW(Histogram({1, 1}), std::invalid_argument);
}

TEST(Metrics, CollectorRunsAtScrapeTime) {
  Registry r;
  int queued = 1;
  r.add_collector("careerlink_outbox_messages", "Outbox messages by sink and state.", Type::gauge,
                  [&] {
                    return std::vector<Sample>{
                        {{{"sink", "tracker"}, {"state", "queued"}}, static_cast<double>(queued)},
                        {{{"sink", "tracker"}, {"state", "dead"}}, 0}};
                  });
  EXPECT_TRUE(
      contains(r.expose(), "careerlink_outbox_messages{sink=\"tracker\",state=\"queued\"} 1\n"));
  queued = 7;
  std::string text = r.expose();
  EXPECT_TRUE(contains(text, "careerlink_outbox_messages{sink=\"tracker\",state=\"queued\"} 7\n"))
      << text;
  EXPECT_TRUE(contains(text, "careerlink_outbox_messages{sink=\"tracker\",state=\"dead\"} 0\n"))
      << text;
}

TEST(Metrics, ThrowingCollectorIsCountedNotFatal) {
  Registry r;
  r.add_collector("careerlink_source_records_total", "Records.", Type::counter,
                  []() -> std::vector<Sample> { throw std::runtime_error("store closed"); });
  std::string first = r.expose();
  EXPECT_TRUE(contains(first, "# TYPE careerlink_source_records_total counter\n"));
  std::string second = r.expose();
  EXPECT_TRUE(contains(
      second,
      "careerlink_metrics_collector_errors_total{family=\"careerlink_source_records_total\"} 1\n"))
      << second;
}

TEST(Metrics, FormatValue) {
  EXPECT_EQ(format_value(3), "3");
  EXPECT_EQ(format_value(0.25), "0.25");
  EXPECT_EQ(format_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_value(std::numeric_limits<double>::quiet_NaN()), "NaN");
}

}  // namespace
}  // namespace careerlink::metrics
