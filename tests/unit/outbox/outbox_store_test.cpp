// The SQLite outbox: enqueue in the caller's transaction, idempotency by key, leases, and the
// operators' calls (list, requeue, drop, count, purge).
#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "tests/unit/outbox/outbox_test_support.hpp"

namespace careerlink::test {
namespace {

using namespace std::chrono_literals;

class OutboxStore : public OutboxStoreFixture {};

std::vector<std::int64_t> ids_of(const std::vector<OutboxMessage>& rows) {
  std::vector<std::int64_t> ids;
  ids.reserve(rows.size());
  for (const auto& m : rows)
    ids.push_back(m.id);
  return ids;
}

TEST_F(OutboxStore, EnqueueIsPendingAndDueNow) {
  const auto before = now_ms();
  ASSERT_TRUE(enqueue("tracker", "dest:1", R"({"upn":"x"})"));
  const auto m = only();
  EXPECT_EQ(m.sink, "tracker");
  EXPECT_EQ(m.idempotency_key, "dest:1");
  EXPECT_EQ(m.payload, R"({"upn":"x"})");
  EXPECT_EQ(m.state, OutboxState::pending);
  EXPECT_EQ(m.attempts, 0);
  EXPECT_GE(m.created_at, before);
  EXPECT_EQ(m.next_attempt_at, m.created_at);
  EXPECT_FALSE(m.lease_until);
  EXPECT_FALSE(m.last_error);
}

TEST_F(OutboxStore, EnqueueInRolledBackTransactionLeavesNothing) {
  {
    auto tx = store_->begin();
    ASSERT_TRUE(tx);
    auto added = (*tx)->enqueue(OutboxDraft{"tracker", "dest:1", "{}"});
    ASSERT_TRUE(added);
    EXPECT_TRUE(*added);
    // Destroyed without commit: the change and its announcement go together.
  }
  EXPECT_TRUE(list().empty());
  auto counts = store_->count_outbox();
  ASSERT_TRUE(counts);
  EXPECT_TRUE(counts->empty());
  // And the key is free again.
  EXPECT_TRUE(enqueue("tracker", "dest:1"));
}

TEST_F(OutboxStore, DuplicateKeyIsRefusedAndChangesNothing) {
  ASSERT_TRUE(enqueue("tracker", "dest:1", R"({"v":1})"));
  EXPECT_FALSE(enqueue("tracker", "dest:1", R"({"v":2})"));
  const auto m = only();
  EXPECT_EQ(m.payload, R"({"v":1})");
  // Keys are per sink: one change announced to two sinks may share its key.
  EXPECT_TRUE(enqueue("la", "dest:1"));
  EXPECT_EQ(list().size(), 2u);
}

TEST_F(OutboxStore, DuplicateInsideOneTransactionIsRefused) {
  auto tx = store_->begin();
  ASSERT_TRUE(tx);
  auto first = (*tx)->enqueue(OutboxDraft{"tracker", "k", "{}"});
  auto second = (*tx)->enqueue(OutboxDraft{"tracker", "k", "{}"});
  ASSERT_TRUE(first && second);
  EXPECT_TRUE(*first);
  EXPECT_FALSE(*second);
  ASSERT_TRUE((*tx)->commit());
  EXPECT_EQ(list().size(), 1u);
}

TEST_F(OutboxStore, EmptySinkOrKeyIsAnError) {
  auto tx = store_->begin();
  ASSERT_TRUE(tx);
  EXPECT_FALSE((*tx)->enqueue(OutboxDraft{"", "k", "{}"}));
  EXPECT_FALSE((*tx)->enqueue(OutboxDraft{"tracker", "", "{}"}));
}

TEST_F(OutboxStore, DeliveredKeyIsStillRefusedUntilPurged) {
  ASSERT_TRUE(enqueue("tracker", "dest:1"));
  const auto t = now_ms();
  auto leased = store_->lease_outbox("tracker", 10, t, 60s);
  ASSERT_TRUE(leased);
  ASSERT_EQ(leased->size(), 1u);
  const std::vector<std::int64_t> ids{leased->front().id};
  ASSERT_TRUE(store_->ack_outbox(ids, t));
  EXPECT_EQ(only().state, OutboxState::delivered);

  EXPECT_FALSE(enqueue("tracker", "dest:1"));  // a late duplicate
  auto kept = store_->purge_delivered(t);      // strictly before t: nothing
  ASSERT_TRUE(kept);
  EXPECT_EQ(*kept, 0);
  auto purged = store_->purge_delivered(t + 1ms);
  ASSERT_TRUE(purged);
  EXPECT_EQ(*purged, 1);
  EXPECT_TRUE(list().empty());
  EXPECT_TRUE(enqueue("tracker", "dest:1"));
}

TEST_F(OutboxStore, PurgeKeepsWhatIsNotDelivered) {
  ASSERT_TRUE(enqueue("tracker", "a"));
  ASSERT_TRUE(enqueue("tracker", "b"));
  const auto t = now_ms();
  auto leased = store_->lease_outbox("tracker", 1, t, 60s);
  ASSERT_TRUE(leased && leased->size() == 1u);
  ASSERT_TRUE(store_->dead_letter_outbox(leased->front().id, "HTTP 400"));
  auto purged = store_->purge_delivered(t + 24h);
  ASSERT_TRUE(purged);
  EXPECT_EQ(*purged, 0);
  EXPECT_EQ(list().size(), 2u);
}

TEST_F(OutboxStore, LeaseTakesDueMessagesOfItsSinkInOrderUpToTheBatchSize) {
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(enqueue("tracker", "t" + std::to_string(i)));
  ASSERT_TRUE(enqueue("la", "l0"));
  const auto t = now_ms();
  const auto all = ids_of(list(std::nullopt, std::string("tracker")));
  ASSERT_EQ(all.size(), 5u);

  auto first = store_->lease_outbox("tracker", 3, t, 60s);
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_EQ(first->size(), 3u);
  EXPECT_EQ(ids_of(*first), (std::vector<std::int64_t>{all[0], all[1], all[2]}));
  for (const auto& m : *first) {
    EXPECT_EQ(m.sink, "tracker");
    EXPECT_EQ(m.state, OutboxState::leased);
    EXPECT_EQ(m.attempts, 1);
    ASSERT_TRUE(m.lease_until);
    EXPECT_EQ(*m.lease_until, t + 60s);
  }
  auto second = store_->lease_outbox("tracker", 3, t, 60s);
  ASSERT_TRUE(second);
  EXPECT_EQ(ids_of(*second), (std::vector<std::int64_t>{all[3], all[4]}));
  auto third = store_->lease_outbox("tracker", 3, t, 60s);
  ASSERT_TRUE(third);
  EXPECT_TRUE(third->empty());
  // The other sink's message was never touched.
  EXPECT_EQ(list(OutboxState::pending, std::string("la")).size(), 1u);
}

TEST_F(OutboxStore, LeaseIgnoresMessagesNotYetDue) {
  ASSERT_TRUE(enqueue("tracker", "a"));
  const auto created = only().created_at;
  auto early = store_->lease_outbox("tracker", 10, created - 1ms, 60s);
  ASSERT_TRUE(early);
  EXPECT_TRUE(early->empty());
  auto zero = store_->lease_outbox("tracker", 0, created, 60s);
  ASSERT_TRUE(zero);
  EXPECT_TRUE(zero->empty());
  EXPECT_EQ(only().state, OutboxState::pending);
}

TEST_F(OutboxStore, ReleaseGivesALeaseBackAsIfItNeverHappened) {
  ASSERT_TRUE(enqueue("tracker", "a"));
  ASSERT_TRUE(enqueue("tracker", "b"));
  const auto t = now_ms();
  auto leased = store_->lease_outbox("tracker", 10, t, 60s);
  ASSERT_TRUE(leased && leased->size() == 2u);
  const auto a = leased->front().id;
  const auto b = leased->back().id;
  ASSERT_TRUE(store_->ack_outbox(std::vector<std::int64_t>{b}, t));

  ASSERT_TRUE(store_->release_outbox(std::vector<std::int64_t>{a, b}, t + 1s));
  const auto back = list(OutboxState::pending);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back.front().id, a);
  EXPECT_EQ(back.front().attempts, 0);  // never handed to the sink: no attempt counted
  EXPECT_EQ(back.front().next_attempt_at, t + 1s);
  EXPECT_FALSE(back.front().lease_until);
  // A delivered message is not brought back by a release.
  EXPECT_EQ(list(OutboxState::delivered).size(), 1u);
  auto again = store_->lease_outbox("tracker", 10, t + 1s, 60s);
  ASSERT_TRUE(again);
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ(again->front().attempts, 1);
}

TEST_F(OutboxStore, ExpiredLeaseMakesTheMessageDueAgain) {
  ASSERT_TRUE(enqueue("tracker", "a"));
  const auto t = now_ms();
  auto leased = store_->lease_outbox("tracker", 10, t, 60s);
  ASSERT_TRUE(leased && leased->size() == 1u);
  // The process "dies" here: no ack, no retry.
  auto during = store_->lease_outbox("tracker", 10, t + 59s, 60s);
  ASSERT_TRUE(during);
  EXPECT_TRUE(during->empty());
  auto after = store_->lease_outbox("tracker", 10, t + 60s, 60s);
  ASSERT_TRUE(after);
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ(after->front().id, leased->front().id);
  EXPECT_EQ(after->front().attempts, 2);
  EXPECT_EQ(*after->front().lease_until, t + 120s);
}

TEST_F(OutboxStore, RetryReschedulesWithTheError) {
  ASSERT_TRUE(enqueue("tracker", "a"));
  const auto t = now_ms();
  auto leased = store_->lease_outbox("tracker", 10, t, 60s);
  ASSERT_TRUE(leased && leased->size() == 1u);
  const auto id = leased->front().id;
  ASSERT_TRUE(store_->retry_outbox(id, t + 10s, "HTTP 503"));
  auto m = only();
  EXPECT_EQ(m.state, OutboxState::pending);
  EXPECT_EQ(m.next_attempt_at, t + 10s);
  EXPECT_FALSE(m.lease_until);
  EXPECT_EQ(m.last_error, "HTTP 503");
  EXPECT_EQ(m.attempts, 1);

  auto early = store_->lease_outbox("tracker", 10, t + 9s, 60s);
  ASSERT_TRUE(early);
  EXPECT_TRUE(early->empty());
  auto due = store_->lease_outbox("tracker", 10, t + 10s, 60s);
  ASSERT_TRUE(due);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ(due->front().attempts, 2);
  EXPECT_EQ(due->front().last_error, "HTTP 503");
}

TEST_F(OutboxStore, AckedMessageIsNeverLeasedAgainNorRevivedByALateRetry) {
  ASSERT_TRUE(enqueue("tracker", "a"));
  const auto t = now_ms();
  auto leased = store_->lease_outbox("tracker", 10, t, 60s);
  ASSERT_TRUE(leased && leased->size() == 1u);
  const std::vector<std::int64_t> ids{leased->front().id};
  ASSERT_TRUE(store_->ack_outbox(ids, t));
  ASSERT_TRUE(store_->retry_outbox(ids[0], t, "late answer"));
  ASSERT_TRUE(store_->dead_letter_outbox(ids[0], "late answer"));
  auto m = only();
  EXPECT_EQ(m.state, OutboxState::delivered);
  EXPECT_FALSE(m.lease_until);
  auto again = store_->lease_outbox("tracker", 10, t + 24h, 60s);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->empty());
}

