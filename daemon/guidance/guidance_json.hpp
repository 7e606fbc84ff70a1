// Interviews and destinations as the intake API and the drop folder write them in JSON:
// checking a body and reporting every fault by the field path the sender used
// ("plan.actions[0].due"), and writing records back in the same shape.
// interview.schema.json and destination.schema.json beside this file describe the same shape;
// the tables below are what the parser goes by, and guidance_schema_test keeps the schemas equal
// to them.
#pragma once

#include <array>
#include <cstddef>
#include <expected>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/guidance/guidance.hpp"

namespace careerlink::guidance {

inline constexpr std::size_t kMaxActions = 100;
inline constexpr std::size_t kMaxTextChars = 2000;     // names, courses, action texts
inline constexpr std::size_t kMaxSummaryChars = 4000;  // plan.summary
inline constexpr std::size_t kMaxIdChars = 100;        // external_id, mis_id, action ids
inline constexpr int kMinMinutes = 1;
inline constexpr int kMaxMinutes = 600;
inline constexpr int kMinQualificationLevel = 0;
inline constexpr int kMaxQualificationLevel = 8;

// The words each enumerated field takes.
namespace vocab {
inline constexpr std::array<std::string_view, 4> kInterviewKinds{"one_to_one", "group", "drop_in",
                                                                 "follow_up"};
inline constexpr std::array<std::string_view, 2> kProviderTypes{"in_house", "external"};
inline constexpr std::array<std::string_view, 5> kActionOwners{"pupil", "tutor", "adviser",
                                                               "parent", "other"};
inline constexpr std::array<std::string_view, 3> kActionStatuses{"open", "done", "dropped"};
inline constexpr std::array<std::string_view, 2> kDestinationTypes{"intended", "actual"};
inline constexpr std::array<std::string_view, 6> kConfirmedBy{"pupil",  "parent", "provider",
                                                              "school", "la",     "other"};
}  // namespace vocab

// One field of a JSON object as the parser takes it. A field not listed is refused.
struct JsonField {
  std::string_view name;
  bool required;
};

namespace fields {
inline constexpr std::array kInterview{
    JsonField{"external_id", false}, JsonField{"school_urn", true},    JsonField{"pupil", true},
    JsonField{"date", true},         JsonField{"minutes", true},       JsonField{"kind", true},
    JsonField{"adviser", true},      JsonField{"provider_type", true}, JsonField{"consent", true},
    JsonField{"plan", false},
};
// Neither is required alone, but one of them must be given.
inline constexpr std::array kPupil{JsonField{"upn", false}, JsonField{"mis_id", false}};
inline constexpr std::array kAdviser{JsonField{"name", true}, JsonField{"organisation", true},
                                     JsonField{"qualification_level", true}};
inline constexpr std::array kConsent{
    JsonField{"share_with_staff", true}, JsonField{"share_with_trackers", true},
    JsonField{"recorded_on", true}, JsonField{"recorded_by", false}};
inline constexpr std::array kPlan{JsonField{"summary", false},
                                  JsonField{"intended_destination", false},
                                  JsonField{"actions", false}, JsonField{"next_review", false}};
inline constexpr std::array kIntendedDestination{
    JsonField{"activity_code", true}, JsonField{"provider", false}, JsonField{"course", false}};
inline constexpr std::array kAction{JsonField{"id", true},      JsonField{"text", true},
                                    JsonField{"owner", true},   JsonField{"due", false},
                                    JsonField{"status", false}, JsonField{"done_on", false},
                                    JsonField{"done_by", false}};
inline constexpr std::array kDestination{
    JsonField{"school_urn", true},   JsonField{"pupil", true},
    JsonField{"type", true},         JsonField{"activity_code", true},
    JsonField{"provider", false},    JsonField{"course", false},
    JsonField{"start_date", false},  JsonField{"confirmed_by", false},
    JsonField{"recorded_on", false},
};
inline constexpr std::array kProvider{JsonField{"name", false}, JsonField{"urn", false},
                                      JsonField{"ukprn", false}};
}  // namespace fields

// Checks an interview body (PUT /api/v1/interviews/{external_id}) and returns the record, or
// every fault found. `external_id` is the id from the URL; the body may repeat it, and must
// carry it when `external_id` is empty (a drop-folder file). `today` (ISO) bounds the dates
// that cannot lie ahead: the interview's, consent's and an action's done_on.
// Strings are trimmed; null or an empty string in an optional field means "not given".
std::expected<Interview, std::vector<FieldError>> parse_interview(const nlohmann::json& body,
                                                                  std::string_view external_id,
                                                                  std::string_view today);

// The interview in the body's shape, with external_id; parse_interview takes it back unchanged.
nlohmann::json interview_to_json(const Interview& interview);

// Checks a destination body (POST /api/v1/destinations); `today` bounds recorded_on.
std::expected<Destination, std::vector<FieldError>> parse_destination(const nlohmann::json& body,
                                                                      std::string_view today);

nlohmann::json destination_to_json(const Destination& destination);

// A value quoted as JSON writes it, for a fault message, cut to 60 characters (never inside a
// UTF-8 sequence) so one huge value does not flood the error list.
std::string json_quoted(std::string_view s);

// {"errors":[{"field":"plan.actions[0].due","message":"..."}]} as compact JSON text.
std::string field_errors_json(std::span<const FieldError> errors);

// Parses JSON text for intake, refusing what nlohmann would take silently or unsafely: nesting
// deeper than `max_depth`, and an object naming a key twice (the second would quietly win).
// The error says what is wrong and where ("parse error at line 3, column 9: ..."); it completes
// a sentence such as "the body is not valid JSON: ...".
std::expected<nlohmann::json, std::string> parse_json_text(std::string_view text,
                                                           std::size_t max_depth = 32);

}  // namespace careerlink::guidance
