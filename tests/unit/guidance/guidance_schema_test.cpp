// The published JSON Schemas must say what the parser does: the same fields, the same required
// ones, the same words and limits, and every NCCIS code. A change to one without the other
// fails here.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "daemon/guidance/guidance_json.hpp"
#include "daemon/guidance/nccis_codes.hpp"

namespace careerlink::guidance {
namespace {

using nlohmann::json;

json load_schema(const std::string& name) {
  const std::string path = std::string(CAREERLINK_SOURCE_DIR) + "/daemon/guidance/" + name;
  std::ifstream in(path);
  if (!in) {
    ADD_FAILURE() << "cannot open " << path;
    return json::object();
  }
  json doc = json::parse(in, nullptr, false);
  if (doc.is_discarded()) ADD_FAILURE() << path << " is not valid JSON";
  return doc;
}

class Schema {
 public:
  explicit Schema(const std::string& name) : doc_(load_schema(name)) {}

  // `node`, or the $defs entry it refers to.
  [[nodiscard]] const json& resolve(const json& node) const {
    if (node.contains("$ref")) {
      const std::string ref = node["$ref"].get<std::string>();
      const std::string prefix = "#/$defs/";
      EXPECT_TRUE(ref.starts_with(prefix)) << ref;
      return doc_.at("$defs").at(ref.substr(prefix.size()));
    }
    return node;
  }
  [[nodiscard]] const json& root() const { return doc_; }
  [[nodiscard]] const json& property(const json& object, const std::string& name) const {
    return resolve(resolve(object).at("properties").at(name));
  }

