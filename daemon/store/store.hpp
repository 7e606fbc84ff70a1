// The Store: careerlink's single source of truth. This interface carries no SQL and no
// back-end types, so a PostgreSQL back end can sit beside the SQLite one.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/domain/records.hpp"
#include "daemon/guidance/guidance.hpp"
#include "daemon/rules/rules.hpp"

namespace careerlink {

struct StoreError {
  // `conflict`: the record clashes with what is stored (two pupils would share a UPN); the
  // caller rejects that record and goes on. `failure`: the store itself failed; stop.
  enum class Kind { failure, conflict };
  std::string message;
  Kind kind = Kind::failure;
};

template <class T>
using StoreResult = std::expected<T, StoreError>;

using SchoolId = std::int64_t;

// What an idempotent upsert did, so an import can say "nothing changed".
enum class UpsertOutcome { inserted, updated, unchanged };

struct SchoolInfo {
  SchoolId id = 0;
  std::string laestab;
  std::optional<std::string> urn;
  std::optional<std::string> name;
};

// A pupil as the rest of careerlink reads it.
struct PupilView {
  std::int64_t id = 0;
  std::string school_laestab;
  std::optional<std::string> school_urn;
  std::string upn;
  std::vector<std::string> former_upns;
  std::optional<std::string> uln;
  std::optional<std::string> surname, forename, middle_names, preferred_surname, preferred_forename;
  std::optional<std::string> dob, sex, nc_year, enrol_status, on_roll_date, leaving_date;
  std::optional<bool> fsm;
  std::optional<std::string> sen;
  std::optional<bool> ehcp, looked_after, eal;
  std::optional<double> attendance_pct;
  std::optional<std::int64_t> exclusions;
  std::optional<bool> young_carer;
  std::optional<std::string> tutor_group;
  bool on_roll = true;
};

struct PupilFilter {
  std::optional<SchoolId> school;
  std::optional<std::string> nc_year;  // CTF code, e.g. "10"
  std::optional<std::string> group;    // any group name (tutor group, class)
};

struct StaffView {
  std::int64_t id = 0;
  std::string email;
  std::optional<std::string> title, forename, surname;
  std::vector<std::pair<std::string, std::string>> groups;  // (group name, role)
};

using TimePoint = std::chrono::system_clock::time_point;

// The outbox (transactional outbox): every change bound for the outside world is enqueued in the
// same transaction as the change itself, then delivered by a worker per sink.
struct OutboxDraft {
  std::string sink;             // the configured sink's name
  std::string idempotency_key;  // unique per message; the far side dedupes on it
  std::string payload;          // JSON text
};

enum class OutboxState { pending, leased, delivered, dead };

// "pending" | "leased" | "delivered" | "dead": as stored, listed and labelled in metrics.
constexpr std::string_view to_string(OutboxState state) {
  switch (state) {
    case OutboxState::pending:
      return "pending";
    case OutboxState::leased:
      return "leased";
    case OutboxState::delivered:
      return "delivered";
    case OutboxState::dead:
      return "dead";
  }
  return "pending";
}

struct OutboxMessage {
  std::int64_t id = 0;
  std::string sink;
  std::string idempotency_key;
  std::string payload;
  OutboxState state = OutboxState::pending;
  int attempts = 0;
  TimePoint created_at{};
  TimePoint next_attempt_at{};
  std::optional<TimePoint> lease_until;
  std::optional<std::string> last_error;
};

struct OutboxFilter {
  std::optional<std::string> sink;
  std::optional<OutboxState> state;
  std::size_t limit = 1000;
};

struct OutboxCount {
  std::string sink;
  OutboxState state = OutboxState::pending;
  std::int64_t count = 0;
};

// One run of a scheduled job, for `careerlink jobs list`, catch-up after downtime, and metrics.
struct JobRun {
  std::int64_t id = 0;
  std::string job;
  TimePoint scheduled_for{};  // the slot this run served
  TimePoint started_at{};
  std::optional<TimePoint> finished_at;
  std::string result;  // "running" | "ok" | "retry" | "error"
  std::string message;
};

// Who saw or changed what, when, from where: every staff view and change, and every operator
// action on the outbox, is one audit event. Details never hold secrets.
struct AuditEvent {
  std::int64_t id = 0;
  TimePoint at{};
  std::string actor;   // a member of staff's email, an API key's name, or "cli:<os user>"
  std::string action;  // e.g. "outbox.drop", "outbox.retry"
  std::string object;  // what it was done to, e.g. "outbox:42" or "pupil:<UPN>"
  std::string origin;  // where from: an IP address, or "cli@<host>"
  std::string detail;  // free text (JSON welcome)
};

struct AuditFilter {
  std::optional<std::string> object;  // exact
  std::optional<std::string> action;  // exact
  std::size_t limit = 200;
};

// --- Guidance records (sqlite_guidance.cpp) ---

// A pupil a guidance record names, found by UPN (current or former) or by a source system's id.
struct PupilMatch {
  std::int64_t id = 0;
  std::string upn;
};

// What storing an interview did. A changed plan makes a new version; the old ones are kept.
struct InterviewWrite {
  std::int64_t id = 0;
  UpsertOutcome outcome = UpsertOutcome::unchanged;
  int plan_version = 0;  // the current plan version after the write; 0 = no plan
  bool plan_changed = false;
  std::int64_t previous_pupil = 0;  // when replacing: the pupil it named before (may differ)
};

struct StoredInterview {
  std::int64_t id = 0;
  std::int64_t pupil_id = 0;
  std::string provider;  // the organisation that sent it
  std::string external_id;
  std::string school_urn;
  std::string upn;
  std::string body;  // canonical JSON as last accepted
  int plan_version = 0;
  std::string date;
  bool share_with_staff = false;
  bool share_with_trackers = false;
  TimePoint created_at{};
  TimePoint updated_at{};
};

struct StoredPlanVersion {
  std::int64_t interview_id = 0;
  int version = 0;
  guidance::ActionPlan plan;
  TimePoint recorded_at{};
  std::string recorded_by;
};

struct StoredDestination {
  std::int64_t id = 0;
  std::string source;  // who sent it
  guidance::Destination destination;
  TimePoint received_at{};
};

// --- Intake API keys (sqlite_api_keys.cpp): only a hash of each key is stored ---
struct ApiKeyInfo {
  std::int64_t id = 0;
  std::string name;    // the provider organisation
  std::string prefix;  // the key's first characters, to tell keys apart in lists
  std::vector<std::string> school_urns;
  TimePoint created_at{};
  std::string created_by;
  std::optional<TimePoint> revoked_at;
};

// --- Follow-up flags (sqlite_flags.cpp) ---
struct StoredFlag {
  std::int64_t id = 0;
  std::int64_t pupil_id = 0;
  std::string kind;
  rules::Rag rag = rules::Rag::amber;
  std::string reason;
  TimePoint raised_at{};
  std::optional<TimePoint> cleared_at;
  bool shared = true;  // false: plan-derived and the pupil has not agreed to share with staff
};

struct FlagFilter {
  std::optional<SchoolId> school;
  std::optional<std::string> nc_year;
  std::optional<std::string> group;
  std::optional<rules::Rag> rag;
  bool open_only = true;
  std::optional<std::int64_t> pupil_id;
};

// A flag with the pupil it belongs to, for lists.
struct FlagRow {
  StoredFlag flag;
  std::string school_urn;
  std::string upn;
  std::optional<std::string> nc_year;
  std::optional<std::string> tutor_group;
};

// --- Staff sign-in for the careers panel (sqlite_staff_access.cpp) ---

// A role given to a member of staff in careerlink itself (`careerlink users add`), on top of
// what the MIS says they look after. `scope` narrows it: the NC year code for head_of_year, the
// tutor group's name for tutor; empty for the whole-school roles.
struct StaffGrant {
  std::string school_urn;
  std::string role;  // tutor | head_of_year | careers_leader | adviser | admin
  std::string scope;
  bool operator==(const StaffGrant&) const = default;
};

struct StaffAccount {
  std::int64_t id = 0;
  std::string email;  // lower case
  std::optional<std::string> display_name;
  std::optional<std::string> password_hash;  // none: signs in through the school's OIDC only
  bool disabled = false;
  int failed_sign_ins = 0;
  std::optional<TimePoint> locked_until;
  std::vector<StaffGrant> grants;
  TimePoint created_at{};
  std::string created_by;
};

// What the MIS says one member of staff looks after: a tutor group they tutor, a year group
// they head, a class they teach (group_staff, matched by e-mail).
struct StaffAssignment {
  std::string school_urn;
  std::string group_kind;  // tutor | year | class
  std::string group_name;
  std::string role;  // as the MIS export named it: tutor, head_of_year, ...
};

// A signed-in panel session. Only a hash of the session id is stored.
struct PanelSession {
  std::string id_sha256;
  std::string email;
  std::string csrf_token;
  std::string method;  // "password" | "oidc"
  TimePoint created_at{};
  TimePoint last_seen{};
  std::string remote;  // the address it signed in from
};

// --- Tutors' follow-up (sqlite_follow_up.cpp) ---

struct FollowUpNote {
  std::int64_t id = 0;
  std::int64_t pupil_id = 0;
  std::string text;
  std::string author;  // staff e-mail
  TimePoint at{};
};

// A tick-off of one action of a plan, kept as history even when the adviser sends a new version.
struct ActionUpdate {
  std::int64_t interview_id = 0;
  std::string action_id;
  std::string status;  // open | done | dropped
  std::string by;      // staff e-mail
  TimePoint at{};
};

// The pupil's current plan (the latest interview that has one) with what identifies it.
struct CurrentPlan {
  std::int64_t interview_id = 0;
  std::string provider;
  std::string external_id;
  int version = 0;
  std::string interview_date;
  std::string adviser_name;
  bool share_with_staff = false;
  guidance::ActionPlan plan;
};

// --- Tracker uploads (sqlite_tracker.cpp) ---

// What a tracker may be told about one pupil: who they are, their latest intended and actual
// destinations, and what they agreed to (the tracker connector decides what to send).
struct TrackerSourceRow {
  std::int64_t pupil_id = 0;
  std::string upn;
  std::optional<std::string> forename;
  std::optional<std::string> surname;
  std::optional<std::string> dob;
  std::optional<std::string> nc_year;
  std::optional<std::string> leaving_date;
  // The latest interview's share_with_trackers; nullopt: no interview recorded.
  std::optional<bool> agreed_to_trackers;
  // The latest of each type: by recorded_on, then when careerlink received it.
  std::optional<guidance::Destination> intended;
  std::optional<guidance::Destination> actual;
};

// What one tracker sink last sent for one pupil, and what the tracker answered.
struct TrackerDelivery {
  std::string sink;
  std::int64_t pupil_id = 0;
  std::string upn;      // filled on read
  std::string version;  // hash of the record as sent
  std::string idempotency_key;
  std::string status;       // accepted (the tracker holds this version) | rejected
  std::string tracker_ref;  // the tracker's id for the record, when it gave one
  std::string detail;       // the tracker's reason for a rejection
  TimePoint at{};
};

// Where a tracker sink's last complete run of a school left off, so a normal night reads only
// the pupils whose facts changed since (store triggers number every change) instead of the
// whole school.
struct TrackerCursor {
  std::int64_t change_seq = 0;  // every change up to this one has been looked at
  std::string as_of;            // the school-local date of that run (leavers crossing a date)
  std::string basis;            // what decided eligibility then; a different one: look at all
};

// Which pupils a normal night reads: facts changed after `change_seq`, and leavers whose leaving
// date falls in one of the half-open ranges (after, up_to] (they crossed a date, nothing else).
struct TrackerChangesSince {
  std::int64_t change_seq = 0;
  std::vector<std::pair<std::string, std::string>> leaving_between;
};

// --- The local authority return (sqlite_la_return.cpp) ---

// An s72 opt-out (Education and Skills Act 2008): the pupil (16+) or a parent (under 16) asked
// the school not to pass "further information" to the local authority.
struct LaSharingOptOut {
  std::string requested_by;  // pupil | parent
  std::string recorded_by;   // who recorded it: "cli:<user>", a member of staff's e-mail
  TimePoint recorded_at{};
};

// A September Guarantee status as the LA reported it (GuaranteeStatusIndicator), verbatim: the
// reference has no list of the per-pupil codes to check it against.
struct GuaranteeStatus {
  std::string status;
  std::optional<std::string> recorded_on;
  std::string source;
};

// The latest destination of each type (most recent recorded_on, an undated one counting as of
// the day received; then the last received); the history stays in pupil_destinations.
struct LatestDestinations {
  std::optional<StoredDestination> actual;
  std::optional<StoredDestination> intended;
};

// --- Retention and subject access (sqlite_retention.cpp) ---

// What retention needs to know of one pupil: the dates its rules run from, and how much is held.
struct RetentionPupil {
  std::int64_t id = 0;
  std::string school_urn;  // "" when the school has no URN
  std::string upn;
  std::vector<std::string> upns;  // every UPN the pupil has had, the current one first
  std::optional<std::string> dob, leaving_date, pseudonymised_on;
  std::int64_t interviews = 0, plan_versions = 0, action_updates = 0, flags = 0, notes = 0,
               destinations = 0, guarantee_statuses = 0;
};

// One pupil's part of a retention run, as the retention engine decided it.
struct RetentionStep {
  std::int64_t pupil = 0;
  std::vector<std::string> upns;  // finds the outbox messages and audit events naming the pupil
  bool guidance = false;          // interviews (with plans and ticks), flags, notes
  bool destinations = false;
  bool remove_pupil = false;  // the pupil itself, with identifiers and group memberships
  bool pseudonymise = false;  // instead: identity replaced, free text redacted, the rest kept
  std::string pseudonym;      // the pupil's pseudonymous UPN (audit events are re-pointed to it)
  std::string on_date;        // the run's date, kept on a pseudonymised pupil
};

// What one or more steps did.
struct RetentionCounts {
  std::int64_t interviews = 0, plan_versions = 0, action_updates = 0, flags = 0, notes = 0,
               destinations = 0, guarantee_statuses = 0, pupils_removed = 0,
               pupils_pseudonymised = 0, outbox = 0, audit_repointed = 0;
};

// What a subject access export holds besides the guidance records other calls return.
struct PupilIdentifierRow {
  std::string kind;  // upn | former_upn | uln | source
  std::string source;
  std::string value;
  bool current = false;
  std::string first_seen, last_seen;
};
struct PupilGroupRow {
  std::string kind;  // tutor | year | class
  std::string name;
  std::string since;
};

// One unit of work. Destroying it without commit() rolls everything back, so a file that
// fails half-way leaves no trace.
class StoreTransaction {
 public:
  virtual ~StoreTransaction() = default;
  virtual StoreResult<SchoolId> upsert_school(const SchoolRecord& school,
                                              UpsertOutcome* outcome = nullptr) = 0;
  // Matches an existing pupil by the source's id, then by UPN, then by a former UPN, and
  // updates only the fields the record carries. `source_system` names where it came from
  // ("ctf", "csv", "arbor", ...) and keys the pupil's source id.
  virtual StoreResult<UpsertOutcome> upsert_pupil(SchoolId school, std::string_view source_system,
                                                  const PupilRecord& pupil) = 0;
  virtual StoreResult<UpsertOutcome> upsert_staff_group(SchoolId school,
                                                        const StaffGroupRecord& row) = 0;
  // Records one import of one file for the operators' history (counts only, no pupil data).
  virtual StoreResult<void> record_import(SchoolId school, std::string_view file,
                                          std::string_view format, std::int64_t imported,
                                          std::int64_t updated, std::int64_t unchanged,
                                          std::int64_t rejected) = 0;
  // Enqueues a message in this transaction. False when a message with the same idempotency key
  // already exists (then nothing is added: enqueueing is idempotent).
  virtual StoreResult<bool> enqueue(const OutboxDraft& message) = 0;

