// Database, migrations and idempotency against a real PostgreSQL.
#include "common/db.h"

#include <google/protobuf/wrappers.pb.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "absl/synchronization/barrier.h"
#include "common/idempotency.h"
#include "common/migrations.h"
#include "common/status.h"
#include "common/test_support.h"

namespace mobility {
namespace {

const std::vector<Migration> kMigrations = {
    {1, "counters",
     "CREATE TABLE counters (id text PRIMARY KEY, value integer NOT NULL "
     "CHECK (value >= 0))"},
    {2, "seed", "INSERT INTO counters VALUES ('a', 0)"},
};

class DatabaseTest : public ::testing::Test {
 protected:
  std::unique_ptr<Database> Open(int pool_size = 4,
                                 std::string schema = "widgets") {
    DatabaseOptions options;
    options.url = database_.url();
    options.schema = std::move(schema);
    options.pool_size = pool_size;
    options.acquire_timeout = absl::Milliseconds(300);
    auto db = Database::Open(
        options, {{"bump",
                   "UPDATE counters SET value = value + $2 WHERE id = $1 "
                   "RETURNING value"},
                  {"insert", "INSERT INTO counters VALUES ($1, $2)"}});
    EXPECT_TRUE(db.ok()) << db.status();
    return db.ok() ? *std::move(db) : nullptr;
  }