TEST_F(OutboxStore, AckTakesManyIdsInOneCall) {
  for (int i = 0; i < 4; ++i)
    ASSERT_TRUE(enqueue("tracker", "k" + std::to_string(i)));
  const auto t = now_ms();
  auto leased = store_->lease_outbox("tracker", 10, t, 60s);
  ASSERT_TRUE(leased && leased->size() == 4u);
  const std::vector<std::int64_t> ids{(*leased)[0].id, (*leased)[2].id};
  ASSERT_TRUE(store_->ack_outbox(ids, t));
  EXPECT_EQ(ids_of(list(OutboxState::delivered)), ids);
  EXPECT_EQ(list(OutboxState::leased).size(), 2u);
}

TEST_F(OutboxStore, DeadLettersAreListedRequeuedAndDropped) {
  ASSERT_TRUE(enqueue("tracker", "a"));
  ASSERT_TRUE(enqueue("tracker", "b"));
  ASSERT_TRUE(enqueue("la", "c"));
  const auto t = now_ms();
  for (const char* sink : {"tracker", "la"}) {
    auto leased = store_->lease_outbox(sink, 10, t, 60s);
    ASSERT_TRUE(leased);
    for (const auto& m : *leased)
      ASSERT_TRUE(store_->dead_letter_outbox(m.id, "HTTP 422: unknown UPN " + m.idempotency_key));
  }
  auto dead = list(OutboxState::dead);
  ASSERT_EQ(dead.size(), 3u);
  EXPECT_EQ(dead[0].last_error, "HTTP 422: unknown UPN a");
  EXPECT_EQ(list(OutboxState::dead, std::string("la")).size(), 1u);

  // One back: pending, due at `now`, with a fresh attempt budget and its last error kept.
  ASSERT_TRUE(store_->requeue_outbox(dead[0].id, t + 5s).value());
  auto back = store_->list_outbox(OutboxFilter{std::nullopt, OutboxState::pending});
  ASSERT_TRUE(back && back->size() == 1u);
  EXPECT_EQ(back->front().id, dead[0].id);
  EXPECT_EQ(back->front().attempts, 0);
  EXPECT_EQ(back->front().next_attempt_at, t + 5s);
  EXPECT_EQ(back->front().last_error, "HTTP 422: unknown UPN a");
  // Not a dead letter (any more): false.
  EXPECT_FALSE(store_->requeue_outbox(dead[0].id, t).value());
  EXPECT_FALSE(store_->requeue_outbox(999999, t).value());

  // All dead of one sink, then the rest.
  EXPECT_EQ(store_->requeue_all_dead(std::string("la"), t).value(), 1);
  EXPECT_EQ(store_->requeue_all_dead(std::nullopt, t).value(), 1);
  EXPECT_EQ(store_->requeue_all_dead(std::nullopt, t).value(), 0);
  EXPECT_TRUE(list(OutboxState::dead).empty());

  EXPECT_TRUE(store_->drop_outbox(dead[1].id).value());
  EXPECT_FALSE(store_->drop_outbox(dead[1].id).value());
  EXPECT_EQ(list().size(), 2u);
}