  // Guidance records. A pupil is never created here: an unknown pupil is nullopt.
  virtual StoreResult<std::optional<PupilMatch>> match_guidance_pupil(
      SchoolId school, const guidance::PupilRef& pupil) = 0;
  // Creates or replaces the interview `provider` knows as interview.external_id. `body` is its
  // canonical JSON: the same body again changes nothing. A plan that differs from the current
  // version becomes a new version.
  virtual StoreResult<InterviewWrite> put_interview(SchoolId school, std::int64_t pupil,
                                                    std::string_view provider,
                                                    const guidance::Interview& interview,
                                                    std::string_view body, TimePoint now) = 0;
  // Whether the pupil's latest interview (by date, then as received) says the plan may be
  // shared with staff; nullopt when the pupil has had no interview.
  virtual StoreResult<std::optional<bool>> staff_consent(std::int64_t pupil) = 0;
  // Adds a destination; the same destination from the same source again is not added twice.
  virtual StoreResult<std::pair<std::int64_t, bool>> add_destination(
      SchoolId school, std::int64_t pupil, std::string_view source,
      const guidance::Destination& destination, TimePoint now) = 0;

  // Follow-up flags: what the rules look at, and the open flags, for one pupil.
  virtual StoreResult<std::optional<rules::PupilFacts>> pupil_facts(std::int64_t pupil) = 0;
  virtual StoreResult<std::vector<StoredFlag>> open_flags(std::int64_t pupil) = 0;
  virtual StoreResult<std::int64_t> raise_flag(std::int64_t pupil, const rules::Flag& flag,
                                               bool shared, TimePoint now) = 0;
  virtual StoreResult<void> update_flag(std::int64_t flag, const rules::Flag& now_is,
                                        bool shared) = 0;
  virtual StoreResult<void> clear_flag(std::int64_t flag, TimePoint now) = 0;
  // Pupils whose rule inputs changed since their flags were last worked out (an import changed
  // their attendance, year, ...): up to `max` of them, taken off the list.
  virtual StoreResult<std::vector<std::int64_t>> take_rules_pending(std::size_t max) = 0;

