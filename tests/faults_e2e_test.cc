// Faults and overload against the real agreements_server process: a row lock
// held from another session, clients that give up, backends terminated under
// load, SIGTERM with a call still in the database, more callers than workers
// and queue, and requests that are not what they claim to be.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <map>
#include <pqxx/pqxx>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/client.h"
#include "common/grpc_status.h"
#include "common/status.h"
#include "common/test_support.h"
#include "mobility/agreements/v1/agreements.grpc.pb.h"
#include "tests/e2e_support.h"

namespace mobility {
namespace {

namespace v1 = ::mobility::agreements::v1;
using e2e::LogOnceItHolds;
using e2e::ReadFile;

constexpr char kInstitution[] = "institutions/kokshetau-amu";

class FaultsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = e2e::MakeWorkspace();
    address_ = absl::StrCat("127.0.0.1:", e2e::FreePort());
  }

  void TearDown() override {
    Unlock();
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  void StartServer(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {
        AGREEMENTS_SERVER, "--listen=" + address_,
        "--database_url=" + database_.url(),
        "--jwt_public_key_file=" + dir_ + "/public.pem"};
    args.insert(args.end(), extra.begin(), extra.end());
    pid_ = e2e::Spawn(args, dir_ + "/server.log");
    ASSERT_TRUE(e2e::WaitUntilServing(address_))
        << ReadFile(dir_ + "/server.log");
    stub_ = v1::AgreementsService::NewStub(NewChannel(address_));
    v1::CreateInstitutionRequest create;
    create.set_institution_id("kokshetau-amu");
    create.mutable_institution()->set_display_name("Kokshetau University");
    create.mutable_institution()->set_country_code("KZ");
    create.mutable_institution()->set_city("Kokshetau");
    create.mutable_institution()->set_latitude(53.28);
    create.mutable_institution()->set_longitude(69.39);
    v1::Institution created;
    auto context = Context("coordinator");
    ASSERT_TRUE(stub_->CreateInstitution(context.get(), create, &created).ok());
  }

  std::unique_ptr<grpc::ClientContext> Context(
      const std::string& role, absl::Duration timeout = absl::Seconds(30)) {
    OutboundCall call;
    call.bearer_token = testing::TokenFor("faults", {*ParseRole(role)});
    call.timeout = timeout;
    return NewClientContext(call);
  }

  absl::Status GetInstitution(grpc::ClientContext* context) {
    v1::GetInstitutionRequest request;
    request.set_name(kInstitution);
    v1::Institution response;
    return FromGrpcStatus(stub_->GetInstitution(context, request, &response));
  }

  // Holds an ACCESS EXCLUSIVE lock on the institutions table from another
  // session until Unlock: every read of it waits.
  void LockInstitutions() {
    lock_ = std::make_unique<pqxx::connection>(database_.url());
    lock_txn_ = std::make_unique<pqxx::work>(*lock_);
    lock_txn_->exec(
        "LOCK TABLE agreements.institutions IN ACCESS EXCLUSIVE MODE");
  }
  void Unlock() {
    lock_txn_.reset();  // Rolls back, releasing the lock.
    lock_.reset();
  }

  int WaitingQueries() { return e2e::WaitingQueries(database_.url()); }
  bool NoQueryWaitsWithin(absl::Duration d) {
    return e2e::NoQueryWaitsWithin(database_.url(), d);
  }

  testing::TestDatabase database_;
  std::string dir_;
  std::string address_;
  pid_t pid_ = -1;
  std::unique_ptr<v1::AgreementsService::Stub> stub_;
  std::unique_ptr<pqxx::connection> lock_;
  std::unique_ptr<pqxx::work> lock_txn_;
};

TEST_F(FaultsTest, ACallWithoutADeadlineEndsAtTheServersMaximum) {
  StartServer({"--max_call_seconds=1"});
  LockInstitutions();
  OutboundCall call;
  call.bearer_token = testing::TokenFor("faults", {Role::kApplicant});
  grpc::ClientContext context;  // No deadline at all.
  context.AddMetadata("authorization", "Bearer " + call.bearer_token);
  const absl::Time start = absl::Now();
  absl::Status status = GetInstitution(&context);
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  // Its query was cancelled, not left waiting on the lock.
  EXPECT_TRUE(NoQueryWaitsWithin(absl::Seconds(3)));
}

TEST_F(FaultsTest, ACancelledCallCancelsItsQuery) {
  StartServer();
  LockInstitutions();
  auto context = Context("applicant");
  std::thread caller([&] { (void)GetInstitution(context.get()); });
  for (int i = 0; i < 100 && WaitingQueries() == 0; ++i)
    absl::SleepFor(absl::Milliseconds(20));
  ASSERT_EQ(WaitingQueries(), 1);
  context->TryCancel();
  caller.join();
  EXPECT_TRUE(NoQueryWaitsWithin(absl::Seconds(3)));
}

TEST_F(FaultsTest, StuckCallsNeitherTakeThePoolForeverNorTurnHealthOff) {
  StartServer({"--db_pool_size=2"});
  LockInstitutions();
  // More stuck calls than connections, each with a short deadline.
  std::vector<std::thread> callers;
  std::atomic<int> deadline_exceeded{0};
  for (int i = 0; i < 9; ++i) {
    callers.emplace_back([&] {
      auto context = Context("applicant", absl::Milliseconds(500));
      if (GetInstitution(context.get()).code() ==
          absl::StatusCode::kDeadlineExceeded) {
        ++deadline_exceeded;
      }
    });
  }
  absl::SleepFor(absl::Milliseconds(200));
  // The pool is all taken, yet health has its own connection.
  EXPECT_EQ(e2e::HealthStatus(address_), 1);
  for (auto& c : callers) c.join();
  EXPECT_EQ(deadline_exceeded.load(), 9);
  Unlock();
  auto context = Context("applicant");
  EXPECT_TRUE(GetInstitution(context.get()).ok());
}

TEST_F(FaultsTest, BackendsTerminatedUnderLoadGiveUnavailableAtWorst) {
  StartServer();
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::map<absl::StatusCode, int> outcomes;
  std::vector<std::thread> callers;
  for (int i = 0; i < 4; ++i) {
    callers.emplace_back([&] {
      while (!stop.load()) {
        auto context = Context("applicant");
        absl::StatusCode code = GetInstitution(context.get()).code();
        std::lock_guard<std::mutex> lock(mu);
        ++outcomes[code];
      }
    });
  }
  {
    pqxx::connection admin(database_.url());
    pqxx::nontransaction txn(admin);
    for (int round = 0; round < 5; ++round) {
      absl::SleepFor(absl::Milliseconds(200));
      txn.exec(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
          "datname = current_database() AND pid <> pg_backend_pid()");
    }
  }
  absl::SleepFor(absl::Milliseconds(200));
  stop = true;
  for (auto& c : callers) c.join();
  for (const auto& [code, count] : outcomes) {
    EXPECT_TRUE(code == absl::StatusCode::kOk ||
                code == absl::StatusCode::kUnavailable)
        << absl::StatusCodeToString(code) << " x" << count;
  }
  EXPECT_GT(outcomes[absl::StatusCode::kOk], 0);
  // And the next calls succeed.
  for (int i = 0; i < 3; ++i) {
    auto context = Context("applicant");
    EXPECT_TRUE(GetInstitution(context.get()).ok());
  }
}

TEST_F(FaultsTest, SigtermWithACallInTheDatabaseEndsAtTheGrace) {
  // No drain: the time measured is the grace's.
  StartServer({"--shutdown_grace_seconds=1", "--drain_seconds=0"});
  LockInstitutions();
  auto context = Context("applicant", absl::Seconds(60));
  absl::Status status;
  std::thread caller([&] { status = GetInstitution(context.get()); });
  for (int i = 0; i < 100 && WaitingQueries() == 0; ++i)
    absl::SleepFor(absl::Milliseconds(20));
  const absl::Time start = absl::Now();
  kill(pid_, SIGTERM);
  int exit_status = 0;
  pid_t exited = 0;
  while (exited == 0 && absl::Now() - start < absl::Seconds(15)) {
    exited = waitpid(pid_, &exit_status, WNOHANG);
    if (exited == 0) absl::SleepFor(absl::Milliseconds(50));
  }
  ASSERT_EQ(exited, pid_) << "still running 15 s after SIGTERM";
  pid_ = -1;
  // Ends with the grace, not when the lock goes.
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  caller.join();
  EXPECT_FALSE(status.ok());
  const std::string log = ReadFile(dir_ + "/server.log");
  EXPECT_TRUE(absl::StrContains(log, "\"event\":\"shutdown_grace_over\""))
      << log;
  // The call is logged for what it was, not as OK.
  bool logged = false;
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    if (absl::StrContains(line, "\"method\":\"GetInstitution\"") &&
        absl::StrContains(line, "\"roles\":\"applicant\"")) {
      logged = true;
      EXPECT_FALSE(absl::StrContains(line, "\"status\":\"OK\"")) << line;
    }
  }
  EXPECT_TRUE(logged) << log;
}

