// The delivery worker against a real SQLite store and a scripted sink: every result class, the
// attempt and age limits, a sink that throws or answers short, and the service loop.
#include "daemon/outbox/outbox_worker.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <stdexcept>
#include <thread>

#include "tests/unit/outbox/outbox_test_support.hpp"

namespace careerlink::test {
namespace {

using namespace std::chrono_literals;
using outbox::DeliveryResult;
using outbox::OutboxWorker;
using outbox::WorkerOptions;

class OutboxWorkerTest : public OutboxStoreFixture {
 protected:
  WorkerOptions options() {
    WorkerOptions o;
    o.batch_size = 10;
    o.lease = 60s;
    o.backoff = {1000ms, 60000ms};
    o.max_attempts = 5;
    o.max_age = 24h;
    o.poll_interval = 1h;  // run() must be woken, never rely on polling in tests
    return o;
  }
  // A worker whose random draw is always `unit`.
  std::unique_ptr<OutboxWorker> worker(WorkerOptions o, double unit = 0.0) {
    return std::make_unique<OutboxWorker>(
        *store_, sink_, o, [] { return std::chrono::system_clock::now(); },
        [unit] { return unit; });
  }

  FakeSink sink_{"tracker"};
};

TEST_F(OutboxWorkerTest, OkIsAckedAsDelivered) {
  ASSERT_TRUE(enqueue("tracker", "a"));
  ASSERT_TRUE(enqueue("tracker", "b"));
  ASSERT_TRUE(enqueue("la", "c"));  // another sink's: not ours to deliver
  auto w = worker(options());
  auto report = w->drain_once(now_ms());
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->leased, 2u);
  EXPECT_EQ(report->ok, 2u);
  ASSERT_EQ(sink_.batches.size(), 1u);
  ASSERT_EQ(sink_.batches[0].size(), 2u);
  EXPECT_EQ(sink_.batches[0][0].idempotency_key, "a");
  EXPECT_EQ(sink_.batches[0][1].idempotency_key, "b");
  EXPECT_EQ(list(OutboxState::delivered).size(), 2u);
  EXPECT_EQ(list(OutboxState::pending, std::string("la")).size(), 1u);
  EXPECT_EQ(w->counters().ok.load(), 2u);
  EXPECT_EQ(w->counters().retry.load(), 0u);

  // Nothing is due any more, at any time.
  auto again = w->drain_once(now_ms() + 48h);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->leased, 0u);
  EXPECT_EQ(sink_.batches.size(), 1u);
}

TEST_F(OutboxWorkerTest, RetryIsRescheduledByTheBackoff) {
  ASSERT_TRUE(enqueue("tracker", "a"));
  sink_.answer(outbox::classify_http(503, std::nullopt, "HTTP 503"));
  auto w = worker(options(), 0.5);
  const auto t = now_ms();
  auto report = w->drain_once(t);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->retried, 1u);
  auto m = only();
  EXPECT_EQ(m.state, OutboxState::pending);
  EXPECT_EQ(m.attempts, 1);
  EXPECT_EQ(m.last_error, "HTTP 503");
  // attempts 1: uniform(1 s, 2 s) at 0.5 is 1.5 s.
  EXPECT_EQ(m.next_attempt_at, t + 1500ms);
  EXPECT_EQ(w->counters().retry.load(), 1u);

  // Second failure: attempts 2, uniform(1 s, 4 s) at 0.5 is 2.5 s.
  ASSERT_TRUE(w->drain_once(t + 1500ms));
  EXPECT_EQ(only().next_attempt_at, t + 1500ms + 2500ms);
  EXPECT_EQ(only().attempts, 2);
}

TEST_F(OutboxWorkerTest, LongerRetryAfterWins) {
  ASSERT_TRUE(enqueue("tracker", "a"));
  sink_.answer(outbox::classify_http(429, 600s, "HTTP 429"));
  auto w = worker(options());
  const auto t = now_ms();
  ASSERT_TRUE(w->drain_once(t));
  EXPECT_EQ(only().next_attempt_at, t + 600s);
  EXPECT_EQ(only().last_error, "HTTP 429");
}