  // Tutors' follow-up. The current plan (nullopt: none). Setting an action's status changes it
  // in the current plan version and keeps the change as history; false when the current plan
  // has no such action or it already has that status.
  virtual StoreResult<std::optional<CurrentPlan>> current_plan(std::int64_t pupil) = 0;
  virtual StoreResult<bool> set_action_status(std::int64_t pupil, std::string_view action_id,
                                              std::string_view status, std::string_view by,
                                              std::string_view on_date, TimePoint now) = 0;
  virtual StoreResult<std::int64_t> add_follow_up_note(std::int64_t pupil, std::string_view text,
                                                       std::string_view author, TimePoint now) = 0;
  // The latest intended destination record (nullopt: none recorded).
  virtual StoreResult<std::optional<guidance::Destination>> latest_intended_destination(
      std::int64_t pupil) = 0;

  // Retention (sqlite_retention.cpp): carries out one pupil's step and counts what went, with
  // the outbox messages naming the pupil; deletes audit events older than `before`; and writes
  // an audit event in this transaction, so it stands or falls with the change it records.
  virtual StoreResult<RetentionCounts> apply_retention_step(const RetentionStep& step) = 0;
  virtual StoreResult<std::int64_t> purge_audit_before(TimePoint before) = 0;
  virtual StoreResult<void> audit_in_transaction(const AuditEvent& event) = 0;
  // Records a tracker's answers, replacing what the sink last sent for each pupil.
  virtual StoreResult<void> record_tracker_deliveries(std::span<const TrackerDelivery> answers) = 0;
  virtual StoreResult<void> set_tracker_cursor(std::string_view sink, SchoolId school,
                                               const TrackerCursor& cursor) = 0;
  // The LA return: an s72 opt-out set (nullopt: cleared, the pupil opted back in); false when
  // nothing changed. A September Guarantee status added; false when already held.
  virtual StoreResult<bool> set_la_sharing_opt_out(
      std::int64_t pupil, const std::optional<LaSharingOptOut>& opt_out) = 0;
  virtual StoreResult<bool> add_guarantee_status(SchoolId school, std::int64_t pupil,
                                                 std::string_view source,
                                                 const GuaranteeStatus& status, TimePoint now) = 0;

