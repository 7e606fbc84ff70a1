// The SQLite back end's classes, shared by the files that implement them: sqlite_store.cpp
// (schools, pupils, staff, groups), sqlite_outbox.cpp (the outbox) and sqlite_job_runs.cpp
// (scheduled job runs). Private to daemon/store/.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "daemon/store/sqlite_db.hpp"
#include "daemon/store/store.hpp"

namespace careerlink::sqlite {

class SqliteTransaction;

// sqlite_guidance.cpp: one version of an interview's plan, with its actions in order.
StoreResult<std::optional<guidance::ActionPlan>> load_plan(Connection& db, std::int64_t interview,
                                                           int version);
// sqlite_follow_up.cpp: tutors' ticks carried into a new version of the plan.
StoreResult<void> carry_forward_ticks(Connection& db, std::int64_t interview, int version);

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(std::unique_ptr<Connection> db, int version)
      : db_(std::move(db)), version_(version) {}

  StoreResult<std::unique_ptr<StoreTransaction>> begin() override;
  StoreResult<std::vector<SchoolInfo>> schools() override;
  StoreResult<std::optional<SchoolInfo>> find_school(std::string_view urn_or_laestab) override;
  StoreResult<std::vector<PupilView>> list_pupils(const PupilFilter& filter) override;
  StoreResult<std::optional<PupilView>> find_pupil(std::string_view upn) override;
  StoreResult<std::vector<StaffView>> list_staff(SchoolId school) override;
  StoreResult<std::vector<std::pair<std::string, std::int64_t>>> source_record_totals() override;
  [[nodiscard]] int schema_version() const override { return version_; }

  // Outbox: sqlite_outbox.cpp.
  StoreResult<std::vector<OutboxMessage>> lease_outbox(std::string_view sink, std::size_t max,
                                                       TimePoint now,
                                                       std::chrono::seconds lease) override;
  StoreResult<void> ack_outbox(std::span<const std::int64_t> ids, TimePoint now) override;
  StoreResult<void> release_outbox(std::span<const std::int64_t> ids, TimePoint now) override;
  StoreResult<void> retry_outbox(std::int64_t id, TimePoint next_attempt,
                                 std::string_view error) override;
  StoreResult<void> dead_letter_outbox(std::int64_t id, std::string_view reason) override;
  StoreResult<std::vector<OutboxMessage>> list_outbox(const OutboxFilter& filter) override;
  StoreResult<bool> requeue_outbox(std::int64_t id, TimePoint now) override;
  StoreResult<std::int64_t> requeue_all_dead(const std::optional<std::string>& sink,
                                             TimePoint now) override;
  StoreResult<bool> drop_outbox(std::int64_t id) override;
  StoreResult<std::vector<OutboxCount>> count_outbox() override;
  StoreResult<std::int64_t> purge_delivered(TimePoint before) override;

  // Scheduled source syncs: sqlite_source_files.cpp.
  StoreResult<std::optional<std::string>> source_file_hash(std::string_view source,
                                                           std::string_view file) override;
  StoreResult<void> record_source_file(std::string_view source, std::string_view file,
                                       std::string_view sha256, std::string_view outcome,
                                       TimePoint at) override;

  // Audit trail: sqlite_audit.cpp.
  StoreResult<void> record_audit(const AuditEvent& event) override;
  StoreResult<std::vector<AuditEvent>> list_audit(const AuditFilter& filter) override;

  // Job runs: sqlite_job_runs.cpp.
  StoreResult<std::int64_t> start_job_run(std::string_view job, TimePoint scheduled_for,
                                          TimePoint started_at) override;
  StoreResult<void> finish_job_run(std::int64_t run, TimePoint finished_at, std::string_view result,
                                   std::string_view message) override;
  StoreResult<std::vector<JobRun>> last_job_runs() override;

