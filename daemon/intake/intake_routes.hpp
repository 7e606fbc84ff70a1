// The advisers' intake API on the serve listener:
//   PUT  /api/v1/interviews/{external_id}   create or replace an interview and its plan
//   GET  /api/v1/interviews/{external_id}   what careerlink holds for it
//   POST /api/v1/destinations               add an intended or actual destination
// Every request carries "Authorization: Bearer <key>" (`careerlink keys create`); a key belongs
// to one provider organisation and names the schools it may send for. Answers: 401 (no key, an
// unknown or revoked key), 403 (a school outside the key's scope), 413 (body over
// [intake] max_body_kb), 415 (not JSON), 400 (malformed JSON), 422 (a list of
// {"field","message"}), 429 (over [intake] rate_limit_per_minute, with Retry-After).
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "daemon/config/config.hpp"
#include "daemon/http/server/router.hpp"
#include "daemon/store/shared_store.hpp"

namespace careerlink::intake {

struct IntakeRoutesOptions {
  SharedStore* store = nullptr;  // not owned; outlives the server
  // The config in force (a reload swaps it): rules, write-back sinks, limits.
  std::function<std::shared_ptr<const Config>()> config;
  std::function<std::chrono::system_clock::time_point()> now = [] {
    return std::chrono::system_clock::now();
  };
};

void add_intake_routes(http::Router& router, IntakeRoutesOptions options);

}  // namespace careerlink::intake