  virtual StoreResult<void> commit() = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  virtual StoreResult<std::unique_ptr<StoreTransaction>> begin() = 0;

  virtual StoreResult<std::vector<SchoolInfo>> schools() = 0;
  // By URN (6 digits) or LAESTAB (7 digits).
  virtual StoreResult<std::optional<SchoolInfo>> find_school(std::string_view urn_or_laestab) = 0;
  virtual StoreResult<std::vector<PupilView>> list_pupils(const PupilFilter& filter) = 0;
  // By current UPN, or by a former UPN (the pupil it now belongs to).
  virtual StoreResult<std::optional<PupilView>> find_pupil(std::string_view upn) = 0;
  virtual StoreResult<std::vector<StaffView>> list_staff(SchoolId school) = 0;
  // Records taken in per source kind ("ctf", "csv", ...) over all imports, for /metrics.
  virtual StoreResult<std::vector<std::pair<std::string, std::int64_t>>> source_record_totals() = 0;

  // Outbox, for the delivery workers (each call is its own transaction).
  // Leases up to `max` due messages of `sink` (pending and next_attempt_at <= now, or leased with
  // an expired lease) until now + lease, counting an attempt on each.
  virtual StoreResult<std::vector<OutboxMessage>> lease_outbox(std::string_view sink,
                                                               std::size_t max, TimePoint now,
                                                               std::chrono::seconds lease) = 0;
  virtual StoreResult<void> ack_outbox(std::span<const std::int64_t> ids, TimePoint now) = 0;
  // Gives back leased messages that were never handed to the sink: pending and due at `now`,
  // with the attempt counted at lease taken back.
  virtual StoreResult<void> release_outbox(std::span<const std::int64_t> ids, TimePoint now) = 0;
  virtual StoreResult<void> retry_outbox(std::int64_t id, TimePoint next_attempt,
                                         std::string_view error) = 0;
  virtual StoreResult<void> dead_letter_outbox(std::int64_t id, std::string_view reason) = 0;
  virtual StoreResult<std::vector<OutboxMessage>> list_outbox(const OutboxFilter& filter) = 0;
  // Dead letter back to pending, due now. False when `id` is not a dead letter.
  virtual StoreResult<bool> requeue_outbox(std::int64_t id, TimePoint now) = 0;
  virtual StoreResult<std::int64_t> requeue_all_dead(const std::optional<std::string>& sink,
                                                     TimePoint now) = 0;
  virtual StoreResult<bool> drop_outbox(std::int64_t id) = 0;
  virtual StoreResult<std::vector<OutboxCount>> count_outbox() = 0;
  // Deletes delivered messages older than `before` (kept a while so late duplicates are seen).
  virtual StoreResult<std::int64_t> purge_delivered(TimePoint before) = 0;