  // Guidance records: sqlite_guidance.cpp; pupil_by_id: sqlite_store.cpp.
  StoreResult<std::optional<rules::PupilFacts>> pupil_facts(std::int64_t pupil) override;
  StoreResult<std::optional<bool>> staff_consent(std::int64_t pupil) override;
  StoreResult<std::optional<StoredInterview>> find_interview(std::string_view provider,
                                                             std::string_view external_id) override;
  StoreResult<std::vector<StoredInterview>> pupil_interviews(std::int64_t pupil) override;
  StoreResult<std::vector<StoredPlanVersion>> plan_history(std::int64_t interview) override;
  StoreResult<std::vector<StoredDestination>> pupil_destinations(std::int64_t pupil) override;
  // The LA return: sqlite_la_return.cpp.
  StoreResult<LatestDestinations> latest_destinations(
      std::int64_t pupil, const std::optional<std::string>& as_of) override;
  StoreResult<std::optional<GuaranteeStatus>> guarantee_status(
      std::int64_t pupil, const std::optional<std::string>& as_of) override;
  StoreResult<std::optional<LaSharingOptOut>> la_sharing_opt_out(std::int64_t pupil) override;
  StoreResult<std::vector<GuaranteeStatus>> guarantee_statuses(std::int64_t pupil) override;
  StoreResult<std::vector<TrackerSourceRow>> tracker_source_rows(
      SchoolId school, const std::optional<TrackerChangesSince>& since) override;
  StoreResult<std::vector<TrackerDelivery>> tracker_deliveries_of(
      std::string_view sink, std::span<const std::int64_t> pupils) override;
  StoreResult<std::vector<TrackerDelivery>> pupil_tracker_deliveries(std::int64_t pupil) override;
  StoreResult<std::int64_t> tracker_change_seq() override;
  StoreResult<std::optional<TrackerCursor>> tracker_cursor(std::string_view sink,
                                                           SchoolId school) override;
  StoreResult<std::vector<TrackerDelivery>> tracker_deliveries(
      std::string_view sink, std::optional<SchoolId> school) override;
  StoreResult<std::vector<std::int64_t>> pupil_ids(std::optional<SchoolId> school) override;
  StoreResult<std::optional<PupilView>> pupil_by_id(std::int64_t pupil) override;

  // Intake API keys: sqlite_api_keys.cpp.
  StoreResult<std::int64_t> create_api_key(std::string_view name, std::string_view prefix,
                                           std::string_view sha256_hex,
                                           std::span<const std::string> school_urns,
                                           std::string_view created_by, TimePoint now) override;
  StoreResult<std::optional<ApiKeyInfo>> find_api_key(std::string_view sha256_hex) override;
  StoreResult<std::vector<ApiKeyInfo>> list_api_keys() override;
  StoreResult<bool> revoke_api_key(std::string_view id_or_prefix, TimePoint now) override;

  // Follow-up flags: sqlite_flags.cpp.
  StoreResult<std::vector<FlagRow>> list_flags(const FlagFilter& filter) override;

  // Staff accounts and panel sessions: sqlite_staff_access.cpp.
  StoreResult<std::int64_t> put_staff_account(const StaffAccount& account, TimePoint now) override;
  StoreResult<std::optional<StaffAccount>> find_staff_account(std::string_view email) override;
  StoreResult<std::vector<StaffAccount>> list_staff_accounts() override;
  StoreResult<bool> remove_staff_account(std::string_view email) override;
  StoreResult<bool> set_staff_password(std::string_view email, std::string_view hash) override;
  StoreResult<void> note_sign_in(std::string_view email, bool ok, TimePoint now, int max_failures,
                                 std::chrono::minutes lock) override;
  StoreResult<bool> is_mis_staff(std::string_view email) override;
  StoreResult<std::vector<StaffAssignment>> staff_assignments(std::string_view email) override;
  StoreResult<std::int64_t> data_version() override;
  [[nodiscard]] std::int64_t other_local_commits() const override {
    const std::int64_t mine = db_->commits();  // first: a commit between is then counted
    return sqlite::commits_in_process() - mine;
  }
  StoreResult<void> save_session(const PanelSession& session) override;
  StoreResult<std::vector<PanelSession>> live_sessions(TimePoint idle_since,
                                                       TimePoint created_since) override;
  StoreResult<void> touch_session(std::string_view id_sha256, TimePoint at) override;
  StoreResult<void> delete_session(std::string_view id_sha256) override;
  StoreResult<std::int64_t> purge_sessions(TimePoint idle_before,
                                           TimePoint created_before) override;