TEST_F(OutboxWorkerTest, ShorterRetryAfterLosesToTheBackoff) {
  ASSERT_TRUE(enqueue("tracker", "a"));
  sink_.answer(outbox::classify_http(429, 0s, "HTTP 429"));
  auto w = worker(options(), 1.0);
  const auto t = now_ms();
  ASSERT_TRUE(w->drain_once(t));
  EXPECT_EQ(only().next_attempt_at, t + 2000ms);
}

TEST_F(OutboxWorkerTest, RetryAfterIsHonouredOnlyUpToItsLimit) {
  ASSERT_TRUE(enqueue("tracker", "a"));
  sink_.answer(outbox::classify_http(503, std::chrono::seconds(24h * 365), "HTTP 503"));
  auto o = options();
  o.max_retry_after = 1h;
  auto w = worker(o);
  const auto t = now_ms();
  ASSERT_TRUE(w->drain_once(t));
  EXPECT_EQ(only().next_attempt_at, t + 1h);
}

TEST_F(OutboxWorkerTest, NetworkErrorRetries) {
  ASSERT_TRUE(enqueue("tracker", "a"));
  sink_.answer(outbox::network_error("connection refused"));
  auto w = worker(options());
  ASSERT_TRUE(w->drain_once(now_ms()));
  EXPECT_EQ(only().state, OutboxState::pending);
  EXPECT_EQ(only().last_error, "connection refused");
}

TEST_F(OutboxWorkerTest, FailGoesToDeadLetterAtOnceWithTheReason) {
  ASSERT_TRUE(enqueue("tracker", "a"));
  sink_.answer(outbox::classify_http(422, std::nullopt, "HTTP 422: unknown UPN"));
  auto w = worker(options());
  auto report = w->drain_once(now_ms());
  ASSERT_TRUE(report);
  EXPECT_EQ(report->dead, 1u);
  auto m = only();
  EXPECT_EQ(m.state, OutboxState::dead);
  EXPECT_EQ(m.attempts, 1);
  EXPECT_EQ(m.last_error, "HTTP 422: unknown UPN");
  EXPECT_EQ(w->counters().dead.load(), 1u);
  // Dead letters are not delivered again until requeued.
  ASSERT_TRUE(w->drain_once(now_ms() + 48h));
  EXPECT_EQ(sink_.batches.size(), 1u);
}

TEST_F(OutboxWorkerTest, MixedResultsInOneBatchAreEachRecorded) {
  for (const char* k : {"ok", "retry", "fail"})
    ASSERT_TRUE(enqueue("tracker", k));
  sink_.handler = [](std::span<const OutboxMessage> batch, const outbox::DeliveryContext&) {
    std::vector<DeliveryResult> out;
    for (const auto& m : batch) {
      if (m.idempotency_key == "ok") out.push_back(DeliveryResult::ok());
      if (m.idempotency_key == "retry") out.push_back(DeliveryResult::retry("HTTP 502"));
      if (m.idempotency_key == "fail") out.push_back(DeliveryResult::fail("HTTP 400"));
    }
    return out;
  };
  auto w = worker(options());
  auto report = w->drain_once(now_ms());
  ASSERT_TRUE(report);
  EXPECT_EQ(report->ok, 1u);
  EXPECT_EQ(report->retried, 1u);
  EXPECT_EQ(report->dead, 1u);
  auto rows = list();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].state, OutboxState::delivered);
  EXPECT_EQ(rows[1].state, OutboxState::pending);
  EXPECT_EQ(rows[1].last_error, "HTTP 502");
  EXPECT_EQ(rows[2].state, OutboxState::dead);
  EXPECT_EQ(rows[2].last_error, "HTTP 400");
}

