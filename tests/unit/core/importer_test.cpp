// The importer's rules, driven by a scripted source: one transaction per file, rejections with
// line and reason, duplicates, and nothing written when the source refuses the file.
#include <gtest/gtest.h>

#include <functional>

#include "daemon/importer/file_import.hpp"
#include "tests/unit/support/test_support.hpp"

namespace careerlink {
namespace {

using test::TempDir;

// A FileSource that plays a script against the sink, then returns `result`.
class ScriptedSource final : public FileSource {
 public:
  std::function<void(RecordSink&)> script;
  std::expected<FileInfo, FileError> result = FileInfo{"scripted"};

  std::expected<FileInfo, FileError> read(const std::filesystem::path&, RecordSink& sink) override {
    script(sink);
    return result;
  }
};

PupilRecord pupil(std::size_t line, std::string upn) {
  PupilRecord p;
  p.line = line;
  p.upn = std::move(upn);
  p.surname = "Patel";
  p.forename = "Arjun";
  p.dob = "2010-05-06";
  p.nc_year = "11";
  return p;
}

struct Fixture {
  TempDir dir;
  std::unique_ptr<Store> store = std::move(*open_sqlite_store(dir.path()));
  ImportOptions options = [] {
    ImportOptions o;
    o.source_system = "ctf";
    return o;
  }();

  std::expected<ImportSummary, ImportFailure> run(ScriptedSource& source) {
    return import_file(*store, source, "file.xml", options);
  }
};

void with_school(RecordSink& sink) {
  sink.on_school(SchoolRecord{"8204321", "137942", {}});
}

TEST(Importer, ImportsValidRecordsAndRejectsBadOnesWithLineAndReason) {
  Fixture f;
  ScriptedSource source;
  source.script = [](RecordSink& sink) {
    with_school(sink);
    sink.on_pupil(pupil(10, "B801200005001"));
    sink.on_pupil(pupil(20, "A801200005001"));  // wrong check letter
    auto no_dob = pupil(30, "P207000016049");
    no_dob.dob.reset();
    sink.on_pupil(std::move(no_dob));
    auto bad_field = pupil(40, "M80120000500A");
    bad_field.problems.push_back("Sex 'Q' is not M or F");
    sink.on_pupil(std::move(bad_field));
  };
  auto summary = f.run(source);
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->imported, 1);
  ASSERT_EQ(summary->rejected.size(), 3u);
  EXPECT_EQ(summary->rejected[0].line, 20u);
  EXPECT_EQ(summary->rejected[0].upn, "A801200005001");
  EXPECT_NE(summary->rejected[0].reason.find("check letter"), std::string::npos);
  EXPECT_EQ(summary->rejected[1].line, 30u);
  EXPECT_NE(summary->rejected[1].reason.find("DOB"), std::string::npos);
  EXPECT_EQ(summary->rejected[2].reason, "Sex 'Q' is not M or F");
  EXPECT_EQ(f.store->list_pupils({})->size(), 1u);
}

TEST(Importer, ADuplicateUpnInOneFileIsRejectedNamingTheFirstLine) {
  Fixture f;
  ScriptedSource source;
  source.script = [](RecordSink& sink) {
    with_school(sink);
    sink.on_pupil(pupil(12, "B801200005001"));
    sink.on_pupil(pupil(57, " b801200005001 "));  // same UPN, untidy
  };
  auto summary = f.run(source);
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->imported, 1);
  ASSERT_EQ(summary->rejected.size(), 1u);
  EXPECT_EQ(summary->rejected[0].line, 57u);
  EXPECT_NE(summary->rejected[0].reason.find("line 12"), std::string::npos);
}

