#include "daemon/http/server/admin_routes.hpp"

#include <spdlog/spdlog.h>

#include <exception>
#include <memory>
#include <nlohmann/json.hpp>

#include "daemon/metrics/metrics.hpp"

namespace careerlink::http {
namespace {
Response no_store(Response r) {
  // Probes and scrapes must never be answered from a cache between us and the caller.
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}
}  // namespace

void add_admin_routes(Router& router, AdminHooks hooks) {
  auto h = std::make_shared<AdminHooks>(std::move(hooks));

  router.add("GET", "/healthz", Access::public_,
             [](const Request&) { return no_store(Response::text(200, "ok\n")); });

  router.add("GET", "/readyz", Access::admin, [h](const Request&) {
    bool ready = true;
    try {
      if (h->ready) ready = h->ready();
    } catch (const std::exception& e) {
      spdlog::warn("readiness check failed: {}", e.what());
      ready = false;
    }
    return no_store(ready ? Response::text(200, "ready\n") : Response::text(503, "not ready\n"));
  });

  router.add("GET", "/metrics", Access::admin, [h](const Request&) {
    try {
      Response r = Response::text(
          200, h->metrics_text ? h->metrics_text() : metrics::default_registry().expose());
      r.content_type = "text/plain; version=0.0.4; charset=utf-8";
      return no_store(std::move(r));
    } catch (const std::exception& e) {
      spdlog::error("metrics exposition failed: {}", e.what());
      return no_store(Response::text(500, "metrics unavailable\n"));
    }
  });

  router.add("GET", "/api/v1/status", Access::admin, [h](const Request&) {
    try {
      nlohmann::json body = h->status ? h->status() : nlohmann::json::object();
      return no_store(Response::json(200, body.dump()));
    } catch (const std::exception& e) {
      spdlog::error("status report failed: {}", e.what());
      return no_store(Response::json(500, R"({"error":"status unavailable"})"));
    }
  });
}

}  // namespace careerlink::http
