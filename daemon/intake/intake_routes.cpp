#include "daemon/intake/intake_routes.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "daemon/domain/dates.hpp"
#include "daemon/followup/intake.hpp"
#include "daemon/guidance/guidance_json.hpp"
#include "daemon/intake/api_key.hpp"
#include "daemon/intake/rate_limiter.hpp"

namespace careerlink::intake {
namespace {

using http::Request;
using http::Response;

Response error(int status, std::string message) {
  Response r = Response::json(status, nlohmann::json{{"error", std::move(message)}}.dump());
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Response field_errors(int status, std::span<const guidance::FieldError> errors) {
  Response r = Response::json(status, guidance::field_errors_json(errors));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Response ok(int status, const nlohmann::json& body) {
  Response r = Response::json(status, body.dump());
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

// The provider's own id for an interview: what may sit in one path segment of a URL unescaped.
bool valid_external_id(std::string_view id) {
  return !id.empty() && id.size() <= 128 && std::ranges::all_of(id, [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == ':' || c == '~';
  });
}

nlohmann::json flags_json(const followup::FlagChanges& changes) {
  nlohmann::json flags = nlohmann::json::array();
  for (const auto& f : changes.open) {
    flags.push_back({{"kind", f.kind}, {"rag", rules::to_string(f.rag)}, {"reason", f.reason}});
  }
  return flags;
}

class Intake {
 public:
  explicit Intake(IntakeRoutesOptions options) : o_(std::move(options)) {}

  Response put_interview(const Request& req) {
    auto caller = admit(req, true);
    if (!caller) return std::move(caller.error());
    const std::string external_id = req.path_suffix;
    if (!valid_external_id(external_id)) {
      const std::vector<guidance::FieldError> e{
          {"external_id", "the id in the path must be 1 to 128 letters, digits or - _ . : ~"}};
      return field_errors(422, e);
    }
    auto body = parse_body(req, *caller);
    if (!body) return std::move(body.error());
    auto interview = guidance::parse_interview(*body, external_id, today());
    if (!interview) return field_errors(422, interview.error());

    const auto now = o_.now();
    auto result = o_.store->with([&](Store& store) -> Response {
      auto tx = store.begin();
      if (!tx) return store_failed(tx.error().message);
      auto taken =
          followup::take_interview(store, **tx, *interview, caller->sender,
                                   followup::sync_context(*caller->config, caller->sinks, now));
      if (!taken) return refused(taken.error());
      if (auto committed = (*tx)->commit(); !committed)
        return store_failed(committed.error().message);
      const auto outcome = taken->write.outcome;
      const char* status = outcome == UpsertOutcome::inserted  ? "created"
                           : outcome == UpsertOutcome::updated ? "updated"
                                                               : "unchanged";
      spdlog::info("intake: interview {} from {}: {}", external_id, caller->sender.provider,
                   status);
      nlohmann::json out{{"status", status},
                         {"external_id", external_id},
                         {"pupil", {{"upn", taken->upn}}},
                         {"plan_version", taken->write.plan_version},
                         {"sharing", taken->plan_shared ? "shared with staff" : "not shared"}};
      if (outcome != UpsertOutcome::unchanged) {
        out["flags"] = flags_json(taken->flags);
        out["overall_rag"] = rules::to_string(taken->flags.overall);
      }
      return ok(outcome == UpsertOutcome::inserted ? 201 : 200, out);
    });
    return result;
  }

  Response get_interview(const Request& req) {
    auto caller = admit(req, false);
    if (!caller) return std::move(caller.error());
    const std::string external_id = req.path_suffix;
    if (!valid_external_id(external_id)) return error(404, "no such interview");
    return o_.store->with([&](Store& store) -> Response {
      auto found = store.find_interview(caller->sender.provider, external_id);
      if (!found) return store_failed(found.error().message);
      if (!*found) {
        return error(404, "no interview " + external_id + " from " + caller->sender.provider);
      }
      if (!caller->sender.covers((*found)->school_urn)) {
        return error(403, "this key may not read records of school " + (*found)->school_urn);
      }
      auto recorded = store.record_audit(
          AuditEvent{0, o_.now(), "api:" + caller->sender.provider, "interview.view",
                     "pupil:" + (*found)->upn, req.remote_address, "interview " + external_id});
      if (!recorded) return store_failed(recorded.error().message);
      nlohmann::json out{{"interview", nlohmann::json::parse((*found)->body, nullptr, false)},
                         {"plan_version", (*found)->plan_version},
                         {"created_at", iso_utc((*found)->created_at)},
                         {"updated_at", iso_utc((*found)->updated_at)}};
      out["interview"]["external_id"] = external_id;
      return ok(200, out);
    });
  }

  Response post_destination(const Request& req) {
    auto caller = admit(req, true);
    if (!caller) return std::move(caller.error());
    auto body = parse_body(req, *caller);
    if (!body) return std::move(body.error());
    auto destination = guidance::parse_destination(*body, today());
    if (!destination) return field_errors(422, destination.error());
    const auto now = o_.now();
    return o_.store->with([&](Store& store) -> Response {
      auto tx = store.begin();
      if (!tx) return store_failed(tx.error().message);
      auto taken =
          followup::take_destination(store, **tx, *destination, caller->sender,
                                     followup::sync_context(*caller->config, caller->sinks, now));
      if (!taken) return refused(taken.error());
      if (auto committed = (*tx)->commit(); !committed)
        return store_failed(committed.error().message);
      spdlog::info("intake: {} destination from {}: {}", destination->type, caller->sender.provider,
                   taken->added ? "added" : "unchanged");
      return ok(taken->added ? 201 : 200, {{"status", taken->added ? "created" : "unchanged"},
                                           {"id", taken->id},
                                           {"pupil", {{"upn", taken->upn}}}});
    });
  }

 private:
  struct Caller {
    followup::Sender sender;
    std::shared_ptr<const Config> config;
    std::vector<std::string> sinks;  // the config's write-back sinks
  };

  // Authentication, the rate limit, and (for writes) the body's size and type.
  std::expected<Caller, Response> admit(const Request& req, bool has_body) {
    const std::string_view key =
        http::bearer_credentials(req.headers.get("Authorization").value_or(""));
    if (key.empty())
      return std::unexpected(unauthorised("send the API key as Authorization: Bearer <key>"));
    auto found = o_.store->with([&](Store& s) { return s.find_api_key(api_key_hash(key)); });
    if (!found) return std::unexpected(store_failed(found.error().message));
    if (!*found) return std::unexpected(unauthorised("the API key is not known"));
    if ((*found)->revoked_at) return std::unexpected(unauthorised("the API key has been revoked"));
    Caller caller{
        {(*found)->name, (*found)->school_urns, "api:" + (*found)->name, req.remote_address},
        o_.config(),
        {}};
    caller.sinks = followup::writeback_sinks(*caller.config);
    if (auto wait = limiter_.take((*found)->id, caller.config->intake.rate_limit_per_minute,
                                  RateLimiter::Clock::now())) {
      Response r = error(429, "too many requests for this key; try again in " +
                                  std::to_string(wait->count()) + " s");
      r.headers.emplace_back("Retry-After", std::to_string(wait->count()));
      return std::unexpected(std::move(r));
    }
    if (has_body) {
      const auto limit = static_cast<std::size_t>(caller.config->intake.max_body_kb) * 1024;
      if (req.body.size() > limit) {
        return std::unexpected(error(413, "the body is " + std::to_string(req.body.size()) +
                                              " bytes; the limit is " + std::to_string(limit) +
                                              " ([intake] max_body_kb)"));
      }
      const std::string_view type = req.headers.get("Content-Type").value_or("");
      if (!type.starts_with("application/json")) {
        return std::unexpected(error(415, "send the body as Content-Type: application/json"));
      }
    }
    return caller;
  }

  // JSON, and the school it names within the key's scope (403 before any other complaint, so a
  // key learns nothing about schools it may not send for).
  std::expected<nlohmann::json, Response> parse_body(const Request& req, const Caller& caller) {
    auto parsed = guidance::parse_json_text(req.body);
    if (!parsed)
      return std::unexpected(error(400, "the body is not valid JSON: " + parsed.error()));
    nlohmann::json body = std::move(*parsed);
    if (body.is_object()) {
      const auto urn = body.find("school_urn");
      if (urn != body.end() && urn->is_string()) {
        if (!caller.sender.covers(urn->get<std::string>())) {
          return std::unexpected(
              error(403, "this key may not send records for school " + urn->get<std::string>()));
        }
      }
    }
    return body;
  }

  std::string today() const { return to_iso(followup::local_date(*o_.config(), o_.now())); }

  static Response unauthorised(std::string message) {
    Response r = error(401, std::move(message));
    r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"careerlink\"");
    return r;
  }

  static Response refused(const followup::IntakeFailure& f) {
    if (f.status == 500) return store_failed(f.message);
    if (f.status == 403 && !f.errors.empty()) return error(403, f.errors.front().message);
    return field_errors(f.status, f.errors);
  }

  static Response store_failed(const std::string& message) {
    spdlog::error("intake: store: {}", message);
    return error(500, "careerlink could not store this; it has been logged, try again later");
  }

  IntakeRoutesOptions o_;
  RateLimiter limiter_;
};

}  // namespace

void add_intake_routes(http::Router& router, IntakeRoutesOptions options) {
  auto intake = std::make_shared<Intake>(std::move(options));
  router.add_prefix("PUT", "/api/v1/interviews/", http::Access::api,
                    [intake](const Request& r) { return intake->put_interview(r); });
  router.add_prefix("GET", "/api/v1/interviews/", http::Access::api,
                    [intake](const Request& r) { return intake->get_interview(r); });
  router.add("POST", "/api/v1/destinations", http::Access::api,
             [intake](const Request& r) { return intake->post_destination(r); });
}

}  // namespace careerlink::intake
