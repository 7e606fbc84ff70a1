#include "daemon/outbox/outbox_worker.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <future>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace careerlink::outbox {

namespace {

constexpr std::size_t kBatchesPerRound = 50;

std::string hours_text(std::chrono::seconds s) {
  return std::to_string(std::chrono::duration_cast<std::chrono::hours>(s).count()) + " h";
}

}  // namespace

OutboxWorker::OutboxWorker(Store& store, Sink& sink, WorkerOptions options, Clock clock,
                           UnitRandom random)
    : store_(store),
      sink_(sink),
      options_(options),
      clock_(std::move(clock)),
      random_(random ? std::move(random) : default_unit_random()) {
  if (options_.batch_size == 0) options_.batch_size = 1;
}

void OutboxWorker::note_store(StoreResult<void> done, std::int64_t id, std::string_view what) {
  if (done) return;
  // The message stays leased and comes back when the lease ends: one more delivery, not a
  // lost one.
  ++counters_.store_errors;
  spdlog::error("outbox {}: cannot {} message {}: {}", sink_.name(), what, id,
                done.error().message);
}

void OutboxWorker::dead_letter(const OutboxMessage& m, DrainReport& report,
                               const std::string& reason) {
  ++report.dead;
  ++counters_.dead;
  spdlog::warn("outbox {}: message {} dead-lettered after {} attempt(s): {}", sink_.name(), m.id,
               m.attempts, reason);
  note_store(store_.dead_letter_outbox(m.id, reason), m.id, "dead-letter");
}

StoreResult<OutboxWorker::Leased> OutboxWorker::lease_batch(TimePoint now, DrainReport& report) {
  const std::string_view sink_name = sink_.name();
  auto leased = store_.lease_outbox(sink_name, options_.batch_size, now, options_.lease);
  if (!leased) {
    ++counters_.store_errors;
    spdlog::error("outbox {}: cannot lease messages: {}", sink_name, leased.error().message);
    return std::unexpected(leased.error());
  }
  report.leased += leased->size();
  Leased out;
  out.full = leased->size() >= options_.batch_size;
  std::vector<OutboxMessage>& batch = out.batch;
  batch.reserve(leased->size());
  // Attempts are counted at lease, so a count past the limit means the earlier deliveries never
  // reported back (the process died with them leased): stop a message that kills the process
  // from doing so for ever.
  for (auto& m : *leased) {
    if (options_.max_attempts > 0 && m.attempts > options_.max_attempts) {
      dead_letter(m, report,
                  "gave up after " + std::to_string(m.attempts - 1) +
                      " attempts (the last did not finish: lease expired); last error: " +
                      m.last_error.value_or("none"));
    } else {
      batch.push_back(std::move(m));
    }
  }
  return out;
}

