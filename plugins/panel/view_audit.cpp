#include "plugins/panel/view_audit.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace careerlink::panel {

ViewAudit::ViewAudit(SharedStore& store)
    : store_(store), thread_([this](const std::stop_token& stop) { run(stop); }) {}

ViewAudit::~ViewAudit() {
  thread_.request_stop();
  if (thread_.joinable()) thread_.join();
  flush();
}

void ViewAudit::record(AuditEvent event) {
  std::lock_guard lock(mutex_);
  pending_.push_back(std::move(event));
}

void ViewAudit::flush() {
  std::vector<AuditEvent> batch;
  {
    std::lock_guard lock(mutex_);
    batch.swap(pending_);
  }
  // In transactions of at most kChunk events, letting go of the connection between them: page
  // views wait on the same connection, so one long transaction would stall them all.
  constexpr std::size_t kChunk = 128;
  for (std::size_t start = 0; start < batch.size(); start += kChunk) {
    const std::size_t end = std::min(batch.size(), start + kChunk);
    auto written = store_.with([&](Store& st) -> StoreResult<void> {
      auto tx = st.begin();
      if (!tx) return std::unexpected(tx.error());
      for (std::size_t i = start; i < end; ++i) {
        if (auto r = st.record_audit(batch[i]); !r) return r;
      }
      return (*tx)->commit();
    });
    if (!written) {
      // Put the rest back: an audit event is never dropped quietly.
      spdlog::error("panel: could not write {} audit events: {}", batch.size() - start,
                    written.error().message);
      std::lock_guard lock(mutex_);
      pending_.insert(pending_.begin(), batch.begin() + static_cast<std::ptrdiff_t>(start),
                      batch.end());
      return;
    }
  }
}

void ViewAudit::run(const std::stop_token& stop) {
  while (!stop.stop_requested()) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, stop, std::chrono::milliseconds(200), [] { return false; });
    }
    flush();
  }
}

}  // namespace careerlink::panel
