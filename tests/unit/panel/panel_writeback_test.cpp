// From a tutor's tick in the panel to the MIS: the `sims` sink's folder (the UDF file and the
// pupil's action plan document) reflects it, through the outbox, with the service running.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/unit/panel/panel_fixture.hpp"

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

TEST(PanelWriteBack, ATutorsTickReachesTheSimsFolder) {
  test::TempDir sims;
  test::PanelService service(
      "[outbox]\npoll_interval_ms = 50\n"
      "[[sink]]\nname = \"sims\"\ntype = \"sims\"\nfolder = \"" +
      sims.path().string() + "\"\n");
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
  for (int i = 0; i < 150 && slurp(plan) == before; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const std::string after = slurp(plan);
  EXPECT_NE(after, before);
  EXPECT_NE(after.find("Done"), std::string::npos) << after;
  std::size_t documents = 0;
  for (const auto& f : std::filesystem::directory_iterator(school / "plans")) {
    (void)f;
    ++documents;
  }
  EXPECT_EQ(documents, 1U);
  // The overdue flag is cleared, so the UDF row's RAG follows the pupil's remaining flags.
  const std::string udf = slurp(school / "careers-udf.csv");
  const auto row = udf.find(test::kPupil11A);
  ASSERT_NE(row, std::string::npos);
  EXPECT_EQ(udf.substr(row, udf.find('\n', row) - row).find("Red"), std::string::npos) << udf;
}

}  // namespace
}  // namespace careerlink
