// A cache kept right by PostgreSQL's NOTIFY (change_cache.h, pg_listener.h),
// against a real server: a value served until its change is announced, a read
// that overlapped a change not kept, and nothing served while the listener's
// connection is lost, until it listens again.
#include "common/change_cache.h"

#include <gtest/gtest.h>

#include <string>

#include "absl/time/clock.h"
#include "common/db.h"
#include "common/test_support.h"

namespace mobility {
namespace {

constexpr char kChannel[] = "mobility_test_changes";

class ChangeCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::OpenSchema(database_.url(), "changes", {}, {});
    ASSERT_NE(db_, nullptr);
    cache_ =
        std::make_unique<ChangeCache<std::string>>(&db_->changes(), kChannel);
    ASSERT_TRUE(KeptWithin("ready"));
  }
  void TearDown() override {
    cache_.reset();
    db_.reset();
  }

  // Keeps `key` afresh until the cache serves it: once the feed listens.
  bool KeptWithin(const std::string& key) {
    return testing::Eventually(absl::Seconds(10), [&] {
      cache_->Keep(cache_->Take(), key, "value of " + key);
      return cache_->Find(key) != nullptr;
    });
  }
  void Sql(const std::string& sql) {
    ASSERT_TRUE(db_->Transact(CallLimit::Within(absl::Seconds(5)),
                              [&](pqxx::transaction_base& txn) {
                                txn.exec(sql);
                                return absl::OkStatus();
                              })
                    .ok());
  }
  void Announce(const std::string& payload) {
    Sql("SELECT pg_notify('" + std::string(kChannel) + "', '" + payload + "')");
  }
  bool DroppedWithin(const std::string& key) {
    return testing::Eventually(absl::Seconds(10),
                               [&] { return cache_->Find(key) == nullptr; });
  }

  testing::TestDatabase database_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<ChangeCache<std::string>> cache_;
};

TEST_F(ChangeCacheTest, ServesWhatItKeptUntilItsChangeIsAnnounced) {
  ASSERT_TRUE(KeptWithin("institutions/a"));
  ASSERT_TRUE(KeptWithin("institutions/b"));
  EXPECT_EQ(*cache_->Find("institutions/a"), "value of institutions/a");
  Announce("institutions/a");
  EXPECT_TRUE(DroppedWithin("institutions/a"));
  EXPECT_NE(cache_->Find("institutions/b"), nullptr);
  Announce("");
  EXPECT_TRUE(DroppedWithin("institutions/b"));
}

TEST_F(ChangeCacheTest, AReadThatOverlappedAnAnnouncedChangeIsNotKept) {
  const auto before_the_change = cache_->Take();
  Announce("");
  ASSERT_TRUE(DroppedWithin("ready"));
  // Read before the change committed: served, never kept.
  auto stale = cache_->Keep(before_the_change, "rates", "old");
  EXPECT_EQ(*stale, "old");
  EXPECT_EQ(cache_->Find("rates"), nullptr);
  cache_->Keep(cache_->Take(), "rates", "new");
  EXPECT_EQ(*cache_->Find("rates"), "new");
}

TEST_F(ChangeCacheTest, AChangeThisProcessMadeIsForgottenAtOnce) {
  cache_->Forget("ready");
  EXPECT_EQ(cache_->Find("ready"), nullptr);
}

TEST_F(ChangeCacheTest, ServesNothingWhileTheFeedIsLostAndListensAgain) {
  Sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname "
      "= current_database() AND query LIKE 'LISTEN%'");
  // Announcements sent meanwhile would be missed: nothing kept is served.
  EXPECT_TRUE(DroppedWithin("ready"));
  ASSERT_TRUE(KeptWithin("after"));
  // The channel is listened to again on the new connection.
  Announce("after");
  EXPECT_TRUE(DroppedWithin("after"));
}

}  // namespace
}  // namespace mobility
