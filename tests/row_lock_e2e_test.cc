// A row held by another session (SELECT ... FOR UPDATE) while the
// applications, grants and inquiries services change it, each its own real
// process with the demo data (faults_e2e_test does the same for agreements):
// a call with a 500 ms deadline ends DEADLINE_EXCEEDED at its deadline, its
// query is cancelled and its connection goes back to the pool; a call without
// a deadline ends at the server's maximum; the row is as it was.
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/client.h"
#include "common/test_support.h"
#include "mobility/applications/v1/applications.pb.h"
#include "mobility/grants/v1/grants.pb.h"
#include "mobility/inquiries/v1/inquiries.pb.h"
#include "tests/e2e_support.h"

namespace mobility {
namespace {

constexpr int kPoolSize = 2;
constexpr int kMaxCallSeconds = 2;

// A change that locks one row of a service's schema first.
struct RowChange {
  std::string service;
  std::string table;  // Schema-qualified.
  std::string id;     // The row's id.
  std::string method;
  std::string request;  // Serialized.
  std::string token;
  // A read of the same service that needs a connection of the pool.
  std::string read_method;
};

class RowLockTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Read by every service at start (common/service_main.cc).
    setenv("MOBILITY_DB_POOL_SIZE", absl::StrCat(kPoolSize).c_str(), 1);
    setenv("MOBILITY_MAX_CALL_SECONDS", absl::StrCat(kMaxCallSeconds).c_str(),
           1);
  }
  void SetUp() override {
    ASSERT_TRUE(stack_.Start());
    ASSERT_TRUE(stack_.LoadDemo());
  }

  std::string FirstId(const std::string& table) {
    pqxx::connection c(database_.url());
    pqxx::nontransaction txn(c);
    return txn.exec1("SELECT id FROM " + table + " ORDER BY id LIMIT 1")[0]
        .as<std::string>();
  }

  std::vector<RowChange> Changes() {
    const std::string call_id = "spring-2027";
    applications::v1::CloseCallRequest close;
    close.set_name("calls/" + call_id);
    close.set_request_id("7a0c0000-0000-4000-8000-000000000001");
    const std::string grant_id = FirstId("grants.grants");
    grants::v1::CancelGrantRequest cancel;
    cancel.set_name("grants/" + grant_id);
    cancel.set_request_id("7a0c0000-0000-4000-8000-000000000002");
    const std::string inquiry_id = FirstId("inquiries.inquiries");
    inquiries::v1::StartInquiryRequest start;
    start.set_name("inquiries/" + inquiry_id);
    return {
        {"applications", "applications.calls", call_id,
         "/mobility.applications.v1.ApplicationsService/CloseCall",
         close.SerializeAsString(),
         testing::TokenFor("coordinator", {Role::kCoordinator},
                           "institutions/kokshetau-amu"),
         "/mobility.applications.v1.ApplicationsService/ListCalls"},
        {"grants", "grants.grants", grant_id,
         "/mobility.grants.v1.GrantsService/CancelGrant",
         cancel.SerializeAsString(),
         testing::TokenFor("finance", {Role::kFinance}),
         "/mobility.grants.v1.GrantsService/ListRates"},
        {"inquiries", "inquiries.inquiries", inquiry_id,
         "/mobility.inquiries.v1.InquiriesService/StartInquiry",
         start.SerializeAsString(),
         testing::TokenFor("handler", {Role::kInquiryHandler}),
         "/mobility.inquiries.v1.InquiriesService/ListPublishedQuestions"},
    };
  }

  // The row's body, to see that nothing changed it.
  std::string Body(const RowChange& change) {
    pqxx::connection c(database_.url());
    pqxx::nontransaction txn(c);
    return txn
        .exec_params1(
            "SELECT md5(body) FROM " + change.table + " WHERE id = $1",
            change.id)[0]
        .as<std::string>();
  }

  int WaitingQueries() { return e2e::WaitingQueries(database_.url()); }
  bool NoQueryWaitsWithin(absl::Duration d) {
    return e2e::NoQueryWaitsWithin(database_.url(), d);
  }

  testing::TestDatabase database_;
  std::string dir_ = e2e::MakeWorkspace();
  e2e::Stack stack_{database_.url(), dir_};
};

TEST_F(RowLockTest, ACallOnALockedRowEndsAtItsDeadlineAndFreesItsConnection) {
  for (const RowChange& change : Changes()) {
    SCOPED_TRACE(change.method);
    const std::string before = Body(change);
    pqxx::connection holder(database_.url());
    auto lock = std::make_unique<pqxx::work>(holder);
    lock->exec_params(
        "SELECT 1 FROM " + change.table + " WHERE id = $1 FOR UPDATE",
        change.id);
    grpc::GenericStub stub(NewChannel(stack_.address(change.service)));

    // More calls than the pool has connections, one after another: each
    // would find the pool empty if a call that timed out kept its own.
    for (int i = 0; i < kPoolSize + 2; ++i) {
      const absl::Time start = absl::Now();
      const absl::Status status =
          e2e::CallRaw(stub, change.method, change.request, change.token,
                       absl::Milliseconds(500));
      const absl::Duration took = absl::Now() - start;
      EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
      EXPECT_GE(took, absl::Milliseconds(500));
      EXPECT_LT(took, absl::Milliseconds(1500)) << "call " << i;
      // Its query was cancelled, not left waiting on the row.
      EXPECT_TRUE(NoQueryWaitsWithin(absl::Seconds(3))) << "call " << i;
    }
    // The pool still serves while the row stays locked.
    EXPECT_TRUE(e2e::CallRaw(stub, change.read_method, "", change.token).ok());

    // Without a deadline of its own the server's maximum ends the call.
    const absl::Time start = absl::Now();
    const absl::Status status =
        e2e::CallRaw(stub, change.method, change.request, change.token,
                     absl::InfiniteDuration());
    const absl::Duration took = absl::Now() - start;
    EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
    EXPECT_GE(took, absl::Seconds(kMaxCallSeconds));
    EXPECT_LT(took, absl::Seconds(kMaxCallSeconds + 3));
    EXPECT_TRUE(NoQueryWaitsWithin(absl::Seconds(3)));

    lock.reset();  // Rolls back, releasing the row.
    EXPECT_EQ(Body(change), before) << "a call that timed out changed the row";
    EXPECT_TRUE(e2e::CallRaw(stub, change.read_method, "", change.token).ok());
  }
}

}  // namespace
}  // namespace mobility