TEST_F(FaultsTest, BeyondWorkersAndQueueCallsAreRefusedOverloaded) {
  StartServer({"--workers=2", "--max_queued_calls=4"});
  LockInstitutions();
  std::mutex mu;
  std::map<std::string, int> outcomes;  // code/reason
  std::vector<std::thread> callers;
  absl::Notification go;
  for (int i = 0; i < 256; ++i) {
    callers.emplace_back([&] {
      go.WaitForNotification();
      auto context = Context("applicant");
      absl::Status status = GetInstitution(context.get());
      std::lock_guard<std::mutex> lock(mu);
      ++outcomes[absl::StrCat(absl::StatusCodeToString(status.code()), "/",
                              ErrorReason(status))];
    });
  }
  go.Notify();
  absl::SleepFor(absl::Seconds(1));
  Unlock();
  for (auto& c : callers) c.join();
  int ok = 0, overloaded = 0;
  for (const auto& [outcome, count] : outcomes) {
    if (outcome == "OK/") {
      ok = count;
    } else if (outcome == "UNAVAILABLE/OVERLOADED") {
      overloaded = count;
    } else {
      ADD_FAILURE() << outcome << " x" << count;
    }
  }
  EXPECT_EQ(ok + overloaded, 256);
  EXPECT_GE(ok, 6);  // The two running and the four queued.
  EXPECT_GT(overloaded, 0);
  // Refusals are logged like every call.
  EXPECT_TRUE(absl::StrContains(
      LogOnceItHolds(dir_ + "/server.log", "\"reason\":\"OVERLOADED\""),
      "\"reason\":\"OVERLOADED\""));
}