TEST_F(OutboxWorkerTest, TooManyAttemptsGoToDeadLetterWithTheLastError) {
  ASSERT_TRUE(enqueue("tracker", "a"));
  sink_.answer(DeliveryResult::retry("HTTP 500"));
  auto o = options();
  o.max_attempts = 3;
  auto w = worker(o);
  auto t = now_ms();
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(w->drain_once(t));
    EXPECT_EQ(only().state, OutboxState::pending);
    t = only().next_attempt_at;
  }
  ASSERT_TRUE(w->drain_once(t));
  auto m = only();
  EXPECT_EQ(m.state, OutboxState::dead);
  EXPECT_EQ(m.attempts, 3);
  EXPECT_EQ(m.last_error, "gave up after 3 attempts; last error: HTTP 500");
  EXPECT_EQ(sink_.delivered_count(), 3u);
}

TEST_F(OutboxWorkerTest, TooOldGoesToDeadLetterWhenItFailsAgain) {
  ASSERT_TRUE(enqueue("tracker", "a"));
  sink_.answer(DeliveryResult::retry("HTTP 503"));
  auto o = options();
  o.max_age = 2h;
  auto w = worker(o);
  const auto created = only().created_at;
  ASSERT_TRUE(w->drain_once(created + 1h));
  EXPECT_EQ(only().state, OutboxState::pending);
  ASSERT_TRUE(w->drain_once(created + 3h));
  auto m = only();
  EXPECT_EQ(m.state, OutboxState::dead);
  EXPECT_EQ(m.last_error, "gave up: older than 2 h; last error: HTTP 503");
}

TEST_F(OutboxWorkerTest, OldMessageThatSucceedsIsDelivered) {
  ASSERT_TRUE(enqueue("tracker", "a"));
  auto o = options();
  o.max_age = 1h;
  auto w = worker(o);
  ASSERT_TRUE(w->drain_once(only().created_at + 10h));
  EXPECT_EQ(only().state, OutboxState::delivered);
}

TEST_F(OutboxWorkerTest, ZeroLimitsMeanNoLimit) {
  ASSERT_TRUE(enqueue("tracker", "a"));
  sink_.answer(DeliveryResult::retry("HTTP 503"));
  auto o = options();
  o.max_attempts = 0;
  o.max_age = 0s;
  auto w = worker(o);
  auto t = only().created_at + 24h * 30;
  for (int i = 0; i < 8; ++i) {
    ASSERT_TRUE(w->drain_once(t));
    t = only().next_attempt_at;
  }
  EXPECT_EQ(only().state, OutboxState::pending);
  EXPECT_EQ(only().attempts, 8);
}

TEST_F(OutboxWorkerTest, SinkThatThrowsRetriesTheWholeBatch) {
  ASSERT_TRUE(enqueue("tracker", "a"));
  ASSERT_TRUE(enqueue("tracker", "b"));
  sink_.handler = [](std::span<const OutboxMessage>,
                     const outbox::DeliveryContext&) -> std::vector<DeliveryResult> {
    throw std::runtime_error("TLS context failed");
  };
  auto w = worker(options());
  auto report = w->drain_once(now_ms());
  ASSERT_TRUE(report);
  EXPECT_EQ(report->retried, 2u);
  for (const auto& m : list()) {
    EXPECT_EQ(m.state, OutboxState::pending);
    EXPECT_EQ(m.last_error, "sink error: TLS context failed");
  }
  EXPECT_EQ(w->counters().sink_exceptions.load(), 1u);
}

TEST_F(OutboxWorkerTest, MissingResultsAreRetriedNotLost) {
  ASSERT_TRUE(enqueue("tracker", "a"));
  ASSERT_TRUE(enqueue("tracker", "b"));
  sink_.handler = [](std::span<const OutboxMessage>, const outbox::DeliveryContext&) {
    return std::vector<DeliveryResult>{DeliveryResult::ok()};
  };
  auto w = worker(options());
  ASSERT_TRUE(w->drain_once(now_ms()));
  auto rows = list();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].state, OutboxState::delivered);
  EXPECT_EQ(rows[1].state, OutboxState::pending);
  EXPECT_EQ(rows[1].last_error, "sink gave no result for this message");
}

