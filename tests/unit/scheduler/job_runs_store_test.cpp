// Job runs in the SQLite store: start, finish, and the latest run of each job.
#include <gtest/gtest.h>

#include "daemon/store/store.hpp"
#include "tests/unit/scheduler/scheduler_test_support.hpp"

namespace careerlink {
namespace {

using test::TempDir;
using test::utc;

TEST(JobRunsStore, StartFinishAndLatestPerJob) {
  TempDir dir;
  auto store = test::open_job_store(dir);
  ASSERT_TRUE(store);
  auto none = store->last_job_runs();
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_TRUE(none->empty());

  auto a1 = store->start_job_run("alpha", utc(2026, 1, 1, 2), utc(2026, 1, 1, 2, 0));
  ASSERT_TRUE(a1) << a1.error().message;
  ASSERT_TRUE(store->finish_job_run(*a1, utc(2026, 1, 1, 2, 3), "ok", "12 pupils"));
  auto b1 = store->start_job_run("beta", utc(2026, 1, 1, 3), utc(2026, 1, 1, 3, 1));
  ASSERT_TRUE(b1);
  auto a2 = store->start_job_run("alpha", utc(2026, 1, 2, 2), utc(2026, 1, 2, 2, 0));
  ASSERT_TRUE(a2);
  ASSERT_TRUE(store->finish_job_run(*a2, utc(2026, 1, 2, 2, 4), "retry", "timeout"));

  auto runs = store->last_job_runs();
  ASSERT_TRUE(runs) << runs.error().message;
  ASSERT_EQ(runs->size(), 2U);
  const JobRun& alpha = (*runs)[0];
  EXPECT_EQ(alpha.id, *a2);
  EXPECT_EQ(alpha.job, "alpha");
  EXPECT_EQ(alpha.scheduled_for, utc(2026, 1, 2, 2));
  EXPECT_EQ(alpha.started_at, utc(2026, 1, 2, 2, 0));
  EXPECT_EQ(alpha.finished_at, utc(2026, 1, 2, 2, 4));
  EXPECT_EQ(alpha.result, "retry");
  EXPECT_EQ(alpha.message, "timeout");
  const JobRun& beta = (*runs)[1];
  EXPECT_EQ(beta.id, *b1);
  EXPECT_EQ(beta.result, "running");
  EXPECT_FALSE(beta.finished_at);
  EXPECT_EQ(beta.message, "");
}

TEST(JobRunsStore, KeepsMillisecondsAndSurvivesReopening) {
  TempDir dir;
  const TimePoint t = utc(2026, 5, 1, 12) + std::chrono::milliseconds{123};
  {
    auto store = test::open_job_store(dir);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->start_job_run("alpha", t, t));
  }
  auto store = test::open_job_store(dir);
  ASSERT_TRUE(store);
  auto runs = store->last_job_runs();
  ASSERT_TRUE(runs);
  ASSERT_EQ(runs->size(), 1U);
  EXPECT_EQ((*runs)[0].scheduled_for, t);
}

TEST(JobRunsStore, FinishErrors) {
  TempDir dir;
  auto store = test::open_job_store(dir);
  ASSERT_TRUE(store);
  auto missing = store->finish_job_run(42, utc(2026, 1, 1), "ok", "");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "there is no job run 42");
  auto run = store->start_job_run("alpha", utc(2026, 1, 1), utc(2026, 1, 1));
  ASSERT_TRUE(run);
  auto bad = store->finish_job_run(*run, utc(2026, 1, 1), "running", "");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "job run result must be ok, retry or error, not 'running'");
}

}  // namespace
}  // namespace careerlink