  // Scheduled source syncs: the SHA-256 (hex) of what was last taken in from `file` by `source`,
  // and recording it with how that went ("imported", "some rejected", "refused: ...").
  virtual StoreResult<std::optional<std::string>> source_file_hash(std::string_view source,
                                                                   std::string_view file) = 0;
  virtual StoreResult<void> record_source_file(std::string_view source, std::string_view file,
                                               std::string_view sha256, std::string_view outcome,
                                               TimePoint at) = 0;

  // Audit trail: append-only.
  virtual StoreResult<void> record_audit(const AuditEvent& event) = 0;
  virtual StoreResult<std::vector<AuditEvent>> list_audit(const AuditFilter& filter) = 0;

  // Scheduled job runs.
  virtual StoreResult<std::int64_t> start_job_run(std::string_view job, TimePoint scheduled_for,
                                                  TimePoint started_at) = 0;
  virtual StoreResult<void> finish_job_run(std::int64_t run, TimePoint finished_at,
                                           std::string_view result, std::string_view message) = 0;
  // The latest run of each job that has run at all.
  virtual StoreResult<std::vector<JobRun>> last_job_runs() = 0;

  // Guidance records.
  virtual StoreResult<std::optional<rules::PupilFacts>> pupil_facts(std::int64_t pupil) = 0;
  virtual StoreResult<std::optional<bool>> staff_consent(std::int64_t pupil) = 0;
  virtual StoreResult<std::optional<StoredInterview>> find_interview(
      std::string_view provider, std::string_view external_id) = 0;
  virtual StoreResult<std::vector<StoredInterview>> pupil_interviews(std::int64_t pupil) = 0;
  // Every version of the plans of one interview, oldest first.
  virtual StoreResult<std::vector<StoredPlanVersion>> plan_history(std::int64_t interview) = 0;
  virtual StoreResult<std::vector<StoredDestination>> pupil_destinations(std::int64_t pupil) = 0;
  // The LA return (sqlite_la_return.cpp). `as_of` (ISO date): only records dated (recorded_on,
  // else the day received) on or before it count; nullopt: all.
  virtual StoreResult<LatestDestinations> latest_destinations(
      std::int64_t pupil, const std::optional<std::string>& as_of) = 0;
  virtual StoreResult<std::optional<GuaranteeStatus>> guarantee_status(
      std::int64_t pupil, const std::optional<std::string>& as_of) = 0;
  virtual StoreResult<std::optional<LaSharingOptOut>> la_sharing_opt_out(std::int64_t pupil) = 0;
  // Every September Guarantee status the LA reported for the pupil, oldest first.
  virtual StoreResult<std::vector<GuaranteeStatus>> guarantee_statuses(std::int64_t pupil) = 0;
  // Tracker uploads: every pupil of the school who has a destination, leavers included; with
  // `since`, only those of them it names (a normal night).
  virtual StoreResult<std::vector<TrackerSourceRow>> tracker_source_rows(
      SchoolId school, const std::optional<TrackerChangesSince>& since) = 0;
  // What `sink` last sent per pupil (of one school, or all), by pupil id.
  virtual StoreResult<std::vector<TrackerDelivery>> tracker_deliveries(
      std::string_view sink, std::optional<SchoolId> school) = 0;
  // The same for the given pupils only.
  virtual StoreResult<std::vector<TrackerDelivery>> tracker_deliveries_of(
      std::string_view sink, std::span<const std::int64_t> pupils) = 0;
  // What every tracker sink last sent of one pupil (a subject access export: who holds what).
  virtual StoreResult<std::vector<TrackerDelivery>> pupil_tracker_deliveries(
      std::int64_t pupil) = 0;
  // The number of the latest change to any pupil's tracker facts (0: none yet).
  virtual StoreResult<std::int64_t> tracker_change_seq() = 0;
  virtual StoreResult<std::optional<TrackerCursor>> tracker_cursor(std::string_view sink,
                                                                   SchoolId school) = 0;
  // Every pupil on the store, or of one school, by id: the full rules run's work list.
  virtual StoreResult<std::vector<std::int64_t>> pupil_ids(std::optional<SchoolId> school) = 0;
  virtual StoreResult<std::optional<PupilView>> pupil_by_id(std::int64_t pupil) = 0;