 private:
  json doc_;
};

bool allows_null(const json& node) {
  if (node.contains("enum")) {
    for (const auto& v : node["enum"])
      if (v.is_null()) return true;
    return false;
  }
  if (!node.contains("type")) return false;
  const json& type = node["type"];
  if (type.is_string()) return type == "null";
  for (const auto& t : type)
    if (t == "null") return true;
  return false;
}

// The object's properties and required list are the parser's; optional fields (and only they)
// may be null, as the parser takes null for "not given".
void expect_object(const Schema& schema, const json& node, std::span<const JsonField> fields,
                   const std::string& what) {
  SCOPED_TRACE(what);
  const json& object = schema.resolve(node);
  EXPECT_EQ(object.value("additionalProperties", true), false);

  std::set<std::string> schema_fields;
  for (const auto& [key, unused] : object.at("properties").items())
    schema_fields.insert(key);
  std::set<std::string> parser_fields;
  std::set<std::string> parser_required;
  for (const JsonField& f : fields) {
    parser_fields.insert(std::string(f.name));
    if (f.required) parser_required.insert(std::string(f.name));
  }
  EXPECT_EQ(schema_fields, parser_fields);

  std::set<std::string> schema_required;
  for (const auto& r : object.value("required", json::array()))
    schema_required.insert(r.get<std::string>());
  EXPECT_EQ(schema_required, parser_required);

  for (const JsonField& f : fields) {
    if (!object.at("properties").contains(f.name)) continue;
    EXPECT_EQ(allows_null(schema.property(object, std::string(f.name))), !f.required)
        << "field " << f.name;
  }
}

// The enum's words are the parser's, in order; an optional field's enum also holds "" and null
// (not given).
template <std::size_t N>
void expect_words(const json& node, const std::array<std::string_view, N>& words, bool optional,
                  const std::string& what) {
  SCOPED_TRACE(what);
  std::vector<std::string> schema_words;
  bool has_empty = false;
  bool has_null = false;
  for (const auto& v : node.at("enum")) {
    if (v.is_null()) {
      has_null = true;
    } else if (v.is_string() && v.get<std::string>().empty()) {
      has_empty = true;
    } else {
      schema_words.push_back(v.get<std::string>());
    }
  }
  EXPECT_EQ(schema_words, std::vector<std::string>(words.begin(), words.end()));
  EXPECT_EQ(has_empty, optional);
  EXPECT_EQ(has_null, optional);
}

void expect_all_codes(const Schema& schema) {
  std::vector<std::string> expected;
  for (const auto& a : all_activities())
    expected.emplace_back(a.code);
  std::vector<std::string> listed;
  for (const auto& c : schema.root().at("$defs").at("activityCode").at("enum"))
    listed.push_back(c.get<std::string>());
  EXPECT_EQ(listed, expected);
}

TEST(GuidanceSchema, InterviewSchemaMatchesTheParser) {
  const Schema s("interview.schema.json");
  const json& root = s.root();
  ASSERT_TRUE(root.is_object());
  EXPECT_EQ(root.value("$schema", ""), "https://json-schema.org/draft/2020-12/schema");

  expect_object(s, root, fields::kInterview, "interview");
  const json& pupil = s.property(root, "pupil");
  expect_object(s, pupil, fields::kPupil, "pupil");
  expect_object(s, s.property(root, "adviser"), fields::kAdviser, "adviser");
  expect_object(s, s.property(root, "consent"), fields::kConsent, "consent");
  const json& plan = s.property(root, "plan");
  expect_object(s, plan, fields::kPlan, "plan");
  expect_object(s, s.property(plan, "intended_destination"), fields::kIntendedDestination,
                "intended_destination");
  const json& actions = s.property(plan, "actions");
  const json& action = s.resolve(actions.at("items"));
  expect_object(s, action, fields::kAction, "action");

  expect_words(s.property(root, "kind"), vocab::kInterviewKinds, false, "kind");
  expect_words(s.property(root, "provider_type"), vocab::kProviderTypes, false, "provider_type");
  expect_words(s.property(action, "owner"), vocab::kActionOwners, false, "owner");
  expect_words(s.property(action, "status"), vocab::kActionStatuses, true, "status");
  expect_all_codes(s);
  EXPECT_EQ(s.property(s.property(plan, "intended_destination"), "activity_code"),
            root.at("$defs").at("activityCode"));

  // Pupil: at least one of upn and mis_id.
  std::set<std::string> one_of;
  for (const auto& branch : pupil.at("anyOf"))
    one_of.insert(branch.at("required").at(0).get<std::string>());
  EXPECT_EQ(one_of, (std::set<std::string>{"upn", "mis_id"}));

  const json& minutes = s.property(root, "minutes");
  EXPECT_EQ(minutes.at("minimum"), kMinMinutes);
  EXPECT_EQ(minutes.at("maximum"), kMaxMinutes);
  const json& level = s.property(s.property(root, "adviser"), "qualification_level");
  EXPECT_EQ(level.at("minimum"), kMinQualificationLevel);
  EXPECT_EQ(level.at("maximum"), kMaxQualificationLevel);
  EXPECT_EQ(actions.at("maxItems"), kMaxActions);
  EXPECT_EQ(s.property(plan, "summary").at("maxLength"), kMaxSummaryChars);
  EXPECT_EQ(root.at("$defs").at("text").at("maxLength"), kMaxTextChars);
  EXPECT_EQ(root.at("$defs").at("optionalText").at("maxLength"), kMaxTextChars);
  EXPECT_EQ(root.at("$defs").at("id").at("maxLength"), kMaxIdChars);
  EXPECT_EQ(s.property(root, "external_id").at("maxLength"), kMaxIdChars);
  EXPECT_EQ(s.property(action, "id"), root.at("$defs").at("id"));
}

TEST(GuidanceSchema, DestinationSchemaMatchesTheParser) {
  const Schema s("destination.schema.json");
  const json& root = s.root();
  ASSERT_TRUE(root.is_object());
  EXPECT_EQ(root.value("$schema", ""), "https://json-schema.org/draft/2020-12/schema");

  expect_object(s, root, fields::kDestination, "destination");
  expect_object(s, s.property(root, "pupil"), fields::kPupil, "pupil");
  expect_object(s, s.property(root, "provider"), fields::kProvider, "provider");
  expect_words(s.property(root, "type"), vocab::kDestinationTypes, false, "type");
  expect_words(s.property(root, "confirmed_by"), vocab::kConfirmedBy, true, "confirmed_by");
  expect_all_codes(s);
  EXPECT_EQ(s.property(root, "activity_code"), root.at("$defs").at("activityCode"));
}

// Both schemas describe a pupil and the shared value shapes the same way.
TEST(GuidanceSchema, SharedDefinitionsAgree) {
  const Schema interview("interview.schema.json");
  const Schema destination("destination.schema.json");
  for (const char* name :
       {"pupil", "date", "optionalDate", "urn", "text", "optionalText", "id", "activityCode"}) {
    EXPECT_EQ(interview.root().at("$defs").at(name), destination.root().at("$defs").at(name))
        << name;
  }
}

}  // namespace
}  // namespace careerlink::guidance
