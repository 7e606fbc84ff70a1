#include "plugins/panel/view_audit.hpp"

#include <spdlog/spdlog.h>

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
  if (batch.empty()) return;
  auto written = store_.with([&](Store& st) -> StoreResult<void> {
    auto tx = st.begin();
    if (!tx) return std::unexpected(tx.error());
    for (const auto& e : batch) {
      if (auto r = st.record_audit(e); !r) return r;
    }
    return (*tx)->commit();
  });
  if (!written) {
    // Put them back: an audit event is never dropped quietly.
    spdlog::error("panel: could not write {} audit events: {}", batch.size(),
                  written.error().message);
    std::lock_guard lock(mutex_);
    pending_.insert(pending_.begin(), batch.begin(), batch.end());
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
