// Whole-or-nothing files, removal, the write probe and the folder lock, on real folders.
#include "daemon/files/atomic_files.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/unit/sims/sims_test_support.hpp"
#include "tests/unit/support/test_support.hpp"

namespace careerlink::sims {
namespace {

namespace fs = std::filesystem;

TEST(SimsAtomicFiles, WritesReplacesAndLeavesNoTemporaryFile) {
  careerlink::test::TempDir dir;
  const auto file = dir / "careers-udf.csv";
  ASSERT_TRUE(files::write_atomically(file, "first\r\n"));
  struct stat first {};
  ASSERT_EQ(::stat(file.c_str(), &first), 0);
  ASSERT_TRUE(files::write_atomically(file, "second\r\n"));
  EXPECT_EQ(careerlink::test::read_file(file), "second\r\n");
  struct stat second {};
  ASSERT_EQ(::stat(file.c_str(), &second), 0);
  // Replaced by rename: a reader holding the old file keeps a whole old file.
  EXPECT_NE(first.st_ino, second.st_ino);
  EXPECT_EQ(test::tree(dir.path()), (std::vector<std::string>{"careers-udf.csv"}));
  const auto mask = ::umask(0);
  ::umask(mask);
  EXPECT_EQ(second.st_mode & 0777, 0640u & ~static_cast<unsigned>(mask));  // pupil data
}

TEST(SimsAtomicFiles, ReplacesOnlyWhenTheBytesDiffer) {
  careerlink::test::TempDir dir;
  const auto file = dir / "a.html";
  auto wrote = files::replace_if_changed(file, "<p>x</p>");
  ASSERT_TRUE(wrote);
  EXPECT_TRUE(*wrote);
  struct stat before {};
  ::stat(file.c_str(), &before);
  wrote = files::replace_if_changed(file, "<p>x</p>");
  ASSERT_TRUE(wrote);
  EXPECT_FALSE(*wrote);
  struct stat after {};
  ::stat(file.c_str(), &after);
  EXPECT_EQ(before.st_ino, after.st_ino);
  wrote = files::replace_if_changed(file, "<p>y</p>");
  ASSERT_TRUE(wrote);
  EXPECT_TRUE(*wrote);
  EXPECT_EQ(careerlink::test::read_file(file), "<p>y</p>");
}

TEST(SimsAtomicFiles, AFailedWriteLeavesTheOldFileAndNoTemporary) {
  careerlink::test::TempDir dir;
  const auto target = dir / "plan.html";
  fs::create_directory(target);  // a folder where the file should go: the rename must fail
  auto written = files::write_atomically(target, "new");
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().action, "cannot replace");
  EXPECT_NE(written.error().to_string().find(target.string()), std::string::npos);
  EXPECT_EQ(test::tree(dir.path()), (std::vector<std::string>{"plan.html"}));
  EXPECT_TRUE(fs::is_directory(target));

  auto nowhere = files::write_atomically(dir / "missing" / "x.csv", "x");
  ASSERT_FALSE(nowhere);
  EXPECT_EQ(nowhere.error().action, "cannot write");
  EXPECT_EQ(nowhere.error().detail, "No such file or directory");
}

TEST(SimsAtomicFiles, ReadsAndRemoves) {
  careerlink::test::TempDir dir;
  const auto file = dir / "x.txt";
  auto missing = files::read_if_exists(file);
  ASSERT_TRUE(missing);
  EXPECT_FALSE(*missing);
  careerlink::test::write_file(file, "");
  auto empty = files::read_if_exists(file);
  ASSERT_TRUE(empty && *empty);
  EXPECT_EQ(**empty, "");
  auto removed = files::remove_if_exists(file);
  ASSERT_TRUE(removed);
  EXPECT_TRUE(*removed);
  removed = files::remove_if_exists(file);
  ASSERT_TRUE(removed);
  EXPECT_FALSE(*removed);
  EXPECT_FALSE(files::read_if_exists(dir.path()));  // a folder is not a file
}

TEST(SimsAtomicFiles, ProbesAndCreatesFolders) {
  careerlink::test::TempDir dir;
  ASSERT_TRUE(files::ensure_directory(dir / "a"));
  EXPECT_TRUE(files::probe_writable(dir / "a"));
  EXPECT_TRUE(test::tree(dir / "a").empty());
  careerlink::test::write_file(dir / "f", "x");
  auto not_a_folder = files::ensure_directory(dir / "f");
  ASSERT_FALSE(not_a_folder);
  // libstdc++ says "Not a directory" from create_directories itself; either way, the path.
  EXPECT_TRUE(not_a_folder.error().to_string().starts_with("cannot create " + (dir / "f").string() +
                                                           ": ") ||
              not_a_folder.error().to_string() ==
                  "cannot use " + (dir / "f").string() + ": it is not a folder")
      << not_a_folder.error().to_string();
  EXPECT_FALSE(files::probe_writable(dir / "missing"));
}

TEST(SimsAtomicFiles, RemovesOnlyStaleTemporaryFiles) {
  careerlink::test::TempDir dir;
  careerlink::test::write_file(dir / ".cl-tmp-careers-udf.csv-abc", "half");
  careerlink::test::write_file(dir / ".cl-tmp-B820432116017.html-def", "half");
  careerlink::test::write_file(dir / "careers-udf.csv", "whole");
  careerlink::test::write_file(dir / ".careerlink-state.json", "{}");
  EXPECT_EQ(files::remove_stale_temp_files(dir.path()), 2u);
  EXPECT_EQ(test::tree(dir.path()),
            (std::vector<std::string>{".careerlink-state.json", "careers-udf.csv"}));
}

TEST(SimsAtomicFiles, OneLockHolderAtATime) {
  careerlink::test::TempDir dir;
  {
    auto first = files::FolderLock::acquire(dir.path());
    ASSERT_TRUE(first) << first.error().to_string();
    auto second = files::FolderLock::acquire(dir.path());
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().detail, "another careerlink process is writing this folder");
    auto moved = std::move(*first);  // moving keeps it held
    EXPECT_FALSE(files::FolderLock::acquire(dir.path()));
  }
  EXPECT_TRUE(files::FolderLock::acquire(dir.path()));  // released with its holder
}

}  // namespace
}  // namespace careerlink::sims