  // Tutors' follow-up: sqlite_follow_up.cpp.
  StoreResult<std::vector<FollowUpNote>> follow_up_notes(std::int64_t pupil) override;
  StoreResult<std::vector<ActionUpdate>> action_updates(std::int64_t pupil) override;
  StoreResult<std::optional<CurrentPlan>> current_plan(std::int64_t pupil) override;

  // Retention and subject access: sqlite_retention.cpp.
  StoreResult<std::vector<RetentionPupil>> retention_pupils() override;
  StoreResult<std::int64_t> count_audit_before(TimePoint before) override;
  StoreResult<std::vector<PupilIdentifierRow>> pupil_identifiers(std::int64_t pupil) override;
  StoreResult<std::vector<PupilGroupRow>> pupil_groups(std::int64_t pupil) override;
  StoreResult<std::vector<AuditEvent>> audit_about(std::span<const std::string> upns) override;
  StoreResult<std::vector<OutboxMessage>> outbox_naming(std::span<const std::string> upns) override;

  Connection& db() { return *db_; }
  StoreResult<void> load_grants(StaffAccount& account);

  StoreResult<void> load_key_schools(ApiKeyInfo& key);

  // Fills former_upns of each view: every UPN the pupil has had or was said to have had.
  StoreResult<void> load_former_upns(PupilView& view);

 private:
  // tracker_source_rows of a normal night: only the pupils `since` names.
  StoreResult<std::vector<TrackerSourceRow>> changed_source_rows(SchoolId school,
                                                                 const TrackerChangesSince& since);

  std::unique_ptr<Connection> db_;
  int version_;
};

class SqliteTransaction final : public StoreTransaction {
 public:
  explicit SqliteTransaction(SqliteStore& store) : db_(store.db()) {}
  ~SqliteTransaction() override {
    if (!done_) (void)db_.exec("ROLLBACK");
  }

  StoreResult<SchoolId> upsert_school(const SchoolRecord& school, UpsertOutcome* outcome) override;
  StoreResult<UpsertOutcome> upsert_pupil(SchoolId school, std::string_view source_system,
                                          const PupilRecord& pupil) override;
  StoreResult<UpsertOutcome> upsert_staff_group(SchoolId school,
                                                const StaffGroupRecord& row) override;
  StoreResult<void> record_import(SchoolId school, std::string_view file, std::string_view format,
                                  std::int64_t imported, std::int64_t updated,
                                  std::int64_t unchanged, std::int64_t rejected) override;
  // Outbox: sqlite_outbox.cpp.
  StoreResult<bool> enqueue(const OutboxDraft& message) override;

  // Guidance records: sqlite_guidance.cpp.
  StoreResult<std::optional<PupilMatch>> match_guidance_pupil(
      SchoolId school, const guidance::PupilRef& pupil) override;
  StoreResult<InterviewWrite> put_interview(SchoolId school, std::int64_t pupil,
                                            std::string_view provider,
                                            const guidance::Interview& interview,
                                            std::string_view body, TimePoint now) override;
  StoreResult<std::optional<bool>> staff_consent(std::int64_t pupil) override;
  StoreResult<std::pair<std::int64_t, bool>> add_destination(
      SchoolId school, std::int64_t pupil, std::string_view source,
      const guidance::Destination& destination, TimePoint now) override;