  // Intake API keys.
  virtual StoreResult<std::int64_t> create_api_key(std::string_view name, std::string_view prefix,
                                                   std::string_view sha256_hex,
                                                   std::span<const std::string> school_urns,
                                                   std::string_view created_by, TimePoint now) = 0;
  // The key with this hash, revoked or not (the caller tells 401 for revoked).
  virtual StoreResult<std::optional<ApiKeyInfo>> find_api_key(std::string_view sha256_hex) = 0;
  virtual StoreResult<std::vector<ApiKeyInfo>> list_api_keys() = 0;
  // By id or prefix. False when no live key matches.
  virtual StoreResult<bool> revoke_api_key(std::string_view id_or_prefix, TimePoint now) = 0;

  virtual StoreResult<std::vector<FlagRow>> list_flags(const FlagFilter& filter) = 0;

  // Staff accounts: inserted or updated by e-mail (grants replaced; the password hash only
  // when given).
  virtual StoreResult<std::int64_t> put_staff_account(const StaffAccount& account,
                                                      TimePoint now) = 0;
  virtual StoreResult<std::optional<StaffAccount>> find_staff_account(std::string_view email) = 0;
  virtual StoreResult<std::vector<StaffAccount>> list_staff_accounts() = 0;
  // Also ends the account's sessions. False when there is no such account.
  virtual StoreResult<bool> remove_staff_account(std::string_view email) = 0;
  // Sets a new password hash, unlocks the account and ends its sessions.
  virtual StoreResult<bool> set_staff_password(std::string_view email, std::string_view hash) = 0;
  // Counts a failed password sign-in (locking the account for `lock` after `max_failures`), or
  // clears the count after a good one.
  virtual StoreResult<void> note_sign_in(std::string_view email, bool ok, TimePoint now,
                                         int max_failures, std::chrono::minutes lock) = 0;
  // Whether the MIS knows this e-mail as a member of staff, and what they look after.
  virtual StoreResult<bool> is_mis_staff(std::string_view email) = 0;
  virtual StoreResult<std::vector<StaffAssignment>> staff_assignments(std::string_view email) = 0;