  testing::TestDatabase database_;
};

TEST_F(DatabaseTest, MigratesAnEmptyDatabaseOnceEvenWhenStartedTwice) {
  auto db = Open();
  ASSERT_TRUE(ApplyMigrations(*db, kMigrations).ok());
  ASSERT_TRUE(
      ApplyMigrations(*db, kMigrations).ok());  // Second start: nothing to do.
  int rows = -1, versions = -1;
  ASSERT_TRUE(db->Transact([&](pqxx::work& txn) {
                  rows =
                      txn.exec("SELECT count(*) FROM counters")[0][0].as<int>();
                  versions =
                      txn.exec("SELECT count(*) FROM schema_migrations")[0][0]
                          .as<int>();
                  return absl::OkStatus();
                }).ok());
  EXPECT_EQ(rows, 1);
  EXPECT_EQ(versions, 2);
}

TEST_F(DatabaseTest, ConcurrentStartsApplyEachMigrationOnce) {
  std::vector<std::thread> replicas;
  std::atomic<int> failures{0};
  for (int i = 0; i < 4; ++i) {
    replicas.emplace_back([&] {
      auto db = Open();
      if (!ApplyMigrations(*db, kMigrations).ok()) ++failures;
    });
  }
  for (auto& t : replicas) t.join();
  EXPECT_EQ(failures, 0);
  auto db = Open();
  int rows = -1;
  ASSERT_TRUE(db->Transact([&](pqxx::work& txn) {
                  rows =
                      txn.exec("SELECT count(*) FROM counters")[0][0].as<int>();
                  return absl::OkStatus();
                }).ok());
  EXPECT_EQ(rows, 1);
}

TEST_F(DatabaseTest, RefusesADatabaseNewerThanTheBinary) {
  auto db = Open();
  ASSERT_TRUE(ApplyMigrations(*db, kMigrations).ok());
  absl::Status older = ApplyMigrations(*db, {kMigrations[0]});
  EXPECT_EQ(older.code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(DatabaseTest, MapsSqlStates) {
  auto db = Open();
  ASSERT_TRUE(ApplyMigrations(*db, kMigrations).ok());
  absl::Status duplicate = db->Transact([](pqxx::work& txn) {
    txn.exec_prepared("insert", "a", 1);
    return absl::OkStatus();
  });
  EXPECT_EQ(duplicate.code(), absl::StatusCode::kAlreadyExists);
  absl::Status check = db->Transact([](pqxx::work& txn) {
    txn.exec_prepared("bump", "a", -5);
    return absl::OkStatus();
  });
  EXPECT_EQ(check.code(), absl::StatusCode::kFailedPrecondition);
  absl::Status internal = db->Transact([](pqxx::work& txn) {
    txn.exec("SELECT * FROM no_such_table");
    return absl::OkStatus();
  });
  EXPECT_EQ(internal.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(internal.message(),
            "internal database error");  // No SQL leaks to callers.
}

TEST_F(DatabaseTest, ARefusedBodyRollsBack) {
  auto db = Open();
  ASSERT_TRUE(ApplyMigrations(*db, kMigrations).ok());
  absl::Status refused = db->Transact([](pqxx::work& txn) {
    txn.exec_prepared("bump", "a", 10);
    return absl::FailedPreconditionError("changed my mind");
  });
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  int value = -1;
  ASSERT_TRUE(
      db->Transact([&](pqxx::work& txn) {
          value = txn.exec("SELECT value FROM counters WHERE id = 'a'")[0][0]
                      .as<int>();
          return absl::OkStatus();
        }).ok());
  EXPECT_EQ(value, 0);
}

TEST_F(DatabaseTest, RetriesTheVictimOfARealDeadlock) {
  auto db = Open();
  ASSERT_TRUE(ApplyMigrations(*db, kMigrations).ok());
  ASSERT_TRUE(db->Transact([](pqxx::work& txn) {
                  txn.exec_prepared("insert", "b", 0);
                  return absl::OkStatus();
                }).ok());
  // Two transactions lock a and b in opposite orders; PostgreSQL aborts one,
  // Transact reruns it.
  absl::Barrier* both_hold_first_lock = new absl::Barrier(2);
  std::atomic<int> attempts{0};
  auto lock_both = [&](const char* first, const char* second) {
    bool waited = false;
    return db->Transact([&](pqxx::work& txn) {
      ++attempts;
      txn.exec_prepared("bump", first, 1);
      if (!waited) {
        waited = true;
        if (both_hold_first_lock->Block()) delete both_hold_first_lock;
      }
      txn.exec_prepared("bump", second, 1);
      return absl::OkStatus();
    });
  };
  absl::Status s1, s2;
  std::thread t1([&] { s1 = lock_both("a", "b"); });
  std::thread t2([&] { s2 = lock_both("b", "a"); });
  t1.join();
  t2.join();
  EXPECT_TRUE(s1.ok()) << s1;
  EXPECT_TRUE(s2.ok()) << s2;
  EXPECT_EQ(attempts, 3);  // One of the two ran again.
  int total = -1;
  ASSERT_TRUE(
      db->Transact([&](pqxx::work& txn) {
          total = txn.exec("SELECT sum(value) FROM counters")[0][0].as<int>();
          return absl::OkStatus();
        }).ok());
  EXPECT_EQ(total, 4);
}

TEST_F(DatabaseTest, GivesUpWithAbortedAfterTheLastAttempt) {
  auto db = Open();
  int attempts = 0;
  absl::Status exhausted = db->Transact([&](pqxx::work&) -> absl::Status {
    ++attempts;
    throw pqxx::deadlock_detected("deadlock detected");
  });
  EXPECT_EQ(exhausted.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(attempts, db->options().max_attempts);
}

TEST_F(DatabaseTest, StatementsEndWithTheCallsDeadline) {
  auto db = Open();
  {
    ScopedCallDeadline call(absl::Now() + absl::Milliseconds(300));
    absl::Status slow = db->Transact([](pqxx::work& txn) {
      txn.exec("SELECT pg_sleep(5)");
      return absl::OkStatus();
    });
    // PostgreSQL cancelled the statement (57014): it did not sleep through.
    EXPECT_EQ(slow.code(), absl::StatusCode::kDeadlineExceeded) << slow;
  }
  {
    ScopedCallDeadline passed(absl::Now() - absl::Milliseconds(1));
    bool ran = false;
    EXPECT_EQ(db->Transact([&](pqxx::work&) {
                  ran = true;
                  return absl::OkStatus();
                }).code(),
              absl::StatusCode::kDeadlineExceeded);
    EXPECT_FALSE(ran);
  }
  // Outside any call nothing is bounded, and the pool's connection is fine
  // again.
  EXPECT_TRUE(db->Ping().ok());
}

TEST_F(DatabaseTest, AnExhaustedPoolIsUnavailable) {
  auto db = Open(/*pool_size=*/1);
  ASSERT_TRUE(ApplyMigrations(*db, kMigrations).ok());
  absl::Status inner;
  ASSERT_TRUE(db->Transact([&](pqxx::work&) {
                  inner = db->Ping();  // Needs a second connection while the
                                       // only one is busy.
                  return absl::OkStatus();
                }).ok());
  EXPECT_EQ(inner.code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(db->Ping().ok());
}

TEST_F(DatabaseTest, ReconnectsAfterTheServerDropsTheConnection) {
  auto db = Open(/*pool_size=*/1);
  ASSERT_TRUE(ApplyMigrations(*db, kMigrations).ok());
  int backend = 0;
  ASSERT_TRUE(db->Transact([&](pqxx::work& txn) {
                  backend = txn.exec("SELECT pg_backend_pid()")[0][0].as<int>();
                  return absl::OkStatus();
                }).ok());
  {
    pqxx::connection admin(database_.url());
    pqxx::nontransaction txn(admin);
    txn.exec_params("SELECT pg_terminate_backend($1)", backend);
  }
  // The first call may find the dead connection; the pool must heal by the next
  // one.
  (void)db->Ping();
  EXPECT_TRUE(db->Ping().ok());
}

TEST_F(DatabaseTest, ARequestIdRunsTheChangeOnceUnderConcurrentRetries) {
  auto db = Open(/*pool_size=*/8);
  ASSERT_TRUE(ApplyMigrations(*db, kMigrations).ok());
  google::protobuf::StringValue request;
  request.set_value("bump a");
  const std::string request_id = "0b8a6a39-8b7b-4c4e-9f5d-0c9a8e1f2a3b";
  std::vector<std::thread> retries;
  std::vector<int> seen(10, -1);
  for (int i = 0; i < 10; ++i) {
    retries.emplace_back([&, i] {
      google::protobuf::Int32Value response;
      absl::Status s = db->Transact([&](pqxx::work& txn) {
        return RunIdempotent(txn, "Bump", request_id, request, &response, [&] {
          response.set_value(txn.exec_prepared("bump", "a", 1)[0][0].as<int>());
          return absl::OkStatus();
        });
      });
      if (s.ok()) seen[i] = response.value();
    });
  }
  for (auto& t : retries) t.join();
  for (int v : seen) EXPECT_EQ(v, 1);  // Every retry got the first result...
  int value = -1;
  ASSERT_TRUE(
      db->Transact([&](pqxx::work& txn) {
          value = txn.exec("SELECT value FROM counters WHERE id = 'a'")[0][0]
                      .as<int>();
          return absl::OkStatus();
        }).ok());
  EXPECT_EQ(value, 1);  // ...and the change ran once.

  google::protobuf::StringValue other;
  other.set_value("bump a twice");
  google::protobuf::Int32Value response;
  absl::Status reused = db->Transact([&](pqxx::work& txn) {
    return RunIdempotent(txn, "Bump", request_id, other, &response,
                         [] { return absl::OkStatus(); });
  });
  EXPECT_EQ(reused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(reused), "REQUEST_ID_REUSED");
}

TEST_F(DatabaseTest, RequestRecordsArePurgedAfterTheirRetention) {
  auto db = Open();
  ASSERT_TRUE(ApplyMigrations(*db, kMigrations).ok());
  google::protobuf::StringValue request;
  google::protobuf::Int32Value response;
  for (const char* id : {"11111111-1111-4111-8111-111111111111",
                         "22222222-2222-4222-8222-222222222222"}) {
    ASSERT_TRUE(db->Transact([&](pqxx::work& txn) {
                    return RunIdempotent(txn, "Bump", id, request, &response,
                                         [] { return absl::OkStatus(); });
                  }).ok());
  }
  ASSERT_TRUE(
      db->Transact([](pqxx::work& txn) {
          txn.exec(
              "UPDATE request_records SET created_at = now() - interval '31 "
              "days' "
              "WHERE request_id = '11111111-1111-4111-8111-111111111111'");
          return absl::OkStatus();
        }).ok());
  auto purged = PurgeRequestRecords(*db, kRequestIdRetention);
  ASSERT_TRUE(purged.ok()) << purged.status();
  EXPECT_EQ(*purged, 1);
  int left = -1;
  ASSERT_TRUE(
      db->Transact([&](pqxx::work& txn) {
          left =
              txn.exec("SELECT count(*) FROM request_records")[0][0].as<int>();
          return absl::OkStatus();
        }).ok());
  EXPECT_EQ(left, 1);
}

}  // namespace
}  // namespace mobility
