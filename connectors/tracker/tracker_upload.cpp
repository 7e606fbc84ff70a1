#include "connectors/tracker/tracker_upload.hpp"

#include <date/tz.h>
#include <spdlog/spdlog.h>

#include <fmt/format.h>
#include <algorithm>

#include "connectors/tracker/pseudonym.hpp"

namespace careerlink::tracker {

bool UploadSummary::complete() const {
  return std::ranges::all_of(schools,
                             [](const SchoolUpload& s) { return s.retry == 0 && s.error.empty(); });
}

std::string UploadSummary::text() const {
  std::string out;
  for (const auto& s : schools) {
    if (!out.empty()) out += "; ";
    out += fmt::format(
        "{}: {} sent, {} accepted, {} rejected, {} to retry ({} looked at{}: {} unchanged, {} "
        "without agreement, {} pseudonymised)",
        s.urn, s.sent, s.accepted, s.rejected, s.retry, s.selection.with_destination,
        s.selection.incremental ? ", changed since the last run" : "", s.selection.unchanged,
        s.selection.without_agreement, s.selection.pseudonymised);
    if (!s.error.empty()) out += " [" + s.error + "]";
  }
  return out.empty() ? "no schools" : out;
}

std::string local_date(TimePoint now, const std::string& timezone) {
  try {
    const auto zoned = date::make_zoned(timezone, std::chrono::floor<std::chrono::seconds>(now));
    const auto day = date::floor<date::days>(zoned.get_local_time());
    return date::format("%F", day);
  } catch (const std::exception&) {
    return date::format("%F", date::floor<date::days>(now));
  }
}

std::expected<UploadSummary, std::string> run_upload(Store& store, const Config& config,
                                                     const SinkConfig& sink, Uploader& uploader,
                                                     const UploadOptions& options) {
  auto key = load_pseudonym_key(options.data_dir);
  if (!key) return std::unexpected(key.error());
  std::vector<SchoolInfo> schools;
  if (options.school) {
    auto found = store.find_school(*options.school);
    if (!found) return std::unexpected("store: " + found.error().message);
    if (!*found) return std::unexpected("no school with URN or LAESTAB " + *options.school);
    schools.push_back(**found);
  } else {
    auto all = store.schools();
    if (!all) return std::unexpected("store: " + all.error().message);
    schools = std::move(*all);
  }

  // The answers and the audit event of a school go in one transaction (a commit, and a disk
  // flush, per school that sent anything); the audit events of schools with nothing to send
  // share one at the end, so a quiet night costs one commit, not one per school.
  // A school's cursor moves on with its answers, and only when every record selected has one:
  // what is left to retry is then still "changed since the cursor" the next night.
  using Cursor = std::pair<SchoolId, TrackerCursor>;
  auto keep = [&](std::span<const TrackerDelivery> answers, std::span<const AuditEvent> events,
                  std::span<const Cursor> cursors) -> std::expected<void, std::string> {
    auto tx = store.begin();
    if (!tx) return std::unexpected("store: " + tx.error().message);
    if (auto r = (*tx)->record_tracker_deliveries(answers); !r) {
      return std::unexpected("store: " + r.error().message);
    }
    for (const auto& [school, cursor] : cursors) {
      if (auto r = (*tx)->set_tracker_cursor(sink.name, school, cursor); !r) {
        return std::unexpected("store: " + r.error().message);
      }
    }
    for (const auto& e : events) {
      if (auto r = (*tx)->audit_in_transaction(e); !r) {
        return std::unexpected("store: " + r.error().message);
      }
    }
    if (auto r = (*tx)->commit(); !r) return std::unexpected("store: " + r.error().message);
    return {};
  };
  std::vector<AuditEvent> quiet;
  std::vector<Cursor> quiet_cursors;
  UploadSummary summary;
  std::size_t done = 0;
  for (const auto& school : schools) {
    const std::string urn = school.urn.value_or(school.laestab);
    const auto cfg = std::ranges::find(config.schools, urn, &SchoolConfig::urn);
    const std::string timezone = cfg == config.schools.end() ? "Europe/London" : cfg->timezone;
    SelectionOptions select{local_date(options.now, timezone), *key, options.full};
    auto selection = select_records(store, config, sink, school, select);
    if (!selection) return std::unexpected("store: " + selection.error().message);

    SchoolUpload result{urn, std::move(*selection)};
    auto& records = result.selection.to_send;
    std::vector<TrackerDelivery> answers;
    if (!records.empty() && !options.stop.stop_requested()) {
      UploadContext context{options.now, options.stop, select.today, options.full};
      auto outcomes = uploader.upload(urn, records, context);
      result.sent = static_cast<int>(records.size());
      if (!outcomes) {
        result.error = outcomes.error();
        result.retry = result.sent;
      } else {
        for (std::size_t i = 0; i < records.size(); ++i) {
          const RecordOutcome o = i < outcomes->size() ? (*outcomes)[i] : RecordOutcome{};
          if (o.kind == RecordOutcome::Kind::retry) {
            ++result.retry;
            continue;
          }
          const bool accepted = o.kind == RecordOutcome::Kind::accepted;
          ++(accepted ? result.accepted : result.rejected);
          answers.push_back(TrackerDelivery{sink.name,
                                            records[i].pupil_id,
                                            {},
                                            records[i].version,
                                            records[i].idempotency_key,
                                            accepted ? "accepted" : "rejected",
                                            o.tracker_ref,
                                            accepted ? std::string{} : o.reason,
                                            options.now});
        }
      }
    } else if (!records.empty()) {
      result.retry = static_cast<int>(records.size());  // stopping: next run
    }
    // Counts only: which pupils went is in tracker_delivery, never in the log or audit.
    AuditEvent event{0,
                     options.now,
                     options.actor,
                     options.full ? "tracker.resend" : "tracker.upload",
                     "sink:" + sink.name + ":school:" + urn,
                     options.origin,
                     nlohmann::json{{"sent", result.sent},
                                    {"accepted", result.accepted},
                                    {"rejected", result.rejected},
                                    {"retry", result.retry},
                                    {"incremental", result.selection.incremental},
                                    {"looked_at", result.selection.with_destination},
                                    {"unchanged", result.selection.unchanged},
                                    {"without_agreement", result.selection.without_agreement},
                                    {"pseudonymised", result.selection.pseudonymised},
                                    {"error", result.error}}
                         .dump()};
    std::vector<Cursor> cursor;
    if (result.retry == 0 && result.error.empty())
      cursor.emplace_back(school.id, result.selection.next);
    if (answers.empty()) {
      // Written with the other quiet schools' at the end.
      quiet.push_back(std::move(event));
      quiet_cursors.insert(quiet_cursors.end(), cursor.begin(), cursor.end());
    } else if (auto kept = keep(answers, std::span(&event, 1), cursor); !kept) {
      return std::unexpected(kept.error());
    }
    spdlog::info("tracker sink \"{}\": school {}: {} sent, {} accepted, {} rejected, {} to retry{}",
                 sink.name, urn, result.sent, result.accepted, result.rejected, result.retry,
                 result.error.empty() ? "" : " (" + result.error + ")");
    records.clear();
    summary.schools.push_back(std::move(result));
    if (options.progress) options.progress(++done, schools.size());
  }
  if (!quiet.empty()) {
    if (auto kept = keep({}, quiet, quiet_cursors); !kept) return std::unexpected(kept.error());
  }
  return summary;
}

}  // namespace careerlink::tracker
