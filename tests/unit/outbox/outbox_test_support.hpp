// Shared by the outbox tests: a real SQLite store in a temporary directory, and a scripted sink.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "daemon/outbox/sink.hpp"
#include "daemon/store/store.hpp"
#include "tests/unit/support/test_support.hpp"

namespace careerlink::test {

// Now, to the millisecond the store keeps, so times read back compare equal.
inline TimePoint now_ms() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

class OutboxStoreFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = open_sqlite_store(dir_.path());
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
  }

  // Enqueues one message in its own committed transaction; returns enqueue's answer.
  bool enqueue(const std::string& sink, const std::string& key,
               const std::string& payload = R"({"n":1})") {
    auto tx = store_->begin();
    EXPECT_TRUE(tx) << tx.error().message;
    if (!tx) return false;
    auto added = (*tx)->enqueue(OutboxDraft{sink, key, payload});
    EXPECT_TRUE(added) << added.error().message;
    auto committed = (*tx)->commit();
    EXPECT_TRUE(committed) << committed.error().message;
    return added && *added;
  }

  std::vector<OutboxMessage> list(std::optional<OutboxState> state = std::nullopt,
                                  std::optional<std::string> sink = std::nullopt) {
    auto rows = store_->list_outbox(OutboxFilter{std::move(sink), state});
    EXPECT_TRUE(rows) << rows.error().message;
    return rows ? *rows : std::vector<OutboxMessage>{};
  }

  OutboxMessage only(std::optional<OutboxState> state = std::nullopt) {
    auto rows = list(state);
    EXPECT_EQ(rows.size(), 1u);
    return rows.empty() ? OutboxMessage{} : rows.front();
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

// A sink whose answers the test scripts; it remembers every batch it was given.
class FakeSink final : public outbox::Sink {
 public:
  using Handler = std::function<std::vector<outbox::DeliveryResult>(
      std::span<const OutboxMessage>, const outbox::DeliveryContext&)>;

  explicit FakeSink(std::string name = "tracker") : name_(std::move(name)) {}
  [[nodiscard]] std::string_view name() const override { return name_; }
  std::vector<outbox::DeliveryResult> deliver(std::span<const OutboxMessage> batch,
                                              const outbox::DeliveryContext& context) override {
    batches.emplace_back(batch.begin(), batch.end());
    if (handler) return handler(batch, context);
    return std::vector<outbox::DeliveryResult>(batch.size(), outbox::DeliveryResult::ok());
  }
  // Every message gets the same answer.
  void answer(const outbox::DeliveryResult& result) {
    handler = [result](std::span<const OutboxMessage> batch, const outbox::DeliveryContext&) {
      return std::vector<outbox::DeliveryResult>(batch.size(), result);
    };
  }
  [[nodiscard]] std::size_t delivered_count() const {
    std::size_t n = 0;
    for (const auto& b : batches)
      n += b.size();
    return n;
  }

  Handler handler;
  std::vector<std::vector<OutboxMessage>> batches;

 private:
  std::string name_;
};

}  // namespace careerlink::test
