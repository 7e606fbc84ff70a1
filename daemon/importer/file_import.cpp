#include "daemon/importer/file_import.hpp"

#include <algorithm>
#include <cctype>
#include <unordered_map>

#include "daemon/domain/dates.hpp"
#include "daemon/domain/upn.hpp"

namespace careerlink {
namespace {

std::string trimmed_upper(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  std::string out(s);
  std::ranges::transform(out, out.begin(),
                         [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

std::optional<std::string> email_problem(std::string_view email) {
  const auto at = email.find('@');
  if (email.empty()) return "staff email is missing";
  if (at == std::string_view::npos || at == 0 || at + 1 >= email.size() ||
      email.find('@', at + 1) != std::string_view::npos ||
      email.find_first_of(" \t,;<>") != std::string_view::npos ||
      email.find('.', at) == std::string_view::npos) {
    return "'" + std::string(email) + "' is not an email address";
  }
  return std::nullopt;
}

// Receives records from a source and writes them inside the import's transaction.
class ImportSink final : public RecordSink {
 public:
  ImportSink(Store& store, StoreTransaction& tx, const ImportOptions& options,
             ImportSummary& summary)
      : store_(store), tx_(tx), options_(options), summary_(summary) {}

  bool on_school(const SchoolRecord& school) override {
    auto id = tx_.upsert_school(school);
    if (!id) return fail(id.error());
    school_ = *id;
    summary_.school_laestab = school.laestab;
    summary_.school_urn = school.urn;
    return true;
  }

  bool on_pupil(PupilRecord&& pupil) override {
    if (!ensure_school()) return false;
    pupil.upn = trimmed_upper(pupil.upn);
    for (auto& former : pupil.former_upns)
      former = trimmed_upper(former);
    if (auto reason = pupil_problem(pupil)) {
      reject_pupil(pupil, std::move(*reason));
      return true;
    }
    if (auto [it, fresh] = seen_upns_.try_emplace(pupil.upn, pupil.line); !fresh) {
      reject_pupil(pupil, "UPN " + pupil.upn + " also appears at line " +
                              std::to_string(it->second) +
                              " of this file; each pupil may appear once");
      return true;
    }
    if (!pupil.dob && !options_.require_dob) {
      // Without a DOB this file may only update a pupil careerlink already has.
      auto known = store_.find_pupil(pupil.upn);
      if (!known) return fail(known.error());
      if (!*known || (*known)->school_laestab != summary_.school_laestab) {
        reject_pupil(pupil,
                     "UPN " + pupil.upn +
                         " is not a pupil careerlink knows, and this file has no date of birth "
                         "to add one: import the pupil from a CTF or a full pupil list first");
        return true;
      }
    }
    auto outcome = tx_.upsert_pupil(*school_, options_.source_system, pupil);
    if (!outcome) {
      if (outcome.error().kind == StoreError::Kind::conflict) {
        reject_pupil(pupil, outcome.error().message);
        return true;
      }
      return fail(outcome.error());
    }
    count(*outcome);
    return true;
  }

  bool on_staff_group(StaffGroupRecord&& row) override {
    if (!ensure_school()) return false;
    std::ranges::transform(row.email, row.email.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::optional<std::string> reason;
    if (!row.problems.empty()) {
      reason = row.problems.front();
    } else if (auto bad = email_problem(row.email)) {
      reason = std::move(bad);
    } else if (row.group.empty()) {
      reason = "group is missing";
    } else if (row.group_kind != "tutor" && row.group_kind != "year" && row.group_kind != "class") {
      reason = "group kind '" + row.group_kind + "' is not tutor, year or class";
    }
    if (reason) {
      summary_.rejected.push_back(RejectedRecord{row.line, "", row.email, std::move(*reason)});
      return true;
    }
    if (row.role.empty()) row.role = "tutor";
    auto outcome = tx_.upsert_staff_group(*school_, row);
    if (!outcome) return fail(outcome.error());
    count(*outcome);
    return true;
  }

  void on_progress(std::uint64_t done, std::uint64_t total) override {
    if (options_.progress) options_.progress(done, total);
  }

  [[nodiscard]] const std::optional<SchoolId>& school() const { return school_; }
  [[nodiscard]] const std::optional<ImportFailure>& failure() const { return failure_; }

 private:
  bool fail(const StoreError& error) {
    failure_ = ImportFailure{FileError{summary_.file, 0, "store: " + error.message}, true};
    return false;
  }

  // Files without a school header (CSV) import into the school named by --school, or the only
  // school careerlink has.
  bool ensure_school() {
    if (school_) return true;
    if (options_.school) {
      auto found = store_.find_school(*options_.school);
      if (!found) return fail(found.error());
      if (!*found) {
        failure_ = ImportFailure{
            FileError{summary_.file, 0,
                      "no school with URN or LAESTAB " + *options_.school +
                          " is known: import the school's CTF first, or check the number"}};
        return false;
      }
      use(**found);
      return true;
    }
    auto all = store_.schools();
    if (!all) return fail(all.error());
    if (all->size() == 1) {
      use(all->front());
      return true;
    }
    failure_ = ImportFailure{FileError{
        summary_.file, 0,
        all->empty() ? "this file does not name its school and careerlink has none yet: import "
                       "the school's CTF first, or pass --school URN"
                     : "this file does not name its school and careerlink has several: pass "
                       "--school URN"}};
    return false;
  }

  void use(const SchoolInfo& school) {
    school_ = school.id;
    summary_.school_laestab = school.laestab;
    summary_.school_urn = school.urn;
  }

  std::optional<std::string> pupil_problem(const PupilRecord& p) const {
    if (!p.problems.empty()) return p.problems.front();
    if (auto bad = upn_problem(p.upn)) return bad;
    for (const auto& former : p.former_upns) {
      if (auto bad = upn_problem(former)) return "FormerUPN: " + *bad;
    }
    if (options_.require_dob && !p.dob) return "date of birth (DOB) is missing";
    if (p.dob && !parse_iso_date(*p.dob)) return "DOB '" + *p.dob + "' is not a valid date";
    return std::nullopt;
  }

  void reject_pupil(const PupilRecord& p, std::string reason) {
    summary_.rejected.push_back(RejectedRecord{p.line, p.upn, "", std::move(reason)});
  }

  void count(UpsertOutcome outcome) {
    switch (outcome) {
      case UpsertOutcome::inserted:
        ++summary_.imported;
        break;
      case UpsertOutcome::updated:
        ++summary_.updated;
        break;
      case UpsertOutcome::unchanged:
        ++summary_.unchanged;
        break;
    }
  }

  Store& store_;
  StoreTransaction& tx_;
  const ImportOptions& options_;
  ImportSummary& summary_;
  std::optional<SchoolId> school_;
  std::optional<ImportFailure> failure_;
  std::unordered_map<std::string, std::size_t> seen_upns_;
};

}  // namespace

std::expected<ImportSummary, ImportFailure> import_file(Store& store, FileSource& source,
                                                        const std::filesystem::path& file,
                                                        const ImportOptions& options) {
  ImportSummary summary;
  summary.file = file.string();
  auto tx = store.begin();
  if (!tx) {
    return std::unexpected(
        ImportFailure{FileError{summary.file, 0, "store: " + tx.error().message}, true});
  }
  ImportSink sink(store, **tx, options, summary);
  auto info = source.read(file, sink);
  // The sink's own failure (store, unknown school) explains the stop better than the source's.
  if (sink.failure()) return std::unexpected(*sink.failure());
  if (!info) return std::unexpected(ImportFailure{info.error()});
  summary.format = info->format;
  if (sink.school()) {
    auto recorded = (*tx)->record_import(*sink.school(), summary.file, summary.format,
                                         summary.imported, summary.updated, summary.unchanged,
                                         static_cast<std::int64_t>(summary.rejected.size()));
    if (!recorded) {
      return std::unexpected(
          ImportFailure{FileError{summary.file, 0, "store: " + recorded.error().message}, true});
    }
  }
  if (auto committed = (*tx)->commit(); !committed) {
    return std::unexpected(
        ImportFailure{FileError{summary.file, 0, "store: " + committed.error().message}, true});
  }
  return summary;
}

}  // namespace careerlink