std::vector<DeliveryResult> OutboxWorker::deliver(std::span<const OutboxMessage> batch,
                                                  TimePoint now, std::stop_token stop) {
  const std::string_view sink_name = sink_.name();
  std::vector<DeliveryResult> results;
  try {
    results = sink_.deliver(batch, DeliveryContext{now, std::move(stop)});
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

  return results;
}

void OutboxWorker::record(const std::vector<OutboxMessage>& batch,
                          std::vector<DeliveryResult>& results, TimePoint now,
                          DrainReport& report) {
  const std::string_view sink_name = sink_.name();
  // Acks first, in one call: a delivered message not marked so is the one that would be sent
  // twice.
  std::vector<std::int64_t> ok_ids;
  for (std::size_t i = 0; i < batch.size(); ++i)
    if (results[i].kind == DeliveryResult::Kind::ok) ok_ids.push_back(batch[i].id);
  if (!ok_ids.empty()) {
    report.ok += ok_ids.size();
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
        dead_letter(m, report,
                    r.reason.empty() ? "failed permanently (no reason given)" : r.reason);
        break;
      case DeliveryResult::Kind::retry: {
        if (r.reason.empty()) r.reason = "retry (no reason given)";
        if (options_.max_attempts > 0 && m.attempts >= options_.max_attempts) {
          dead_letter(
              m, report,
              "gave up after " + std::to_string(m.attempts) + " attempts; last error: " + r.reason);
          break;
        }
        if (options_.max_age.count() > 0 && now - m.created_at >= options_.max_age) {
          dead_letter(
              m, report,
              "gave up: older than " + hours_text(options_.max_age) + "; last error: " + r.reason);
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
        note_store(store_.retry_outbox(m.id, now + delay, r.reason), m.id, "reschedule");
        break;
      }
    }
  }
}

StoreResult<DrainReport> OutboxWorker::drain_once(TimePoint now, std::stop_token stop) {
  std::lock_guard serial(drain_mutex_);
  DrainReport report;
  auto leased = lease_batch(now, report);
  if (!leased) return std::unexpected(leased.error());
  report.more = leased->full;
  if (leased->batch.empty()) return report;
  auto results = deliver(leased->batch, now, std::move(stop));
  record(leased->batch, results, now, report);
  return report;
}

// Pipelined: while one batch is with the sink (on a helper thread), this thread records the
// outcome of the one before and leases the one after, so the store's work and the network's
// overlap. Only this thread touches the store.
StoreResult<DrainReport> OutboxWorker::drain(TimePoint now, std::stop_token stop,
                                             std::size_t max_batches) {
  std::lock_guard serial(drain_mutex_);
  DrainReport total;
  if (max_batches == 0) return total;
  auto current = lease_batch(now, total);
  if (!current) return std::unexpected(current.error());
  // A full lease of only exhausted messages (all dead-lettered): look again.
  for (std::size_t i = 1; current->batch.empty() && current->full && i < max_batches; ++i) {
    current = lease_batch(now, total);
    if (!current) return std::unexpected(current.error());
  }
  if (current->batch.empty()) {
    total.more = current->full;
    return total;
  }
  // By span: the messages stay where they are when their Leased moves to `current`.
  const auto send = [&](std::span<const OutboxMessage> batch) {
    try {
      return std::async(std::launch::async,
                        [this, batch, now, stop] { return deliver(batch, now, stop); });
    } catch (const std::system_error& e) {
      // No thread to be had (the system is out of them): deliver here, without the overlap.
      spdlog::warn("outbox {}: delivering without pipelining: {}", sink_.name(), e.what());
      std::promise<std::vector<DeliveryResult>> done;
      done.set_value(deliver(batch, now, stop));
      return done.get_future();
    }
  };
  auto delivery = send(current->batch);
  for (std::size_t i = 1;; ++i) {
    std::optional<StoreResult<Leased>> next;
    if (current->full && i < max_batches && !stop.stop_requested()) {
      next = lease_batch(now, total);
    }
    auto results = delivery.get();
    const bool any_ok = std::ranges::any_of(
        results, [](const DeliveryResult& r) { return r.kind == DeliveryResult::Kind::ok; });
    // Nothing got through (the far side is down or refusing): stop here rather than run the
    // whole backlog into the same wall.
    const bool go_on = next && *next && !(*next)->batch.empty() && any_ok && !stop.stop_requested();
    if (go_on) delivery = send((*next)->batch);
    record(current->batch, results, now, total);
    if (!go_on) {
      if (next && *next) release((*next)->batch, now, total);
      if (next && !*next) return std::unexpected(next->error());
      total.more = next && *next && (*next)->full && any_ok;
      return total;
    }
    current = std::move(*next);
  }
}

void OutboxWorker::release(const std::vector<OutboxMessage>& batch, TimePoint now,
                           DrainReport& report) {
  if (batch.empty()) return;
  std::vector<std::int64_t> ids;
  ids.reserve(batch.size());
  for (const auto& m : batch)
    ids.push_back(m.id);
  if (auto released = store_.release_outbox(ids, now); !released) {
    ++counters_.store_errors;
    spdlog::error("outbox {}: cannot give back {} leased message(s): {}", sink_.name(), ids.size(),
                  released.error().message);
    return;
  }
  report.leased -= ids.size();
}

void OutboxWorker::run(const std::stop_token& stop) {
  spdlog::info("outbox {}: worker started", sink_.name());
  while (!stop.stop_requested()) {
    // A bounded round, so `now` moves on under a long backlog.
    auto report = drain(clock_(), stop, kBatchesPerRound);
    // A full last batch means more may be due now; otherwise (or after an error) wait.
    if (report && report->more) continue;
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
