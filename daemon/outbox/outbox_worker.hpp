// The delivery worker for one sink: lease due messages, hand them to the sink in a batch, then
// ack the delivered ones, back off the ones to retry, and dead-letter the failed and the
// exhausted. At-least-once: a message is acked only after the sink said ok, so a crash between
// the two means one more delivery under the same idempotency key, never a lost one.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/outbox/backoff.hpp"
#include "daemon/outbox/sink.hpp"
#include "daemon/store/store.hpp"

namespace careerlink::outbox {

struct WorkerOptions {
  std::size_t batch_size = 100;
  // How long a leased batch is ours; past it (the process died mid-delivery) it is due again.
  // Must be longer than the sink's worst-case delivery time, or a slow batch is sent twice.
  std::chrono::seconds lease{60};
  BackoffPolicy backoff{};
  // After this many attempts a message that still fails is dead-lettered (0: no limit).
  int max_attempts = 48;
  // A message this old (since enqueue) that fails again is dead-lettered (0: no limit).
  std::chrono::seconds max_age{std::chrono::hours(24 * 7)};
  // A far side's Retry-After is honoured up to this long.
  std::chrono::seconds max_retry_after{std::chrono::hours(24)};
  // How often run() looks for due messages when there was nothing to do.
  std::chrono::milliseconds poll_interval{std::chrono::seconds(5)};
};

// Outcomes since the worker started, for /metrics (deliveries by result).
struct WorkerCounters {
  std::atomic<std::uint64_t> ok{0};
  std::atomic<std::uint64_t> retry{0};
  std::atomic<std::uint64_t> dead{0};
  std::atomic<std::uint64_t> sink_exceptions{0};  // batches the sink threw on
  std::atomic<std::uint64_t> store_errors{0};     // store calls that failed
};

// What a drain_once or drain did.
struct DrainReport {
  std::size_t leased = 0;
  std::size_t ok = 0;
  std::size_t retried = 0;
  std::size_t dead = 0;
  bool more = false;  // the last lease was a full batch: more may be due now
};

using Clock = std::function<TimePoint()>;

class OutboxWorker {
 public:
  // `store` must be this worker's own Store (its own connection): a transaction is per
  // connection, so sharing one with an importer would put the worker's acks inside the
  // importer's transaction. `sink` and `store` must outlive the worker.
  OutboxWorker(
      Store& store, Sink& sink, WorkerOptions options,
      Clock clock = [] { return std::chrono::system_clock::now(); },
      UnitRandom random = default_unit_random());
  OutboxWorker(const OutboxWorker&) = delete;
  OutboxWorker& operator=(const OutboxWorker&) = delete;

  // Leases one batch due at `now`, delivers it and records each outcome. An error only when the
  // lease itself failed; failures recording outcomes are logged and counted (those messages
  // come back when their lease ends).
  StoreResult<DrainReport> drain_once(TimePoint now, std::stop_token stop = {});
  // drain_once and drain may be called from any thread; calls run one at a time.
  // Batches until nothing is due at `now` (or `max_batches`, or stop, or a batch of which
  // nothing was delivered): the "drain a sink" job. Retried messages are due after `now`, so
  // this ends. The next batch is leased while the current one is with the sink.
  StoreResult<DrainReport> drain(TimePoint now, std::stop_token stop = {},
                                 std::size_t max_batches = 1000);

  // The service loop: drains, sleeps poll_interval when idle, and returns promptly once `stop`
  // is requested, after finishing the batch in flight.
  void run(const std::stop_token& stop);
  // Wakes run() now (e.g. after a commit that enqueued for this sink).
  void wake();

  [[nodiscard]] const WorkerCounters& counters() const { return counters_; }
  [[nodiscard]] const WorkerOptions& options() const { return options_; }

 private:
  struct Leased {
    std::vector<OutboxMessage> batch;  // to deliver (exhausted ones already dead-lettered)
    bool full = false;                 // as many leased as asked for
  };
  StoreResult<Leased> lease_batch(TimePoint now, DrainReport& report);
  std::vector<DeliveryResult> deliver(std::span<const OutboxMessage> batch, TimePoint now,
                                      std::stop_token stop);
  void record(const std::vector<OutboxMessage>& batch, std::vector<DeliveryResult>& results,
              TimePoint now, DrainReport& report);
  void release(const std::vector<OutboxMessage>& batch, TimePoint now, DrainReport& report);
  void dead_letter(const OutboxMessage& m, DrainReport& report, const std::string& reason);
  void note_store(StoreResult<void> done, std::int64_t id, std::string_view what);

  Store& store_;
  Sink& sink_;
  WorkerOptions options_;
  Clock clock_;
  UnitRandom random_;
  WorkerCounters counters_;
  // One batch at a time: a scheduled drain job and run() may share this worker, and its store
  // connection and sink are not for two threads at once.
  std::mutex drain_mutex_;
  std::mutex wake_mutex_;
  std::condition_variable_any wake_cv_;
  bool woken_ = false;
};

}  // namespace careerlink::outbox