  // A number that changes whenever another connection commits (SQLite's data_version): what
  // the panel's page cache checks to know its pages are still current.
  virtual StoreResult<std::int64_t> data_version() = 0;
  // Commits by this process's other store connections (no I/O): while it stands still, only
  // another process can have changed what data_version() watches.
  [[nodiscard]] virtual std::int64_t other_local_commits() const = 0;

  // Panel sessions.
  virtual StoreResult<void> save_session(const PanelSession& session) = 0;
  virtual StoreResult<std::vector<PanelSession>> live_sessions(TimePoint idle_since,
                                                               TimePoint created_since) = 0;
  virtual StoreResult<void> touch_session(std::string_view id_sha256, TimePoint at) = 0;
  virtual StoreResult<void> delete_session(std::string_view id_sha256) = 0;
  virtual StoreResult<std::int64_t> purge_sessions(TimePoint idle_before,
                                                   TimePoint created_before) = 0;

  // Tutors' follow-up, newest first.
  virtual StoreResult<std::vector<FollowUpNote>> follow_up_notes(std::int64_t pupil) = 0;
  virtual StoreResult<std::vector<ActionUpdate>> action_updates(std::int64_t pupil) = 0;
  virtual StoreResult<std::optional<CurrentPlan>> current_plan(std::int64_t pupil) = 0;

