// Database, migrations and idempotency against a real PostgreSQL.
#include "common/db.h"

#include <gmock/gmock.h>
#include <google/protobuf/wrappers.pb.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/synchronization/barrier.h"
#include "common/idempotency.h"
#include "common/migrations.h"
#include "common/pg_store.h"
#include "common/status.h"
#include "common/test_support.h"

namespace mobility {
namespace {

// Who makes the calls the ledger records, unless a test says otherwise.
const Principal kCaller{"applicants/a", {Role::kApplicant}, ""};

const std::vector<Migration> kMigrations = {
    {1, "counters",
     "CREATE TABLE counters (id text PRIMARY KEY, value integer NOT NULL "
     "CHECK (value >= 0))"},
    {2, "seed", "INSERT INTO counters VALUES ('a', 0)"},
};

CallLimit Limit() { return CallLimit::Within(absl::Seconds(30)); }

class DatabaseTest : public ::testing::Test {
 protected:
  std::unique_ptr<Database> Open(int pool_size = 4,
                                 std::string schema = "widgets") {
    DatabaseOptions options;
    options.url = database_.url();
    options.schema = std::move(schema);
    options.pool_size = pool_size;
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
  ASSERT_TRUE(db->Transact(Limit(), [&](pqxx::transaction_base& txn) {
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
  ASSERT_TRUE(db->Transact(Limit(), [&](pqxx::transaction_base& txn) {
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
  absl::Status duplicate =
      db->Transact(Limit(), [](pqxx::transaction_base& txn) {
        txn.exec_prepared("insert", "a", 1);
        return absl::OkStatus();
      });
  EXPECT_EQ(duplicate.code(), absl::StatusCode::kAlreadyExists);
  absl::Status check = db->Transact(Limit(), [](pqxx::transaction_base& txn) {
    txn.exec_prepared("bump", "a", -5);
    return absl::OkStatus();
  });
  EXPECT_EQ(check.code(), absl::StatusCode::kFailedPrecondition);
  absl::Status internal =
      db->Transact(Limit(), [](pqxx::transaction_base& txn) {
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
  absl::Status refused = db->Transact(Limit(), [](pqxx::transaction_base& txn) {
    txn.exec_prepared("bump", "a", 10);
    return absl::FailedPreconditionError("changed my mind");
  });
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  int value = -1;
  ASSERT_TRUE(
      db->Transact(Limit(), [&](pqxx::transaction_base& txn) {
          value = txn.exec("SELECT value FROM counters WHERE id = 'a'")[0][0]
                      .as<int>();
          return absl::OkStatus();
        }).ok());
  EXPECT_EQ(value, 0);
}

TEST_F(DatabaseTest, RetriesTheVictimOfARealDeadlock) {
  auto db = Open();
  ASSERT_TRUE(ApplyMigrations(*db, kMigrations).ok());
  ASSERT_TRUE(db->Transact(Limit(), [](pqxx::transaction_base& txn) {
                  txn.exec_prepared("insert", "b", 0);
                  return absl::OkStatus();
                }).ok());
  // Two transactions lock a and b in opposite orders; PostgreSQL aborts one,
  // Transact reruns it.
  absl::Barrier* both_hold_first_lock = new absl::Barrier(2);
  std::atomic<int> attempts{0};
  auto lock_both = [&](const char* first, const char* second) {
    bool waited = false;
    return db->Transact(Limit(), [&](pqxx::transaction_base& txn) {
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
      db->Transact(Limit(), [&](pqxx::transaction_base& txn) {
          total = txn.exec("SELECT sum(value) FROM counters")[0][0].as<int>();
          return absl::OkStatus();
        }).ok());
  EXPECT_EQ(total, 4);
}

TEST_F(DatabaseTest, GivesUpWithAbortedAfterTheLastAttempt) {
  auto db = Open();
  int attempts = 0;
  absl::Status exhausted =
      db->Transact(Limit(), [&](pqxx::transaction_base&) -> absl::Status {
        ++attempts;
        throw pqxx::deadlock_detected("deadlock detected");
      });
  EXPECT_EQ(exhausted.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(attempts, db->options().max_attempts);
}

TEST_F(DatabaseTest, AQueryIsCancelledAtItsCallsDeadline) {
  auto db = Open();
  const absl::Time start = absl::Now();
  absl::Status slow =
      db->Transact(CallLimit(absl::Now() + absl::Milliseconds(300)),
                   [](pqxx::transaction_base& txn) {
                     txn.exec("SELECT pg_sleep(5)");
                     return absl::OkStatus();
                   });
  EXPECT_EQ(slow.code(), absl::StatusCode::kDeadlineExceeded) << slow;
  // Cancelled in the database, not left to sleep through.
  EXPECT_LT(absl::Now() - start, absl::Seconds(4));

  bool ran = false;
  EXPECT_EQ(db->Transact(CallLimit(absl::Now() - absl::Milliseconds(1)),
                         [&](pqxx::transaction_base&) {
                           ran = true;
                           return absl::OkStatus();
                         })
                .code(),
            absl::StatusCode::kDeadlineExceeded);
  EXPECT_FALSE(ran);
  // The pool's connections are fine again.
  EXPECT_TRUE(db->Read(Limit(), [](pqxx::transaction_base& txn) {
                  txn.exec("SELECT 1");
                  return absl::OkStatus();
                }).ok());
}

TEST_F(DatabaseTest, AQueryIsCancelledWhenItsClientGoesAway) {
  auto db = Open();
  auto gone = std::make_shared<std::atomic<bool>>(false);
  std::thread client([gone] {
    absl::SleepFor(absl::Milliseconds(200));
    gone->store(true);
  });
  const absl::Time start = absl::Now();
  absl::Status status =
      db->Read(CallLimit(absl::Now() + absl::Seconds(30), gone),
               [](pqxx::transaction_base& txn) {
                 txn.exec("SELECT pg_sleep(5)");
                 return absl::OkStatus();
               });
  client.join();
  EXPECT_EQ(status.code(), absl::StatusCode::kCancelled) << status;
  EXPECT_LT(absl::Now() - start, absl::Seconds(4));
}

TEST_F(DatabaseTest, NothingCommitsAfterTheDeadline) {
  auto db = Open();
  ASSERT_TRUE(ApplyMigrations(*db, kMigrations).ok());
  // The body finishes after the deadline without a query to cancel: the
  // transaction must roll back rather than commit late.
  absl::Status late =
      db->Transact(CallLimit(absl::Now() + absl::Milliseconds(100)),
                   [](pqxx::transaction_base& txn) {
                     txn.exec_prepared("bump", "a", 1);
                     absl::SleepFor(absl::Milliseconds(200));
                     return absl::OkStatus();
                   });
  EXPECT_EQ(late.code(), absl::StatusCode::kDeadlineExceeded);
  auto value = db->ReadValue(
      Limit(), [](pqxx::transaction_base& txn) -> absl::StatusOr<int> {
        return txn.exec("SELECT value FROM counters WHERE id = 'a'")[0][0]
            .as<int>();
      });
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, 0);
}

TEST_F(DatabaseTest, AWaitForAConnectionEndsWithTheDeadline) {
  auto db = Open(/*pool_size=*/1);
  absl::Status inner;
  ASSERT_TRUE(db->Transact(Limit(), [&](pqxx::transaction_base&) {
                  // Needs a second connection while the only one is busy.
                  inner = db->Read(
                      CallLimit(absl::Now() + absl::Milliseconds(200)),
                      [](pqxx::transaction_base&) { return absl::OkStatus(); });
                  return absl::OkStatus();
                }).ok());
  EXPECT_EQ(inner.code(), absl::StatusCode::kDeadlineExceeded);
}

TEST_F(DatabaseTest, HealthHasItsOwnConnection) {
  auto db = Open(/*pool_size=*/1);
  absl::Status health;
  ASSERT_TRUE(db->Transact(Limit(), [&](pqxx::transaction_base&) {
                  health = db->Ping();  // The pool is all busy.
                  return absl::OkStatus();
                }).ok());
  EXPECT_TRUE(health.ok()) << health;
}

// Session settings live in the connection options: a connection that libpq
// re-opens has them, and a connection broken while idle is replaced before the
// next call runs on it.
TEST_F(DatabaseTest, AConnectionBrokenWhileIdleIsReplaced) {
  auto db = Open(/*pool_size=*/2);
  ASSERT_TRUE(ApplyMigrations(*db, kMigrations).ok());
  std::vector<int> backends;
  {
    pqxx::connection admin(database_.url());
    pqxx::nontransaction txn(admin);
    // Fill the pool with two connections, then kill both while idle.
    ASSERT_TRUE(db->Transact(Limit(), [&](pqxx::transaction_base& outer) {
                    backends.push_back(
                        outer.exec("SELECT pg_backend_pid()")[0][0].as<int>());
                    return db->Read(Limit(), [&](pqxx::transaction_base& t) {
                      backends.push_back(
                          t.exec("SELECT pg_backend_pid()")[0][0].as<int>());
                      return absl::OkStatus();
                    });
                  }).ok());
    for (int backend : backends)
      txn.exec_params("SELECT pg_terminate_backend($1)", backend);
  }
  for (int i = 0; i < 3; ++i) {
    auto read = db->ReadValue(
        Limit(),
        [](pqxx::transaction_base& txn) -> absl::StatusOr<std::string> {
          return txn
              .exec(
                  "SELECT current_setting('search_path') || ' ' || "
                  "current_setting('TimeZone') || ' ' || value::text "
                  "FROM counters WHERE id = 'a'")[0][0]
              .as<std::string>();
        });
    ASSERT_TRUE(read.ok()) << read.status();
    EXPECT_EQ(*read, "widgets UTC 0");
  }
}

TEST_F(DatabaseTest, ARerunBodyReturnsItsOwnResultOnly) {
  auto db = Open();
  ASSERT_TRUE(ApplyMigrations(*db, kMigrations).ok());
  int attempts = 0;
  auto rows = db->TransactValue(
      Limit(),
      [&](pqxx::transaction_base& txn) -> absl::StatusOr<std::vector<int>> {
        std::vector<int> out;
        out.push_back(txn.exec_prepared("bump", "a", 1)[0][0].as<int>());
        // The first attempt fails as a serialization failure would.
        if (++attempts == 1)
          throw pqxx::serialization_failure("could not serialize access");
        return out;
      });
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(attempts, 2);
  // One value, from the attempt that committed; the first was rolled back.
  EXPECT_EQ(*rows, std::vector<int>{1});
}

TEST_F(DatabaseTest, ATextArrayParameterKeepsEveryValueAsItIs) {
  auto db = Open();
  const std::vector<std::string> values = {"kokshetau-amu", "a,b", "say \"hi\"",
                                           "back\\slash",   "{}",  ""};
  auto back = db->ReadValue(
      Limit(),
      [&](pqxx::transaction_base& txn)
          -> absl::StatusOr<std::vector<std::string>> {
        std::vector<std::string> out;
        for (const auto& row : txn.exec_params("SELECT unnest($1::text[])",
                                               TextArrayParam(values))) {
          out.push_back(row[0].as<std::string>());
        }
        return out;
      });
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, values);
}

TEST_F(DatabaseTest, ALostCommitIsToldApartFromCannotConnect) {
  EXPECT_EQ(ErrorReason(MapSqlError(pqxx::in_doubt_error("lost"))),
            "COMMIT_OUTCOME_UNKNOWN");
  EXPECT_EQ(ErrorReason(MapSqlError(pqxx::broken_connection("gone"))),
            "DATABASE_UNAVAILABLE");
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
      absl::Status s = db->Transact(Limit(), [&](pqxx::transaction_base& txn) {
        PgStore<RequestLedger> ledger(txn);
        return RunIdempotent(
            ledger, "Bump", kCaller, request_id, request, &response, [&] {
              response.set_value(
                  txn.exec_prepared("bump", "a", 1)[0][0].as<int>());
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
      db->Transact(Limit(), [&](pqxx::transaction_base& txn) {
          value = txn.exec("SELECT value FROM counters WHERE id = 'a'")[0][0]
                      .as<int>();
          return absl::OkStatus();
        }).ok());
  EXPECT_EQ(value, 1);  // ...and the change ran once.

  google::protobuf::StringValue other;
  other.set_value("bump a twice");
  google::protobuf::Int32Value response;
  absl::Status reused = db->Transact(Limit(), [&](pqxx::transaction_base& txn) {
    PgStore<RequestLedger> ledger(txn);
    return RunIdempotent(ledger, "Bump", kCaller, request_id, other, &response,
                         [] { return absl::OkStatus(); });
  });
  EXPECT_EQ(reused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(reused), "REQUEST_ID_REUSED");
  EXPECT_EQ(FieldViolationsOf(reused)[0].field, "request_id");

  // Issue 20: another caller replaying the same request with its request_id
  // got the first caller's answer. It learns nothing now, and nothing runs.
  response.Clear();
  bool ran = false;
  absl::Status replayed =
      db->Transact(Limit(), [&](pqxx::transaction_base& txn) {
        PgStore<RequestLedger> ledger(txn);
        return RunIdempotent(ledger, "Bump", Principal{"applicants/b", {}, ""},
                             request_id, request, &response, [&] {
                               ran = true;
                               return absl::OkStatus();
                             });
      });
  EXPECT_EQ(replayed.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(replayed)[0].field, "request_id");
  EXPECT_EQ(response.value(), 0);
  EXPECT_FALSE(ran);
}

// Issue 21: a body that does not parse was read as an empty message.
TEST_F(DatabaseTest, AStoredBodyThatDoesNotParseIsInternalNeverEmpty) {
  auto db = Open();
  ASSERT_TRUE(ApplyMigrations(*db, kMigrations).ok());
  ASSERT_TRUE(db->Transact(Limit(), [](pqxx::transaction_base& txn) {
                  txn.exec("CREATE TABLE bodies (id text, body bytea)");
                  // A field tag whose varint never ends.
                  txn.exec("INSERT INTO bodies VALUES ('b1', '\\xffff')");
                  return absl::OkStatus();
                }).ok());
  google::protobuf::Int32Value read;
  absl::Status status = db->Read(Limit(), [&](pqxx::transaction_base& txn) {
    pqxx::result r = txn.exec("SELECT body FROM bodies WHERE id = 'b1'");
    read = ParseBody<google::protobuf::Int32Value>(PqxxRow(r[0]), "body", "b1");
    return absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(ErrorReason(status), "STORED_DATA_DAMAGED");

  // A recorded response of the request ledger the same.
  const std::string request_id = "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f";
  google::protobuf::StringValue request;
  request.set_value("bump a");
  ASSERT_TRUE(db->Transact(Limit(), [&](pqxx::transaction_base& txn) {
                  txn.exec_params(
                      "INSERT INTO request_records (method, request_id, "
                      "request_hash, response) VALUES ('Bump', $1, $2, "
                      "'\\xffff')",
                      request_id, RequestHash(request, kCaller));
                  return absl::OkStatus();
                }).ok());
  google::protobuf::Int32Value response;
  bool ran = false;
  absl::Status replayed =
      db->Transact(Limit(), [&](pqxx::transaction_base& txn) {
        PgStore<RequestLedger> ledger(txn);
        return RunIdempotent(ledger, "Bump", kCaller, request_id, request,
                             &response, [&] {
                               ran = true;
                               return absl::OkStatus();
                             });
      });
  EXPECT_EQ(replayed.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(ErrorReason(replayed), "STORED_DATA_DAMAGED");
  EXPECT_FALSE(ran);
}

// A notice of the server (a backend terminated, the server shutting down;
// here one a statement raises) is a JSON log line like every other, never
// text libpq prints as it is.
TEST_F(DatabaseTest, TheServersNoticesAreJsonLogLines) {
  auto db = Open();
  ::testing::internal::CaptureStderr();
  const absl::Status status =
      db->Read(Limit(), [](pqxx::transaction_base& txn) {
        txn.exec("DO $$ BEGIN RAISE WARNING 'the server goes down'; END $$");
        return absl::OkStatus();
      });
  const std::string logged = ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_THAT(logged, ::testing::HasSubstr("\"event\":\"database_notice\""));
  EXPECT_THAT(logged, ::testing::HasSubstr("the server goes down"));
  for (absl::string_view line : absl::StrSplit(logged, '\n', absl::SkipEmpty()))
    EXPECT_EQ(line.front(), '{') << line;
}

TEST_F(DatabaseTest, RequestRecordsArePurgedAfterTheirRetention) {
  auto db = Open();
  ASSERT_TRUE(ApplyMigrations(*db, kMigrations).ok());
  google::protobuf::StringValue request;
  google::protobuf::Int32Value response;
  for (const char* id : {"11111111-1111-4111-8111-111111111111",
                         "22222222-2222-4222-8222-222222222222"}) {
    ASSERT_TRUE(db->Transact(Limit(), [&](pqxx::transaction_base& txn) {
                    PgStore<RequestLedger> ledger(txn);
                    return RunIdempotent(ledger, "Bump", kCaller, id, request,
                                         &response,
                                         [] { return absl::OkStatus(); });
                  }).ok());
  }
  ASSERT_TRUE(
      db->Transact(Limit(), [](pqxx::transaction_base& txn) {
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
      db->Transact(Limit(), [&](pqxx::transaction_base& txn) {
          left =
              txn.exec("SELECT count(*) FROM request_records")[0][0].as<int>();
          return absl::OkStatus();
        }).ok());
  EXPECT_EQ(left, 1);
}

}  // namespace
}  // namespace mobility
