// From a tutor's tick in the panel to the MIS: the `sims` sink's folder (the UDF file and the
// pupil's action plan document) reflects it, through the outbox, with the service running.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/mock_arbor/mock_arbor.hpp"
#include "tests/unit/panel/panel_fixture.hpp"
#include "tests/unit/support/test_tls.hpp"

namespace careerlink {
namespace {

std::string slurp(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Waits (bounded) until `file` exists and contains `text`.
bool wait_for_text(const std::filesystem::path& file, const std::string& text) {
  for (int i = 0; i < 150; ++i) {
    if (std::filesystem::exists(file) && slurp(file).find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

// The pupil's careers note in the mock Arbor, once it holds `text`.
std::optional<test::MockNote> arbor_note(const test::MockArbor& arbor, const std::string& student,
                                         const std::string& text) {
  for (int i = 0; i < 150; ++i) {
    for (const auto& n : arbor.notes_of(student)) {
      if (n.content.find(text) != std::string::npos) return n;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return std::nullopt;
}

TEST(PanelWriteBack, ATutorsTickReachesArborAndTheSimsFolder) {
  test::TempDir sims;
  test::TempDir pki_dir;
  const auto pki = test::make_test_pki(pki_dir.path());
  test::MockArborOptions options;
  options.tls_cert = pki.server_cert;
  options.tls_key = pki.server_key;
  test::MockArbor arbor(options);
  const std::string student = arbor.add_student(test::kPupil11A);
  test::write_file(pki_dir.path() / "arbor-password", options.password + "\n");
  test::PanelService service(
      "[outbox]\npoll_interval_ms = 50\n"
      "[[sink]]\nname = \"sims\"\ntype = \"sims\"\nfolder = \"" +
      sims.path().string() +
      "\"\n"
      "[[sink]]\nname = \"arbor\"\ntype = \"arbor\"\nurl = \"" +
      arbor.url() + "\"\nusername = \"" + options.username + "\"\npassword_file = \"" +
      (pki_dir.path() / "arbor-password").string() + "\"\nca_file = \"" + pki.ca_cert.string() +
      "\"\n");
  // Arbor: one careers note for the shared plan, with the plan and a link to the panel.
  auto first = arbor_note(arbor, student, "Attend the college open evening");
  ASSERT_TRUE(first) << service.dir();
  EXPECT_NE(first->content.find("/panel/pupil?upn=" + std::string(test::kPupil11A)),
            std::string::npos);
  const auto school = sims.path() / "137942";
  const auto plan = school / "plans" / (std::string(test::kPupil11A) + ".html");
  // The shared plan arrives as soon as the adviser's interview does; the unshared one never.
  ASSERT_TRUE(wait_for_text(plan, "Attend the college open evening")) << service.dir();
  EXPECT_FALSE(
      std::filesystem::exists(school / "plans" / (std::string(test::kPupil11B) + ".html")));
  ASSERT_TRUE(wait_for_text(school / "careers-udf.csv", test::kPupil11A));
  const std::string before = slurp(plan);

  test::Browser tutor = service.sign_in(test::kTutor);
  ASSERT_EQ(tutor
                .post("/panel/pupil/action", {{"csrf", tutor.csrf},
                                              {"upn", test::kPupil11A},
                                              {"action", "a1"},
                                              {"status", "done"}})
                .status,
            303);
  // The document is replaced (not a second one) and now says the action is done.
  ASSERT_EQ(before.find("Done"), std::string::npos);  // the action was open
  ASSERT_TRUE(wait_for_text(plan, "Done")) << slurp(plan);
  EXPECT_NE(slurp(plan), before);
  std::size_t documents = 0;
  for (const auto& f : std::filesystem::directory_iterator(school / "plans")) {
    (void)f;
    ++documents;
  }
  EXPECT_EQ(documents, 1U);
  // The overdue flag is cleared, so the UDF row's RAG follows the pupil's remaining flags.
  // Arbor: the same note, updated (never a second one), now saying the action is done.
  std::optional<test::MockNote> updated;
  for (int i = 0; i < 150 && !updated; ++i) {
    for (const auto& n : arbor.notes_of(student)) {
      if (n.id == first->id && n.content.find("Done") != std::string::npos) updated = n;
    }
    if (!updated) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(updated) << arbor.notes_of(student).front().content;
  std::size_t careers_notes = 0;
  for (const auto& n : arbor.notes_of(student)) {
    if (n.summary.find("[careerlink") != std::string::npos) ++careers_notes;
  }
  EXPECT_EQ(careers_notes, 1U);
  auto row_of = [&] {
    const std::string udf = slurp(school / "careers-udf.csv");
    const auto at = udf.find(test::kPupil11A);
    return at == std::string::npos ? std::string() : udf.substr(at, udf.find('\n', at) - at);
  };
  std::string row = row_of();
  for (int i = 0; i < 150 && row.find("Red") != std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    row = row_of();
  }
  ASSERT_FALSE(row.empty());
  EXPECT_EQ(row.find("Red"), std::string::npos) << row;
}

}  // namespace
}  // namespace careerlink