// GetAgreement parks no thread: its query is sent from gRPC's thread and its
// result answers the call from the database reactor. With the only worker
// waiting on a lock, it still answers at once.
TEST_F(FaultsTest, AReadThatParksNoThreadAnswersWhileEveryWorkerWaits) {
  StartServer({"--workers=1", "--max_queued_calls=4"});
  LockInstitutions();
  // A change runs on a worker: the only one waits on the lock.
  std::thread stuck([&] {
    auto context = Context("admin", absl::Seconds(5));
    v1::UpdateInstitutionRequest request;
    request.mutable_institution()->set_name(kInstitution);
    request.mutable_institution()->set_city("Astana");
    request.mutable_update_mask()->add_paths("city");
    v1::Institution updated;
    (void)stub_->UpdateInstitution(context.get(), request, &updated);
  });
  for (int i = 0; i < 100 && WaitingQueries() == 0; ++i)
    absl::SleepFor(absl::Milliseconds(20));
  ASSERT_EQ(WaitingQueries(), 1);
  auto context = Context("applicant", absl::Seconds(2));
  v1::GetAgreementRequest request;
  request.set_name("agreements/none-such");
  v1::Agreement agreement;
  absl::Status status =
      FromGrpcStatus(stub_->GetAgreement(context.get(), request, &agreement));
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound) << status;
  Unlock();
  stuck.join();
}

TEST_F(FaultsTest, AnUnauthenticatedFloodDoesNotStarveCallers) {
  StartServer({"--workers=1", "--max_queued_calls=4"});
  std::atomic<bool> stop{false};
  std::atomic<int> flood_unauthenticated{0}, flood_other{0};
  std::vector<std::thread> flood;
  for (int i = 0; i < 32; ++i) {
    flood.emplace_back([&] {
      while (!stop.load()) {
        OutboundCall call;
        call.bearer_token = "forged.token.value";
        auto context = NewClientContext(call);
        if (GetInstitution(context.get()).code() ==
            absl::StatusCode::kUnauthenticated) {
          ++flood_unauthenticated;
        } else {
          ++flood_other;
        }
      }
    });
  }
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> callers;
  for (int i = 0; i < 4; ++i) {
    callers.emplace_back([&] {
      for (int n = 0; n < 25; ++n) {
        auto context = Context("applicant");
        if (GetInstitution(context.get()).ok()) {
          ++ok;
        } else {
          ++failed;
        }
      }
    });
  }
  for (auto& c : callers) c.join();
  stop = true;
  for (auto& f : flood) f.join();
  EXPECT_EQ(ok.load(), 100);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_GT(flood_unauthenticated.load(), 0);
  EXPECT_EQ(flood_other.load(), 0);
}

// Raw bytes in place of a request: what a client with another contract, or a
// hostile one, sends.
absl::Status CallRaw(const std::string& address, const std::string& bytes) {
  grpc::GenericStub stub(NewChannel(address));
  return e2e::CallRaw(
      stub, "/mobility.agreements.v1.AgreementsService/GetInstitution", bytes,
      testing::TokenFor("raw", {Role::kApplicant}));
}

TEST_F(FaultsTest, MalformedRequestsAreInvalidArgumentAndTheLogStaysJson) {
  StartServer();
  // Field 1 (name) holding bytes that are not UTF-8.
  const std::string not_utf8("\x0a\x02\xc3\x28", 4);
  absl::Status bad_string = CallRaw(address_, not_utf8);
  EXPECT_EQ(bad_string.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(bad_string), "MALFORMED_REQUEST");
  // A length that runs past the end.
  absl::Status truncated = CallRaw(address_, std::string("\x0a\x40zz", 4));
  EXPECT_EQ(truncated.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(truncated), "MALFORMED_REQUEST");
  // The well-formed request still works.
  v1::GetInstitutionRequest good;
  good.set_name(kInstitution);
  EXPECT_TRUE(CallRaw(address_, good.SerializeAsString()).ok());

  const std::string log = LogOnceItHolds(
      dir_ + "/server.log", R"("method":"GetInstitution","status":"OK")");
  for (absl::string_view line : absl::StrSplit(log, '\n', absl::SkipEmpty())) {
    EXPECT_TRUE(absl::StartsWith(line, "{") && absl::EndsWith(line, "}"))
        << line;
  }
}

}  // namespace
}  // namespace mobility
