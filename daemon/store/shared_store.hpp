// One store connection shared by threads that each need it briefly (the HTTP workers): calls
// are serialised by a mutex, since an SQLite connection (and a transaction on it) belongs to
// one thread at a time.
#pragma once

#include <memory>
#include <mutex>

#include "daemon/store/store.hpp"

namespace careerlink {

class SharedStore {
 public:
  explicit SharedStore(std::unique_ptr<Store> store) : store_(std::move(store)) {}
  // Runs f(store) holding the connection; a transaction begun in f must end in f.
  template <class F>
  auto with(F&& f) {
    std::lock_guard lock(mutex_);
    return f(*store_);
  }
  // Needs no lock: it reads a counter, not the connection.
  [[nodiscard]] std::int64_t other_local_commits() const { return store_->other_local_commits(); }

 private:
  std::mutex mutex_;
  std::unique_ptr<Store> store_;
};

}  // namespace careerlink
