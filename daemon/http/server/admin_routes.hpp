// The standard operational routes every careerlink listener serves.
#pragma once

#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "daemon/http/server/router.hpp"

namespace careerlink::http {

struct AdminHooks {
  std::function<bool()> ready;                // store open and migrated; null: always ready
  std::function<std::string()> metrics_text;  // null: metrics::default_registry().expose()
  std::function<nlohmann::json()> status;     // body of /api/v1/status; null: {}
};

// GET /healthz (public, "ok": the process is alive and serving), GET /readyz (admin, 200 or
// 503), GET /metrics (admin, Prometheus text 0.0.4), GET /api/v1/status (admin, JSON for
// `careerlink status`). A hook that throws answers 503 (/readyz) or 500 and is logged.
void add_admin_routes(Router& router, AdminHooks hooks);

}  // namespace careerlink::http
