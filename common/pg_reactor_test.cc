// The reactor's reads against a real PostgreSQL: binary values decoded exactly,
// reads pipelined on few connections each getting its own result, deadlines
// and departed clients cancelling their queries, lost connections rerun, a
// database that is down answering at once, and the shutdown grace.
#include "common/pg_reactor.h"

#include <google/protobuf/wrappers.pb.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/db.h"
#include "common/pg_store.h"
#include "common/status.h"
#include "common/test_support.h"

namespace mobility {
namespace {

const std::vector<PreparedStatement> kStatements = {
    {"values",
     "SELECT $1::bigint AS big, $2::integer AS int, $3::smallint AS small, "
     "$4::double precision AS dbl, $5::boolean AS yes, $6::text AS txt, "
     "decode($7, 'hex') AS bytes, NULL::text AS nothing"},
    {"echo", "SELECT $1::integer AS n"},
    {"sleep", "SELECT pg_sleep($1::double precision) AS slept"},
    {"divide", "SELECT 1 / $1::integer AS q"},
    {"locked", "SELECT count(*) AS n FROM gates"},
    {"body", "SELECT decode($1, 'hex') AS body"},
};

// The read's outcome, waited for.
absl::StatusOr<PgRows> ReadNow(PgReactor& reactor, const CallLimit& limit,
                               const std::string& statement,
                               std::vector<std::optional<std::string>> params) {
  absl::Notification done;
  absl::StatusOr<PgRows> out = absl::UnknownError("never answered");
  reactor.Read(limit, statement, std::move(params),
               [&](absl::StatusOr<PgRows> rows) {
                 out = std::move(rows);
                 done.Notify();
               });
  done.WaitForNotification();
  return out;
}

CallLimit Within(absl::Duration d) { return CallLimit::Within(d); }

class PgReactorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ =
        testing::OpenSchema(database_.url(), "reactor", kStatements,
                            {{1, "gates", "CREATE TABLE gates (id integer)"}});
    ASSERT_NE(db_, nullptr);
  }

  // Backends of the test database waiting on a lock.
  int WaitingQueries() {
    int n = 0;
    EXPECT_TRUE(db_->Read(Within(absl::Seconds(5)),
                          [&](pqxx::transaction_base& txn) {
                            n = txn.exec(
                                       "SELECT count(*) FROM pg_stat_activity "
                                       "WHERE datname = current_database() "
                                       "AND wait_event_type = 'Lock'")[0][0]
                                    .as<int>();
                            return absl::OkStatus();
                          })
                    .ok());
    return n;
  }
  bool NoQueryWaitsWithin(absl::Duration d) {
    return testing::Eventually(d, [&] { return WaitingQueries() == 0; });
  }
  // Holds the gates table locked from another session until the returned
  // transaction goes.
  std::pair<std::unique_ptr<pqxx::connection>, std::unique_ptr<pqxx::work>>
  LockGates() {
    auto conn = std::make_unique<pqxx::connection>(database_.url());
    auto txn = std::make_unique<pqxx::work>(*conn);
    txn->exec("LOCK TABLE reactor.gates IN ACCESS EXCLUSIVE MODE");
    return {std::move(conn), std::move(txn)};
  }

  testing::TestDatabase database_;
  std::unique_ptr<Database> db_;
};

TEST_F(PgReactorTest, DecodesBinaryValuesExactly) {
  auto rows = ReadNow(db_->reactor(), Within(absl::Seconds(10)), "values",
                      {"-9007199254740993", "-2147483648", "-32768", "0.1",
                       "true", "Қазақ тілі", "00ff0041"});
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 1);
  PgRow row(*rows, 0);
  EXPECT_EQ(row.Int64("big"), -9007199254740993);
  EXPECT_EQ(row.Int64("int"), -2147483648LL);
  EXPECT_EQ(row.Int64("small"), -32768);
  EXPECT_EQ(row.Double("dbl"), 0.1);
  EXPECT_TRUE(row.Bool("yes"));
  EXPECT_EQ(row.Text("txt"), "Қазақ тілі");
  EXPECT_EQ(row.Text("bytes"), std::string("\x00\xff\x00\x41", 4));
  EXPECT_TRUE(row.IsNull("nothing"));
  EXPECT_FALSE(row.IsNull("txt"));
}