TEST_F(OutboxWorkerTest, CrashedDeliveryIsDeliveredAgainAfterTheLease) {
  ASSERT_TRUE(enqueue("tracker", "a"));
  const auto t = now_ms();
  // A previous process leased it and died before answering.
  ASSERT_TRUE(store_->lease_outbox("tracker", 10, t, 60s));
  auto w = worker(options());
  auto during = w->drain_once(t + 30s);
  ASSERT_TRUE(during);
  EXPECT_EQ(during->leased, 0u);
  ASSERT_TRUE(w->drain_once(t + 60s));
  ASSERT_EQ(sink_.delivered_count(), 1u);
  EXPECT_EQ(sink_.batches[0][0].attempts, 2);
  EXPECT_EQ(only().state, OutboxState::delivered);
}

TEST_F(OutboxWorkerTest, MessageWhoseDeliveriesNeverFinishIsDeadLetteredUndelivered) {
  ASSERT_TRUE(enqueue("tracker", "a"));
  auto o = options();
  o.max_attempts = 2;
  auto t = now_ms();
  // Two processes in a row died with it leased (a message that crashes the process).
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(store_->lease_outbox("tracker", 10, t, 60s));
    t += 60s;
  }
  auto w = worker(o);
  auto report = w->drain_once(t);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->dead, 1u);
  EXPECT_EQ(sink_.delivered_count(), 0u);
  auto m = only();
  EXPECT_EQ(m.state, OutboxState::dead);
  ASSERT_TRUE(m.last_error);
  EXPECT_NE(m.last_error->find("lease expired"), std::string::npos) << *m.last_error;
}

TEST_F(OutboxWorkerTest, RequeuedDeadLetterIsDeliveredAgain) {
  ASSERT_TRUE(enqueue("tracker", "a"));
  sink_.answer(DeliveryResult::fail("HTTP 401"));
  auto w = worker(options());
  const auto t = now_ms();
  ASSERT_TRUE(w->drain_once(t));
  ASSERT_EQ(only().state, OutboxState::dead);
  sink_.handler = nullptr;  // the operator fixed the credentials
  ASSERT_TRUE(store_->requeue_outbox(only().id, t + 1s).value());
  ASSERT_TRUE(w->drain_once(t + 1s));
  EXPECT_EQ(only().state, OutboxState::delivered);
  EXPECT_EQ(sink_.delivered_count(), 2u);
}

TEST_F(OutboxWorkerTest, DrainTakesEveryDueBatchAndEnds) {
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(enqueue("tracker", "k" + std::to_string(i)));
  auto o = options();
  o.batch_size = 2;
  auto w = worker(o);
  auto report = w->drain(now_ms());
  ASSERT_TRUE(report);
  EXPECT_EQ(report->leased, 5u);
  EXPECT_EQ(report->ok, 5u);
  EXPECT_EQ(sink_.batches.size(), 3u);
  EXPECT_EQ(list(OutboxState::delivered).size(), 5u);
}

TEST_F(OutboxWorkerTest, DrainStopsAtABatchOfWhichNothingGotThrough) {
  for (int i = 0; i < 6; ++i)
    ASSERT_TRUE(enqueue("tracker", "k" + std::to_string(i)));
  sink_.answer(DeliveryResult::retry("HTTP 503", 0s));
  auto o = options();
  o.batch_size = 2;
  o.backoff = {0ms, 0ms};  // even with no backoff at all
  auto w = worker(o);
  auto report = w->drain(now_ms());
  ASSERT_TRUE(report);
  // One batch hit the wall; the one leased meanwhile went back untouched, the rest never left.
  EXPECT_EQ(report->retried, 2u);
  EXPECT_EQ(report->leased, 2u);
  EXPECT_FALSE(report->more);
  EXPECT_EQ(sink_.batches.size(), 1u);
  const auto pending = list(OutboxState::pending);
  ASSERT_EQ(pending.size(), 6u);
  int attempted = 0;
  for (const auto& m : pending) {
    EXPECT_FALSE(m.lease_until);
    attempted += m.attempts;
  }
  EXPECT_EQ(attempted, 2);
}