  // Retention and subject access (sqlite_retention.cpp). Every pupil with what retention reads;
  // audit events older than `before`; a pupil's identifiers and groups; the audit events about
  // any of `upns` (object "pupil:<UPN>"), oldest first; the outbox messages naming any of them.
  virtual StoreResult<std::vector<RetentionPupil>> retention_pupils() = 0;
  virtual StoreResult<std::int64_t> count_audit_before(TimePoint before) = 0;
  virtual StoreResult<std::vector<PupilIdentifierRow>> pupil_identifiers(std::int64_t pupil) = 0;
  virtual StoreResult<std::vector<PupilGroupRow>> pupil_groups(std::int64_t pupil) = 0;
  virtual StoreResult<std::vector<AuditEvent>> audit_about(std::span<const std::string> upns) = 0;
  virtual StoreResult<std::vector<OutboxMessage>> outbox_naming(
      std::span<const std::string> upns) = 0;

  // The migration number the database is at.
  virtual int schema_version() const = 0;
};

struct SqliteOptions {
  int busy_timeout_ms = 5000;
  std::string synchronous = "normal";  // "normal" | "full"
};

// Opens (creating if needed) `data_dir/careerlink.db`, applies pending migrations, and refuses a
// database written by a newer careerlink.
StoreResult<std::unique_ptr<Store>> open_sqlite_store(const std::filesystem::path& data_dir,
                                                      const SqliteOptions& options = {});

// The highest migration this build knows.
int latest_schema_version();

}  // namespace careerlink