TEST_F(OutboxStore, DeadLetterOnlyTakesUndeliveredMessages) {
  ASSERT_TRUE(enqueue("tracker", "a"));
  const auto id = only().id;
  ASSERT_TRUE(store_->dead_letter_outbox(id, "bad"));
  ASSERT_TRUE(store_->dead_letter_outbox(id, "overwritten?"));  // already dead: untouched
  EXPECT_EQ(only().last_error, "bad");
}

TEST_F(OutboxStore, CountsBySinkAndState) {
  ASSERT_TRUE(enqueue("tracker", "a"));
  ASSERT_TRUE(enqueue("tracker", "b"));
  ASSERT_TRUE(enqueue("tracker", "c"));
  ASSERT_TRUE(enqueue("la", "d"));
  const auto t = now_ms();
  auto leased = store_->lease_outbox("tracker", 1, t, 60s);
  ASSERT_TRUE(leased && leased->size() == 1u);
  auto counts = store_->count_outbox();
  ASSERT_TRUE(counts);
  ASSERT_EQ(counts->size(), 3u);
  EXPECT_EQ((*counts)[0].sink, "la");
  EXPECT_EQ((*counts)[0].state, OutboxState::pending);
  EXPECT_EQ((*counts)[0].count, 1);
  EXPECT_EQ((*counts)[1].sink, "tracker");
  EXPECT_EQ((*counts)[1].state, OutboxState::leased);
  EXPECT_EQ((*counts)[1].count, 1);
  EXPECT_EQ((*counts)[2].state, OutboxState::pending);
  EXPECT_EQ((*counts)[2].count, 2);
}

TEST_F(OutboxStore, ListHonoursTheLimit) {
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(enqueue("tracker", "k" + std::to_string(i)));
  auto rows = store_->list_outbox(OutboxFilter{std::nullopt, std::nullopt, 2});
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->size(), 2u);
}

TEST_F(OutboxStore, SurvivesReopening) {
  ASSERT_TRUE(enqueue("tracker", "a"));
  const auto t = now_ms();
  ASSERT_TRUE(store_->lease_outbox("tracker", 10, t, 60s));
  store_.reset();  // the process dies with the message leased
  auto reopened = open_sqlite_store(dir_.path());
  ASSERT_TRUE(reopened) << reopened.error().message;
  store_ = std::move(*reopened);
  EXPECT_FALSE(enqueue("tracker", "a"));
  auto again = store_->lease_outbox("tracker", 10, t + 61s, 60s);
  ASSERT_TRUE(again);
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ(again->front().attempts, 2);
}

}  // namespace
}  // namespace careerlink::test