TEST_F(OutboxWorkerTest, DrainLeasesTheNextBatchWhileOneIsWithTheSink) {
  for (int i = 0; i < 6; ++i)
    ASSERT_TRUE(enqueue("tracker", "k" + std::to_string(i)));
  auto o = options();
  o.batch_size = 2;
  // The sink holds the first batch until it sees, through a connection of its own, that the
  // second is already leased: the store's work overlaps the network's.
  auto observer = open_sqlite_store(dir_.path());
  ASSERT_TRUE(observer) << observer.error().message;
  std::atomic<bool> overlapped = false;
  sink_.handler = [&](std::span<const OutboxMessage> batch, const outbox::DeliveryContext&) {
    if (sink_.batches.size() == 1) {
      const auto deadline = std::chrono::steady_clock::now() + 60s;
      while (!overlapped && std::chrono::steady_clock::now() < deadline) {
        auto leased = (*observer)->list_outbox(OutboxFilter{std::nullopt, OutboxState::leased});
        overlapped = leased && leased->size() == 4u;
        if (!overlapped) std::this_thread::sleep_for(1ms);
      }
    }
    return std::vector<DeliveryResult>(batch.size(), DeliveryResult::ok());
  };
  auto w = worker(o);
  auto report = w->drain(now_ms());
  ASSERT_TRUE(report);
  EXPECT_TRUE(overlapped);
  EXPECT_EQ(report->ok, 6u);
  EXPECT_EQ(sink_.batches.size(), 3u);
  EXPECT_EQ(list(OutboxState::delivered).size(), 6u);
}

TEST_F(OutboxWorkerTest, StopDuringDeliveryGivesTheNextBatchBack) {
  for (int i = 0; i < 6; ++i)
    ASSERT_TRUE(enqueue("tracker", "k" + std::to_string(i)));
  auto o = options();
  o.batch_size = 2;
  std::stop_source stop;
  sink_.handler = [&](std::span<const OutboxMessage> batch, const outbox::DeliveryContext&) {
    stop.request_stop();  // the service is asked to stop while this batch is out
    return std::vector<DeliveryResult>(batch.size(), DeliveryResult::ok());
  };
  auto w = worker(o);
  auto report = w->drain(now_ms(), stop.get_token());
  ASSERT_TRUE(report);
  EXPECT_EQ(report->ok, 2u);
  EXPECT_EQ(sink_.batches.size(), 1u);
  EXPECT_EQ(list(OutboxState::delivered).size(), 2u);
  EXPECT_TRUE(list(OutboxState::leased).empty());  // nothing left waiting for a lease to end
  for (const auto& m : list(OutboxState::pending))
    EXPECT_EQ(m.attempts, 0);
}

TEST_F(OutboxWorkerTest, LeaseFailureIsAnError) {
  auto w = worker(options());
  // The store fails: a transaction already open on its connection makes BEGIN fail.
  auto tx = store_->begin();
  ASSERT_TRUE(tx);
  auto report = w->drain_once(now_ms());
  EXPECT_FALSE(report);
  EXPECT_EQ(w->counters().store_errors.load(), 1u);
}

TEST_F(OutboxWorkerTest, RunDeliversWhenWokenAndStopsOnRequest) {
  std::promise<void> delivered;
  auto done = delivered.get_future();
  sink_.handler = [&delivered](std::span<const OutboxMessage> batch,
                               const outbox::DeliveryContext&) {
    delivered.set_value();
    return std::vector<DeliveryResult>(batch.size(), DeliveryResult::ok());
  };
  // The worker gets its own store (its own connection), as in the service.
  auto own = open_sqlite_store(dir_.path());
  ASSERT_TRUE(own) << own.error().message;
  OutboxWorker w(**own, sink_, options());
  std::jthread thread([&w](const std::stop_token& stop) { w.run(stop); });
  ASSERT_TRUE(enqueue("tracker", "a"));
  w.wake();
  // Generous: a hang is a failure, a slow machine is not.
  ASSERT_EQ(done.wait_for(120s), std::future_status::ready);
  thread.request_stop();
  thread.join();  // poll_interval is an hour: this returns only because stop wakes run()
  EXPECT_EQ(only().state, OutboxState::delivered);
  EXPECT_EQ(w.counters().ok.load(), 1u);
}

}  // namespace
}  // namespace careerlink::test
