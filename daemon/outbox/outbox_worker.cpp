#include "daemon/outbox/outbox_worker.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <string>
#include <utility>
#include <vector>

namespace careerlink::outbox {

namespace {

std::string hours_text(std::chrono::seconds s) {
  return std::to_string(std::chrono::duration_cast<std::chrono::hours>(s).count()) + " h";
}

}  // namespace

OutboxWorker::OutboxWorker(Store& store, Sink& sink, WorkerOptions options, Clock clock,
                           UnitRandom random)
    : store_(store),
      sink_(sink),
      options_(std::move(options)),
      clock_(std::move(clock)),
      random_(random ? std::move(random) : default_unit_random()) {
  if (options_.batch_size == 0) options_.batch_size = 1;
}

StoreResult<DrainReport> OutboxWorker::drain_once(TimePoint now, std::stop_token stop) {
  std::lock_guard serial(drain_mutex_);
  const std::string_view sink_name = sink_.name();
  auto leased = store_.lease_outbox(sink_name, options_.batch_size, now, options_.lease);
  if (!leased) {
    ++counters_.store_errors;
    spdlog::error("outbox {}: cannot lease messages: {}", sink_name, leased.error().message);
    return std::unexpected(leased.error());
  }
  DrainReport report;
  report.leased = leased->size();
  if (leased->empty()) return report;

  auto record = [&](StoreResult<void> done, std::int64_t id, std::string_view what) {
    if (done) return;
    // The message stays leased and comes back when the lease ends: one more delivery, not a
    // lost one.
    ++counters_.store_errors;
    spdlog::error("outbox {}: cannot {} message {}: {}", sink_name, what, id, done.error().message);
  };
  auto dead_letter = [&](const OutboxMessage& m, const std::string& reason) {
    ++report.dead;
    ++counters_.dead;
    spdlog::warn("outbox {}: message {} dead-lettered after {} attempt(s): {}", sink_name, m.id,
                 m.attempts, reason);
    record(store_.dead_letter_outbox(m.id, reason), m.id, "dead-letter");
  };

  // Attempts are counted at lease, so a count past the limit means the earlier deliveries never
  // reported back (the process died with them leased): stop a message that kills the process
  // from doing so for ever.
  std::vector<OutboxMessage> batch;
  batch.reserve(leased->size());
  for (auto& m : *leased) {
    if (options_.max_attempts > 0 && m.attempts > options_.max_attempts) {
      dead_letter(m, "gave up after " + std::to_string(m.attempts - 1) +
                         " attempts (the last did not finish: lease expired); last error: " +
                         m.last_error.value_or("none"));
    } else {
      batch.push_back(std::move(m));
    }
  }
  if (batch.empty()) return report;

  std::vector<DeliveryResult> results;
  try {
    results = sink_.deliver(batch, DeliveryContext{now, stop});
  } catch (const std::exception& e) {
    ++counters_.sink_exceptions;
    spdlog::error("outbox {}: sink failed on a batch of {}: {}", sink_name, batch.size(), e.what());
    results.assign(batch.size(), DeliveryResult::retry(std::string("sink error: ") + e.what()));
  } catch (...) {
    ++counters_.sink_exceptions;
    spdlog::error("outbox {}: sink failed on a batch of {}", sink_name, batch.size());
    results.assign(batch.size(), DeliveryResult::retry("sink error"));
  }
  if (results.size() != batch.size()) {
    spdlog::error("outbox {}: sink gave {} results for {} messages", sink_name, results.size(),
                  batch.size());
    results.resize(batch.size(), DeliveryResult::retry("sink gave no result for this message"));
  }

  // Acks first, in one call: a delivered message not marked so is the one that would be sent
  // twice.
  std::vector<std::int64_t> ok_ids;
  for (std::size_t i = 0; i < batch.size(); ++i)
    if (results[i].kind == DeliveryResult::Kind::ok) ok_ids.push_back(batch[i].id);
  if (!ok_ids.empty()) {
    report.ok = ok_ids.size();
    counters_.ok += ok_ids.size();
    if (auto acked = store_.ack_outbox(ok_ids, now); !acked) {
      ++counters_.store_errors;
      spdlog::error("outbox {}: cannot ack {} delivered message(s): {}", sink_name, ok_ids.size(),
                    acked.error().message);
    }
  }

  for (std::size_t i = 0; i < batch.size(); ++i) {
    const OutboxMessage& m = batch[i];
    DeliveryResult& r = results[i];
    switch (r.kind) {
      case DeliveryResult::Kind::ok:
        break;
      case DeliveryResult::Kind::fail:
        dead_letter(m, r.reason.empty() ? "failed permanently (no reason given)" : r.reason);
        break;
      case DeliveryResult::Kind::retry: {
        if (r.reason.empty()) r.reason = "retry (no reason given)";
        if (options_.max_attempts > 0 && m.attempts >= options_.max_attempts) {
          dead_letter(m, "gave up after " + std::to_string(m.attempts) +
                             " attempts; last error: " + r.reason);
          break;
        }
        if (options_.max_age.count() > 0 && now - m.created_at >= options_.max_age) {
          dead_letter(m, "gave up: older than " + hours_text(options_.max_age) +
                             "; last error: " + r.reason);
          break;
        }
        auto after = r.retry_after;
        if (after) after = std::min(*after, options_.max_retry_after);
        // At least 1 ms, so drain() at a fixed `now` never leases the same message again.
        const auto delay = std::max(retry_delay(options_.backoff, m.attempts, random_(), after),
                                    std::chrono::milliseconds(1));
        ++report.retried;
        ++counters_.retry;
        spdlog::info("outbox {}: message {} attempt {} to retry in {} ms: {}", sink_name, m.id,
                     m.attempts, delay.count(), r.reason);
        record(store_.retry_outbox(m.id, now + delay, r.reason), m.id, "reschedule");
        break;
      }
    }
  }
  return report;
}

StoreResult<DrainReport> OutboxWorker::drain(TimePoint now, std::stop_token stop,
                                             std::size_t max_batches) {
  DrainReport total;
  for (std::size_t i = 0; i < max_batches && !stop.stop_requested(); ++i) {
    auto report = drain_once(now, stop);
    if (!report) return std::unexpected(report.error());
    total.leased += report->leased;
    total.ok += report->ok;
    total.retried += report->retried;
    total.dead += report->dead;
    if (report->leased < options_.batch_size) break;
  }
  return total;
}

void OutboxWorker::run(std::stop_token stop) {
  spdlog::info("outbox {}: worker started", sink_.name());
  while (!stop.stop_requested()) {
    auto report = drain_once(clock_(), stop);
    // A full batch means more may be due now; otherwise (or after an error) wait.
    if (report && report->leased == options_.batch_size) continue;
    std::unique_lock lock(wake_mutex_);
    wake_cv_.wait_for(lock, stop, options_.poll_interval, [this] { return woken_; });
    woken_ = false;
  }
  spdlog::info("outbox {}: worker stopped", sink_.name());
}

void OutboxWorker::wake() {
  {
    std::lock_guard lock(wake_mutex_);
    woken_ = true;
  }
  wake_cv_.notify_all();
}

}  // namespace careerlink::outbox
