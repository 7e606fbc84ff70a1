// The audit events of page views, written in batches. Every view of a pupil's record is
// audited, but a write (and an fsync) per page view would cap the panel at the disk's pace; a
// background thread writes what has gathered every 200 ms in one transaction, and the rest on
// shutdown. Changes (a tick, a note) are not written here: they are audited in the transaction
// that makes them.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "daemon/store/shared_store.hpp"

namespace careerlink::panel {

class ViewAudit {
 public:
  explicit ViewAudit(SharedStore& store);
  ~ViewAudit();  // writes what is left
  ViewAudit(const ViewAudit&) = delete;
  ViewAudit& operator=(const ViewAudit&) = delete;

  void record(AuditEvent event);
  void flush();

 private:
  void run(const std::stop_token& stop);

  SharedStore& store_;
  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::vector<AuditEvent> pending_;
  std::jthread thread_;  // last: started once the rest exists, stopped first
};

}  // namespace careerlink::panel
