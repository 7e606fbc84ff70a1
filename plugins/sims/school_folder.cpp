#include "plugins/sims/school_folder.hpp"

#include <spdlog/spdlog.h>

#include <set>

#include "daemon/files/atomic_files.hpp"
#include "plugins/sims/plan_html.hpp"
#include "plugins/sims/school_state.hpp"
#include "plugins/sims/udf_csv.hpp"

namespace careerlink::sims {

namespace fs = std::filesystem;

namespace {

std::unexpected<std::string> failed(const files::FileError& e) {
  return std::unexpected(e.to_string());
}

void count(SchoolUpdate& update, Applied applied) {
  switch (applied) {
    case Applied::changed:
      ++update.changed;
      break;
    case Applied::unchanged:
      ++update.unchanged;
      break;
    case Applied::stale:
      ++update.stale;
      break;
  }
}

}  // namespace

std::expected<SchoolUpdate, std::string> update_school(const fs::path& root,
                                                       std::string_view school_urn,
                                                       std::span<const SchoolEvent> events,
                                                       std::string_view panel_url, TimePoint now) {
  const auto dir = root / std::string(school_urn);
  const auto plans = dir / std::string(kPlansFolder);
  // The configured folder itself is never re-created: gone, it is more likely an unmounted
  // share (whose files must not land on the local disk) than something to make again.
  std::error_code ec;
  if (!fs::is_directory(root, ec))
    return std::unexpected("cannot use " + root.string() +
                           ": the folder is missing (is the share or drive connected?)");
  if (auto made = files::ensure_directory(plans); !made) return failed(made.error());
  auto lock = files::FolderLock::acquire(dir);
  if (!lock) return failed(lock.error());
  // Left by a crash mid-write; safe to remove now that no other careerlink writes here.
  files::remove_stale_temp_files(dir);
  files::remove_stale_temp_files(plans);

  const auto state_file = dir / std::string(kStateFileName);
  auto stored = files::read_if_exists(state_file);
  if (!stored) return failed(stored.error());
  SchoolState state;
  state.school_urn = std::string(school_urn);
  if (*stored) {
    auto parsed = parse_state(**stored, school_urn);
    if (!parsed)
      return std::unexpected("cannot use " + state_file.string() + ": " + parsed.error() +
                             " (move it aside to start again from the next changes)");
    state = std::move(*parsed);
  }

  SchoolUpdate update;
  std::set<std::string, std::less<>> touched;
  for (const auto& e : events) {
    if (const auto* status = std::get_if<PupilStatus>(&e.event)) {
      touched.insert(status->pupil.upn);
      count(update, apply_status(state, *status, e.happened_at));
    } else {
      const auto& withdrawn = std::get<PlanWithdrawn>(e.event);
      touched.insert(withdrawn.pupil.upn);
      count(update, apply_withdrawal(state, withdrawn, e.happened_at, now));
    }
  }

  // Documents first, then the state, then the UDF file: whichever step a crash interrupts, the
  // retried batch rewrites from the same events and the files end up the same.
  for (const auto& upn : touched) {
    const auto file = plans / plan_file_name(upn);
    const auto& record = state.pupils.at(upn);
    if (record.status && record.status->plan) {
      auto written = files::replace_if_changed(file, plan_document(*record.status, panel_url));
      if (!written) return failed(written.error());
      if (*written) {
        ++update.documents_written;
        spdlog::debug("sims: wrote plan document {}", file.string());
      }
    } else {
      auto removed = files::remove_if_exists(file);
      if (!removed) return failed(removed.error());
      if (*removed) {
        ++update.documents_removed;
        spdlog::debug("sims: removed plan document {}", file.string());
      }
    }
  }
  if (auto saved = files::replace_if_changed(state_file, state_text(state)); !saved)
    return failed(saved.error());
  auto udf = files::replace_if_changed(dir / std::string(kUdfFileName), udf_csv(state));
  if (!udf) return failed(udf.error());
  update.udf_written = *udf;
  if (auto removed = files::replace_if_changed(dir / std::string(kRemovedPlansFileName),
                                               removed_plans_csv(state));
      !removed)
    return failed(removed.error());
  for (const auto& [upn, record] : state.pupils)
    if (record.status) ++update.pupils;
  return update;
}

}  // namespace careerlink::sims
