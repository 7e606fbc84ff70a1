#include "plugins/panel/session_table.hpp"

#include "plugins/panel/auth/random_token.hpp"

namespace careerlink::panel {
namespace {
// last_seen is written back at most this often per session: a page view is a read, and the
// idle timeout does not need better than a minute.
constexpr std::chrono::seconds kTouchEvery{60};
}  // namespace

void SessionTable::set_limits(std::chrono::minutes idle, std::chrono::hours max) {
  std::lock_guard lock(mutex_);
  idle_ = idle;
  max_ = max;
}

bool SessionTable::expired(const PanelSession& s, TimePoint now) const {
  return now - s.last_seen > idle_ || now - s.created_at > max_;
}

void SessionTable::reload(TimePoint now) {
  auto live = store_.with([&](Store& st) { return st.live_sessions(now - idle_, now - max_); });
  if (!live) return;  // keep what we have; the next change retries
  sessions_.clear();
  for (auto& s : *live) {
    persisted_[s.id_sha256] = s.last_seen;
    sessions_.emplace(s.id_sha256, std::move(s));
  }
  loaded_ = true;
}

StoreResult<SessionTable::Created> SessionTable::create(std::string_view email,
                                                        std::string_view method,
                                                        std::string_view remote, TimePoint now) {
  Created c;
  c.cookie_value = auth::random_token(32);
  c.session = PanelSession{auth::sha256_hex(c.cookie_value),
                           std::string(email),
                           auth::random_token(32),
                           std::string(method),
                           now,
                           now,
                           std::string(remote)};
  auto saved = store_.with([&](Store& st) { return st.save_session(c.session); });
  if (!saved) return std::unexpected(saved.error());
  std::lock_guard lock(mutex_);
  sessions_[c.session.id_sha256] = c.session;
  persisted_[c.session.id_sha256] = now;
  return c;
}

std::optional<PanelSession> SessionTable::find(std::string_view cookie_value, TimePoint now,
                                               bool store_changed) {
  if (cookie_value.empty()) return std::nullopt;
  const std::string id = auth::sha256_hex(cookie_value);
  std::lock_guard lock(mutex_);
  if (!loaded_ || store_changed) reload(now);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return std::nullopt;
  if (expired(it->second, now)) {
    (void)store_.with([&](Store& st) { return st.delete_session(id); });
    sessions_.erase(it);
    persisted_.erase(id);
    return std::nullopt;
  }
  it->second.last_seen = now;
  if (now - persisted_[id] >= kTouchEvery) {
    if (store_.with([&](Store& st) { return st.touch_session(id, now); })) persisted_[id] = now;
  }
  return it->second;
}

void SessionTable::end(std::string_view cookie_value) {
  const std::string id = auth::sha256_hex(cookie_value);
  (void)store_.with([&](Store& st) { return st.delete_session(id); });
  std::lock_guard lock(mutex_);
  sessions_.erase(id);
  persisted_.erase(id);
}

}  // namespace careerlink::panel