TEST_F(PgReactorTest, PipelinedReadsEachGetTheirOwnResult) {
  // Two connections for 200 reads from 4 threads: most share one.
  PgReactor reactor(*ConnectionString({database_.url(), "reactor"}),
                    kStatements, /*max_connections=*/2, /*max_attempts=*/3);
  std::atomic<int> right{0}, answered{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        const int n = t * 1000 + i;
        reactor.Read(Within(absl::Seconds(20)), "echo", {std::to_string(n)},
                     [&, n](absl::StatusOr<PgRows> rows) {
                       if (rows.ok() && PgRow(*rows, 0).Int64("n") == n)
                         ++right;
                       ++answered;
                     });
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < 400 && answered.load() < 200; ++i)
    absl::SleepFor(absl::Milliseconds(25));
  EXPECT_EQ(answered.load(), 200);
  EXPECT_EQ(right.load(), 200);
}

// Reads share connections, but none waits behind one that runs long: it goes
// to another connection, opened for it if need be.
TEST_F(PgReactorTest, NoReadQueuesBehindOneThatRunsLong) {
  PgReactor reactor(*ConnectionString({database_.url(), "reactor"}),
                    kStatements, /*max_connections=*/2, /*max_attempts=*/3);
  ASSERT_TRUE(ReadNow(reactor, Within(absl::Seconds(10)), "echo", {"1"}).ok());
  absl::Notification slept;
  reactor.Read(Within(absl::Seconds(30)), "sleep", {"5"},
               [&](absl::StatusOr<PgRows>) { slept.Notify(); });
  absl::SleepFor(absl::Milliseconds(100));
  auto quick = ReadNow(reactor, Within(absl::Seconds(30)), "echo", {"2"});
  ASSERT_TRUE(quick.ok()) << quick.status();
  EXPECT_EQ(PgRow(*quick, 0).Int64("n"), 2);
  EXPECT_FALSE(slept.HasBeenNotified());
  reactor.CancelRunning();
  slept.WaitForNotification();
}