  // Follow-up flags: sqlite_flags.cpp.
  StoreResult<std::optional<rules::PupilFacts>> pupil_facts(std::int64_t pupil) override;
  StoreResult<std::vector<StoredFlag>> open_flags(std::int64_t pupil) override;
  StoreResult<std::int64_t> raise_flag(std::int64_t pupil, const rules::Flag& flag, bool shared,
                                       TimePoint now) override;
  StoreResult<void> update_flag(std::int64_t flag, const rules::Flag& now_is, bool shared) override;
  StoreResult<void> clear_flag(std::int64_t flag, TimePoint now) override;
  StoreResult<std::vector<std::int64_t>> take_rules_pending(std::size_t max) override;

  // Tutors' follow-up: sqlite_follow_up.cpp.
  StoreResult<std::optional<CurrentPlan>> current_plan(std::int64_t pupil) override;
  StoreResult<bool> set_action_status(std::int64_t pupil, std::string_view action_id,
                                      std::string_view status, std::string_view by,
                                      std::string_view on_date, TimePoint now) override;
  StoreResult<std::int64_t> add_follow_up_note(std::int64_t pupil, std::string_view text,
                                               std::string_view author, TimePoint now) override;
  StoreResult<std::optional<guidance::Destination>> latest_intended_destination(
      std::int64_t pupil) override;

  // Retention: sqlite_retention.cpp.
  StoreResult<RetentionCounts> apply_retention_step(const RetentionStep& step) override;
  StoreResult<std::int64_t> purge_audit_before(TimePoint before) override;
  StoreResult<void> audit_in_transaction(const AuditEvent& event) override;
  StoreResult<void> record_tracker_deliveries(std::span<const TrackerDelivery> answers) override;
  StoreResult<void> set_tracker_cursor(std::string_view sink, SchoolId school,
                                       const TrackerCursor& cursor) override;
  // The LA return: sqlite_la_return.cpp.
  StoreResult<bool> set_la_sharing_opt_out(std::int64_t pupil,
                                           const std::optional<LaSharingOptOut>& opt_out) override;
  StoreResult<bool> add_guarantee_status(SchoolId school, std::int64_t pupil,
                                         std::string_view source, const GuaranteeStatus& status,
                                         TimePoint now) override;

  StoreResult<void> commit() override {
    CAREERLINK_TRY(db_.exec("COMMIT"));
    done_ = true;
    return {};
  }

 private:
  StoreResult<std::optional<std::int64_t>> match_pupil(SchoolId school,
                                                       std::string_view source_system,
                                                       const PupilRecord& r);
  StoreResult<std::optional<std::int64_t>> pupil_by_upn(SchoolId school, std::string_view upn);
  // Adds an identifier if new, or flips its `current` mark; returns whether anything changed.
  StoreResult<bool> ensure_identifier(std::int64_t pupil, std::string_view kind,
                                      std::string_view source, std::string_view value,
                                      bool current);
  // `fresh`: the pupil was inserted just now, so it has no earlier identifiers to retire.
  StoreResult<bool> record_identifiers(std::int64_t pupil, std::string_view source_system,
                                       const PupilRecord& r, bool fresh);
  StoreResult<std::int64_t> ensure_group(SchoolId school, std::string_view kind,
                                         std::string_view name);
  StoreResult<bool> set_tutor_group(SchoolId school, std::int64_t pupil, std::string_view name);
  static void bind_interview(Statement& st, SchoolId school, std::int64_t pupil,
                             const guidance::Interview& interview, std::string_view body);

  Connection& db_;
  bool done_ = false;
};

// Reading destinations (defined in sqlite_guidance.cpp), so every query that returns them
// reads the same columns the same way. The nine columns d.type, d.activity_code,
// d.provider_name, d.provider_urn, d.provider_ukprn, d.course, d.start_date, d.confirmed_by,
// d.recorded_on, in that order from column `first`:
guidance::Destination read_destination_columns(const Statement& s, int first);
// d.id, d.source, s.urn, p.upn, then the nine above, then d.received_ms:
StoredDestination read_stored_destination(const Statement& s);

}  // namespace careerlink::sqlite
