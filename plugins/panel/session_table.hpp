// Signed-in panel sessions, held in memory for speed and written through to the store so a
// restart signs nobody out. The cookie carries a random 256-bit id; the store (and this table)
// keep only its SHA-256. A session ends after [panel] session_idle_minutes unused or
// session_max_hours after sign-in, whichever comes first.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "daemon/store/shared_store.hpp"

namespace careerlink::panel {

class SessionTable {
 public:
  explicit SessionTable(SharedStore& store) : store_(store) {}

  void set_limits(std::chrono::minutes idle, std::chrono::hours max);

  struct Created {
    std::string cookie_value;  // the raw id: only ever in the Set-Cookie header
    PanelSession session;
  };
  StoreResult<Created> create(std::string_view email, std::string_view method,
                              std::string_view remote, TimePoint now);

  // The live session for a cookie value, its last use moved to `now`; nullopt when unknown,
  // ended, or expired. `store_changed` says another connection committed since the last call
  // (an operator may have removed the account): the table is then re-read from the store.
  std::optional<PanelSession> find(std::string_view cookie_value, TimePoint now,
                                   bool store_changed);

  void end(std::string_view cookie_value);

 private:
  [[nodiscard]] bool expired(const PanelSession& s, TimePoint now) const;
  void reload(TimePoint now);

  SharedStore& store_;
  std::mutex mutex_;
  std::map<std::string, PanelSession, std::less<>> sessions_;  // by id_sha256
  std::map<std::string, TimePoint, std::less<>> persisted_;    // last_seen as last written
  std::chrono::minutes idle_{30};
  std::chrono::hours max_{12};
  bool loaded_ = false;
};

}  // namespace careerlink::panel