TEST_F(PgReactorTest, AnErrorAnswersItsReadOnly) {
  PgReactor& reactor = db_->reactor();
  std::atomic<int> answered{0};
  absl::Status divided;
  int echoed = -1;
  absl::Notification both;
  reactor.Read(Within(absl::Seconds(10)), "divide", {"0"},
               [&](absl::StatusOr<PgRows> rows) {
                 divided = rows.status();
                 if (++answered == 2) both.Notify();
               });
  reactor.Read(Within(absl::Seconds(10)), "echo", {"7"},
               [&](absl::StatusOr<PgRows> rows) {
                 if (rows.ok()) echoed = PgRow(*rows, 0).Int64("n");
                 if (++answered == 2) both.Notify();
               });
  both.WaitForNotification();
  EXPECT_EQ(divided.code(), absl::StatusCode::kInvalidArgument) << divided;
  EXPECT_EQ(echoed, 7);
  // A value of the wrong type is the caller's error too.
  EXPECT_EQ(ReadNow(reactor, Within(absl::Seconds(10)), "echo", {"seven"})
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(PgReactorTest, AReadIsCancelledAtItsDeadlineAndItsConnectionRetired) {
  PgReactor& reactor = db_->reactor();
  auto [conn, lock] = LockGates();
  const absl::Time start = absl::Now();
  auto stuck = ReadNow(
      reactor, CallLimit(absl::Now() + absl::Milliseconds(300)), "locked", {});
  EXPECT_EQ(stuck.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
  // Cancelled in the database, not left waiting on the lock.
  EXPECT_TRUE(NoQueryWaitsWithin(absl::Seconds(3)));
  lock.reset();
  auto after = ReadNow(reactor, Within(absl::Seconds(10)), "locked", {});
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(PgRow(*after, 0).Int64("n"), 0);
}

TEST_F(PgReactorTest, AReadIsCancelledWhenItsClientGoesAway) {
  PgReactor& reactor = db_->reactor();
  auto [conn, lock] = LockGates();
  auto gone = std::make_shared<std::atomic<bool>>(false);
  std::thread client([gone] {
    absl::SleepFor(absl::Milliseconds(200));
    gone->store(true);
  });
  auto stuck = ReadNow(
      reactor, CallLimit(absl::Now() + absl::Seconds(30), gone), "locked", {});
  client.join();
  EXPECT_EQ(stuck.status().code(), absl::StatusCode::kCancelled);
  EXPECT_TRUE(NoQueryWaitsWithin(absl::Seconds(3)));
}

TEST_F(PgReactorTest, AReadWhoseBackendIsTerminatedRerunsOnAnother) {
  PgReactor& reactor = db_->reactor();
  auto [conn, lock] = LockGates();
  absl::Notification done;
  absl::StatusOr<PgRows> read = absl::UnknownError("never answered");
  reactor.Read(Within(absl::Seconds(20)), "locked", {},
               [&](absl::StatusOr<PgRows> rows) {
                 read = std::move(rows);
                 done.Notify();
               });
  for (int i = 0; i < 100 && WaitingQueries() == 0; ++i)
    absl::SleepFor(absl::Milliseconds(20));
  ASSERT_EQ(WaitingQueries(), 1);
  lock->exec(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
      "current_database() AND wait_event_type = 'Lock'");
  lock.reset();  // The rerun finds the table free.
  done.WaitForNotification();
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(PgRow(*read, 0).Int64("n"), 0);
}

TEST_F(PgReactorTest, ADatabaseThatIsDownAnswersUnavailableAtOnce) {
  PgReactor reactor(
      // Port 1: nothing listens there.
      *ConnectionString({"postgresql://postgres@127.0.0.1:1/none", "reactor"}),
      kStatements, 2, 3);
  const absl::Time start = absl::Now();
  auto read = ReadNow(reactor, Within(absl::Seconds(20)), "echo", {"1"});
  EXPECT_EQ(read.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ErrorReason(read.status()), "DATABASE_UNAVAILABLE");
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

TEST_F(PgReactorTest, CancelRunningAnswersEveryPendingRead) {
  PgReactor& reactor = db_->reactor();
  auto [conn, lock] = LockGates();
  std::atomic<int> unavailable{0};
  for (int i = 0; i < 3; ++i) {
    reactor.Read(Within(absl::Seconds(30)), "locked", {},
                 [&](absl::StatusOr<PgRows> rows) {
                   if (rows.status().code() == absl::StatusCode::kUnavailable)
                     ++unavailable;
                 });
  }
  for (int i = 0; i < 100 && WaitingQueries() == 0; ++i)
    absl::SleepFor(absl::Milliseconds(20));
  EXPECT_EQ(reactor.CancelRunning(), 3);
  EXPECT_EQ(unavailable.load(), 3);
  EXPECT_TRUE(NoQueryWaitsWithin(absl::Seconds(3)));
}

TEST_F(PgReactorTest, AStoredBodyThatDoesNotParseIsInternalNeverEmpty) {
  // A field tag whose varint never ends.
  auto rows =
      ReadNow(db_->reactor(), Within(absl::Seconds(10)), "body", {"ffff"});
  ASSERT_TRUE(rows.ok()) << rows.status();
  auto body = StoreCall([&] {
    return ParseBody<google::protobuf::Int32Value>(PgRow(*rows, 0), "body",
                                                   "b1");
  });
  EXPECT_EQ(body.status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(ErrorReason(body.status()), "STORED_DATA_DAMAGED");
}

}  // namespace
}  // namespace mobility