TEST(Importer, ARefusedFileLeavesNothingBehind) {
  Fixture f;
  ScriptedSource source;
  source.script = [](RecordSink& sink) {
    with_school(sink);
    sink.on_pupil(pupil(10, "B801200005001"));
    sink.on_pupil(pupil(20, "P207000016049"));
  };
  source.result = std::unexpected(FileError{"file.xml", 23, "truncated"});
  auto summary = f.run(source);
  ASSERT_FALSE(summary);
  EXPECT_EQ(summary.error().error.line, 23u);
  EXPECT_FALSE(summary.error().store_failure);
  EXPECT_TRUE(f.store->list_pupils({})->empty());
  EXPECT_TRUE(f.store->schools()->empty()) << "even the school header must be rolled back";
}

TEST(Importer, ImportingTheSameDataTwiceChangesNothingAndSaysSo) {
  Fixture f;
  ScriptedSource source;
  source.script = [](RecordSink& sink) {
    with_school(sink);
    sink.on_pupil(pupil(10, "B801200005001"));
    sink.on_pupil(pupil(20, "P207000016049"));
  };
  auto first = f.run(source);
  auto second = f.run(source);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->imported, 2);
  EXPECT_EQ(second->imported, 0);
  EXPECT_EQ(second->updated, 0);
  EXPECT_EQ(second->unchanged, 2);
}

TEST(Importer, AFileWithoutASchoolUsesTheOnlySchoolOrAsksForOne) {
  Fixture f;
  ScriptedSource source;
  source.script = [](RecordSink& sink) { sink.on_pupil(pupil(2, "B801200005001")); };
  auto none_yet = f.run(source);
  ASSERT_FALSE(none_yet);
  EXPECT_NE(none_yet.error().error.message.find("--school"), std::string::npos);

  ScriptedSource ctf;
  ctf.script = with_school;
  ASSERT_TRUE(f.run(ctf));
  auto one = f.run(source);
  ASSERT_TRUE(one);
  EXPECT_EQ(one->school_laestab, "8204321");

  f.options.school = "999999";
  auto unknown = f.run(source);
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().error.message.find("999999"), std::string::npos);
}

TEST(Importer, WithoutADobColumnOnlyKnownPupilsAreUpdated) {
  Fixture f;
  ScriptedSource ctf;
  ctf.script = [](RecordSink& sink) {
    with_school(sink);
    sink.on_pupil(pupil(10, "B801200005001"));
  };
  ASSERT_TRUE(f.run(ctf));
  f.options.require_dob = false;
  ScriptedSource attendance;
  attendance.script = [](RecordSink& sink) {
    PupilRecord known;
    known.line = 2;
    known.upn = "B801200005001";
    known.attendance_pct = 88.0;
    PupilRecord stranger;
    stranger.line = 3;
    stranger.upn = "P207000016049";
    stranger.attendance_pct = 97.0;
    sink.on_pupil(std::move(known));
    sink.on_pupil(std::move(stranger));
  };
  auto summary = f.run(attendance);
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->updated, 1);
  ASSERT_EQ(summary->rejected.size(), 1u);
  EXPECT_EQ(summary->rejected[0].upn, "P207000016049");
  EXPECT_EQ(f.store->list_pupils({})->size(), 1u) << "no half pupil may be created";
}

TEST(Importer, StaffRowsAreValidatedAndLowerCased) {
  Fixture f;
  ScriptedSource source;
  source.script = [](RecordSink& sink) {
    with_school(sink);
    StaffGroupRecord good;
    good.line = 2;
    good.email = "A.Hughes@Riverside.sch.uk";
    good.group = "10A";
    good.role = "tutor";
    StaffGroupRecord bad = good;
    bad.line = 3;
    bad.email = "not an email";
    sink.on_staff_group(std::move(good));
    sink.on_staff_group(std::move(bad));
  };
  auto summary = f.run(source);
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->imported, 1);
  ASSERT_EQ(summary->rejected.size(), 1u);
  EXPECT_EQ(summary->rejected[0].line, 3u);
  auto staff = f.store->list_staff(f.store->schools()->front().id);
  ASSERT_EQ(staff->size(), 1u);
  EXPECT_EQ(staff->front().email, "a.hughes@riverside.sch.uk");
}

}  // namespace
}  // namespace careerlink
