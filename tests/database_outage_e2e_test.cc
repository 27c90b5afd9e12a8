// PostgreSQL stopped for seconds under load, with every service and the
// gateway running on a cluster of the test's own: callers see UNAVAILABLE,
// never INTERNAL or UNKNOWN; no process dies; health goes NOT_SERVING and
// back; calls succeed again within seconds of the database's return; every
// registration a caller saw acknowledged is there, and the registry's numbers
// stay gap-free (nothing half applied took one). The same when every
// service's connections are terminated.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <iostream>
#include <map>
#include <mutex>
#include <pqxx/pqxx>
#include <regex>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/api.h"
#include "common/client.h"
#include "common/status.h"
#include "common/test_support.h"
#include "mobility/agreements/v1/agreements.grpc.pb.h"
#include "mobility/applications/v1/applications.pb.h"
#include "mobility/grants/v1/grants.pb.h"
#include "mobility/inquiries/v1/inquiries.grpc.pb.h"
#include "tests/e2e_support.h"

namespace mobility {
namespace {

namespace av1 = ::mobility::agreements::v1;
namespace apv1 = ::mobility::applications::v1;
namespace gv1 = ::mobility::grants::v1;
namespace iv1 = ::mobility::inquiries::v1;

class DatabaseOutageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/var/tmp/mobility-outage-pg.XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    pg_dir_ = dir;
    auto [code, url] = Db("start");
    ASSERT_EQ(code, 0) << url;
    url_ = std::string(absl::StripTrailingAsciiWhitespace(url));
    // The same port when it starts again.
    port_ = url_.substr(url_.rfind(':') + 1);
    port_ = port_.substr(0, port_.find('/'));
    stack_ = std::make_unique<e2e::Stack>(url_, dir_);
    ASSERT_TRUE(stack_->Start());
  }
  void TearDown() override {
    stack_.reset();
    Db("destroy");
  }
  std::pair<int, std::string> Db(const std::string& command) {
    return e2e::RunCommand(absl::StrCat(
        "MOBILITY_PG_DIR=", pg_dir_,
        " MOBILITY_PG_FAST=1 MOBILITY_PG_PORT=", port_, " ", PROJECT_SOURCE_DIR,
        "/deploy/db.sh ", command, " 2>/dev/null"));
  }

  std::string pg_dir_, url_, port_;
  std::string dir_ = e2e::MakeWorkspace();
  std::unique_ptr<e2e::Stack> stack_;
};

// Reads of agreements and registrations of inquiries (by a handler, not
// limited per address) on threads of their own until Stop.
class Load {
 public:
  explicit Load(const e2e::Stack& stack)
      : agreements_(av1::AgreementsService::NewStub(
            NewChannel(stack.address("agreements")))),
        inquiries_(iv1::InquiriesService::NewStub(
            NewChannel(stack.address("inquiries")))) {
    for (int i = 0; i < 3; ++i) threads_.emplace_back([this] { Read(); });
    for (int i = 0; i < 2; ++i)
      threads_.emplace_back([this, i] { Register(i); });
  }
  ~Load() { Stop(); }
  void Stop() {
    stop_ = true;
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }
  int Count(grpc::StatusCode code) {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_[code];
  }
  std::map<grpc::StatusCode, int> seen() {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }
  std::set<std::string> acknowledged() {
    std::lock_guard<std::mutex> lock(mu_);
    return acknowledged_;
  }
  iv1::InquiriesService::Stub& inquiries() { return *inquiries_; }

  static std::string Handler() {
    return testing::TokenFor("handler", {Role::kInquiryHandler});
  }

 private:
  void Record(const grpc::Status& status) {
    std::lock_guard<std::mutex> lock(mu_);
    ++seen_[status.error_code()];
  }
  void Read() {
    while (!stop_) {
      grpc::ClientContext context;
      context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
      av1::ListAgreementsResponse out;
      Record(agreements_->ListAgreements(&context, av1::ListAgreementsRequest(),
                                         &out));
    }
  }
  void Register(int thread) {
    const std::string handler = Handler();
    for (int n = 0; !stop_; ++n) {
      grpc::ClientContext context;
      context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
      context.AddMetadata("authorization", "Bearer " + handler);
      iv1::CreateInquiryRequest request;
      iv1::Inquiry& inquiry = *request.mutable_inquiry();
      inquiry.set_kind(iv1::REQUEST);
      inquiry.set_channel(iv1::EMAIL);
      inquiry.set_addressee("rector");
      inquiry.set_language("en");
      inquiry.set_subject(absl::StrCat("Question ", thread, "-", n));
      inquiry.set_text("Does the grant cover the visa?");
      inquiry.mutable_author()->set_full_name("Dana Seitkali");
      inquiry.mutable_author()->set_email(
          absl::StrCat("dana", thread, "-", n, "@example.kz"));
      inquiry.set_consent_to_processing(true);
      request.set_accepted_by_name("Seitkali D.");
      request.set_accepted_by_position("Registry clerk");
      iv1::InquiryReceipt receipt;
      grpc::Status status =
          inquiries_->CreateInquiry(&context, request, &receipt);
      Record(status);
      if (status.ok()) {
        std::lock_guard<std::mutex> lock(mu_);
        acknowledged_.insert(receipt.receipt().registration_number());
      }
      // A registry's pace, so one page lists them all.
      absl::SleepFor(absl::Milliseconds(50));
    }
  }

  std::unique_ptr<av1::AgreementsService::Stub> agreements_;
  std::unique_ptr<iv1::InquiriesService::Stub> inquiries_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::map<grpc::StatusCode, int> seen_;
  std::set<std::string> acknowledged_;
};

// After the load: only OK and UNAVAILABLE were seen, every service serves
// again (its health is checked every 250 ms, so a ping that met a terminated
// connection just before shows NOT_SERVING until the next), every
// acknowledged registration is there and the numbers are 1..N.
void CheckAfter(Load& load, const e2e::Stack& stack) {
  for (const auto& [code, count] : load.seen()) {
    EXPECT_TRUE(code == grpc::StatusCode::OK ||
                code == grpc::StatusCode::UNAVAILABLE)
        << count << " calls ended with code " << code;
  }
  for (const char* service :
       {"agreements", "applications", "grants", "inquiries"}) {
    EXPECT_TRUE(e2e::WaitUntilServing(stack.address(service))) << service;
  }
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + Load::Handler());
  iv1::ListInquiriesRequest list;
  list.set_page_size(500);
  iv1::ListInquiriesResponse registered;
  ASSERT_TRUE(load.inquiries().ListInquiries(&context, list, &registered).ok());
  std::set<int> numbers;
  std::set<std::string> present;
  for (const auto& inquiry : registered.inquiries()) {
    const std::string& number = inquiry.receipt().registration_number();
    present.insert(number);
    numbers.insert(std::stoi(number.substr(number.find('-') + 1)));
  }
  for (const std::string& number : load.acknowledged())
    EXPECT_TRUE(present.count(number)) << number << " was acknowledged";
  ASSERT_FALSE(numbers.empty());
  EXPECT_EQ(*numbers.begin(), 1);
  EXPECT_EQ(*numbers.rbegin(), static_cast<int>(numbers.size()))
      << "a number was taken and not used";
  std::cout << load.Count(grpc::StatusCode::OK) << " calls OK, "
            << load.Count(grpc::StatusCode::UNAVAILABLE) << " UNAVAILABLE, "
            << load.acknowledged().size() << " registrations acknowledged\n";
}

TEST_F(DatabaseOutageTest, CallersSeeUnavailableAndEverythingComesBack) {
  Load load(*stack_);
  absl::SleepFor(absl::Seconds(1));
  ASSERT_EQ(Db("stop").first, 0);
  // Health turns NOT_SERVING while the database is away.
  bool not_serving = false;
  for (int i = 0; i < 40 && !not_serving; ++i) {
    not_serving = e2e::HealthStatus(stack_->address("agreements")) == 2;
    absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_TRUE(not_serving);
  absl::SleepFor(absl::Seconds(1));
  ASSERT_EQ(Db("start").first, 0);
  const absl::Time back = absl::Now();
  // Calls succeed again within seconds, and health with them.
  bool serving = false;
  while (!serving && absl::Now() - back < absl::Seconds(20)) {
    serving = e2e::HealthStatus(stack_->address("agreements")) == 1 &&
              e2e::HealthStatus(stack_->address("inquiries")) == 1;
    absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_TRUE(serving);
  std::cout << "serving again " << absl::FormatDuration(absl::Now() - back)
            << " after the database returned\n";
  const int ok_before = load.Count(grpc::StatusCode::OK);
  absl::SleepFor(absl::Seconds(1));
  load.Stop();
  EXPECT_GT(load.Count(grpc::StatusCode::OK), ok_before)
      << "no call succeeded after";
  EXPECT_GT(load.Count(grpc::StatusCode::UNAVAILABLE), 0)
      << "the outage went unseen";
  CheckAfter(load, *stack_);
}

// Every RPC of every service, called while the database is down with the
// names of records that exist (from its HTTP route) and a request id: each
// answers UNAVAILABLE, or refuses the request before any database read, which
// it then refuses the same way with the database up. Never NOT_FOUND (a
// client gives up on it: issue 22 found WithdrawApplication saying so),
// INTERNAL, UNKNOWN or OK.
TEST_F(DatabaseOutageTest, EveryRpcAnswersUnavailableWhileTheDatabaseIsDown) {
  ASSERT_TRUE(stack_->LoadDemo());
  const std::string kokshetau = "institutions/kokshetau-amu";
  // An existing record of each collection, by the collection's name.
  std::map<std::string, std::string> ids = {
      {"institutions", "kokshetau-amu"},
      {"agreements", "ka171-2025-kz-lv"},
      {"calls", "spring-2027"},
      {"budgets", "ka107-2016-kz"},
      {"documents", "0123456789abcdef0123456789abcdef"},
      {"payments", "1"}};
  std::string owner;
  {
    pqxx::connection db(url_);
    pqxx::nontransaction txn(db);
    pqxx::row a = txn.exec1(
        "SELECT id, owner FROM applications.applications "
        "WHERE state = 'SUBMITTED' LIMIT 1");
    ids["applications"] = a[0].as<std::string>();
    owner = a[1].as<std::string>();
    ids["grants"] =
        txn.exec1("SELECT id FROM grants.grants LIMIT 1")[0].as<std::string>();
    ids["rates"] =
        txn.exec1("SELECT id FROM grants.rates LIMIT 1")[0].as<std::string>();
    ids["inquiries"] =
        txn.exec1("SELECT id FROM inquiries.inquiries LIMIT 1")[0]
            .as<std::string>();
    ids["offices"] = txn.exec1("SELECT id FROM inquiries.offices LIMIT 1")[0]
                         .as<std::string>();
    ids["holidays"] =
        txn.exec1("SELECT day::text FROM inquiries.holidays LIMIT 1")[0]
            .as<std::string>();
    ids["publishedQuestions"] =
        txn.exec1("SELECT id FROM inquiries.published_questions LIMIT 1")[0]
            .as<std::string>();
  }
  // Who calls: the first kind the access table lets in, staff of the
  // institution that owns the demo, the applicant who owns the application.
  const std::vector<std::pair<std::string, std::string>> callers = {
      {"service", testing::TokenFor("outage", {Role::kService})},
      {"coordinator",
       testing::TokenFor("outage", {Role::kCoordinator}, kokshetau)},
      {"finance", testing::TokenFor("outage", {Role::kFinance}, kokshetau)},
      {"inquiry_handler",
       testing::TokenFor("outage", {Role::kInquiryHandler}, kokshetau)},
      {"rector_office",
       testing::TokenFor("outage", {Role::kRectorOffice}, kokshetau)},
      {"admin", testing::TokenFor("outage", {Role::kAdmin}, kokshetau)},
      {"applicant", testing::TokenFor(owner, {Role::kApplicant})},
      {"public", ""}};
  const std::map<std::string, e2e::AccessRow> table = e2e::AccessTable();
  const std::map<std::string, std::string> services = {
      {"agreements", "mobility.agreements.v1.AgreementsService"},
      {"applications", "mobility.applications.v1.ApplicationsService"},
      {"grants", "mobility.grants.v1.GrantsService"},
      {"inquiries", "mobility.inquiries.v1.InquiriesService"}};
  // Linked in, so that their services are in the generated pool.
  av1::Agreement::descriptor();
  apv1::Application::descriptor();
  gv1::Grant::descriptor();
  iv1::Inquiry::descriptor();
  struct Rpc {
    std::string service, method, token, request;
  };
  std::vector<Rpc> rpcs;
  static const std::regex variable(R"(\{([^}=]+)=([^}]*)\})");
  for (const auto& [short_name, full_name] : services) {
    const auto* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
            full_name);
    ASSERT_NE(service, nullptr);
    for (int i = 0; i < service->method_count(); ++i) {
      const auto* method = service->method(i);
      std::unique_ptr<google::protobuf::Message> request(
          google::protobuf::MessageFactory::generated_factory()
              ->GetPrototype(method->input_type())
              ->New());
      const auto* reflection = request->GetReflection();
      const std::string pattern = e2e::HttpRoute(method).second;
      for (auto it =
               std::sregex_iterator(pattern.begin(), pattern.end(), variable);
           it != std::sregex_iterator(); ++it) {
        // "applications/*/documents/*": each * is a record of the collection
        // before it.
        std::vector<std::string> parts = absl::StrSplit((*it)[2].str(), '/');
        for (size_t p = 1; p < parts.size(); ++p) {
          if (parts[p] == "*") parts[p] = ids.at(parts[p - 1]);
        }
        // The variable may name a nested field ("institution.name").
        google::protobuf::Message* holder = request.get();
        const google::protobuf::FieldDescriptor* field = nullptr;
        for (const auto& step : absl::StrSplit((*it)[1].str(), '.')) {
          if (field != nullptr) {
            holder = holder->GetReflection()->MutableMessage(holder, field);
          }
          field = holder->GetDescriptor()->FindFieldByName(std::string(step));
          ASSERT_NE(field, nullptr) << method->full_name();
        }
        holder->GetReflection()->SetString(holder, field,
                                           absl::StrJoin(parts, "/"));
      }
      if (const auto* field =
              method->input_type()->FindFieldByName("request_id")) {
        reflection->SetString(request.get(), field,
                              StepRequestId(method->full_name()));
      }
      const e2e::AccessRow& row =
          table.at(absl::StrCat(short_name, ".", method->name()));
      std::string token;
      bool found = false;
      for (const auto& [column, caller_token] : callers) {
        if (row.at(column) == "y") {
          token = caller_token;
          found = true;
          break;
        }
      }
      ASSERT_TRUE(found) << method->full_name() << " has no caller";
      rpcs.push_back({short_name,
                      absl::StrCat("/", full_name, "/", method->name()), token,
                      request->SerializeAsString()});
    }
  }

  // One channel a service, connected before the outage, which is kept short.
  std::map<std::string, std::unique_ptr<grpc::GenericStub>> stubs;
  for (const auto& [service, ignored] : services) {
    stubs[service] = std::make_unique<grpc::GenericStub>(
        NewChannel(stack_->address(service)));
  }
  ASSERT_EQ(Db("stop").first, 0);
  std::map<std::string, absl::Status> refused;
  int unavailable = 0;
  for (const Rpc& rpc : rpcs) {
    const absl::Status status = e2e::CallRaw(*stubs.at(rpc.service), rpc.method,
                                             rpc.request, rpc.token);
    if (status.code() == absl::StatusCode::kUnavailable) {
      ++unavailable;
      continue;
    }
    for (absl::StatusCode never :
         {absl::StatusCode::kOk, absl::StatusCode::kNotFound,
          absl::StatusCode::kInternal, absl::StatusCode::kUnknown,
          absl::StatusCode::kDataLoss}) {
      EXPECT_NE(status.code(), never) << rpc.method << ": " << status;
    }
    refused[rpc.method] = status;
  }
  ASSERT_EQ(Db("start").first, 0);
  for (const auto& [service, ignored] : services)
    ASSERT_TRUE(e2e::WaitUntilServing(stack_->address(service))) << service;
  for (const Rpc& rpc : rpcs) {
    auto it = refused.find(rpc.method);
    if (it == refused.end()) continue;
    const absl::Status status = e2e::CallRaw(*stubs.at(rpc.service), rpc.method,
                                             rpc.request, rpc.token);
    EXPECT_EQ(status, it->second) << rpc.method << " with the database up";
  }
  std::cout << rpcs.size() << " RPCs: " << unavailable
            << " answered UNAVAILABLE, " << refused.size()
            << " refused the request before reading\n";
  EXPECT_GT(unavailable, static_cast<int>(rpcs.size()) / 2);
}

// Every service's connections terminated at once, twice: calls go on, and the
// new connections find their schemas (search_path is set per connection).
TEST_F(DatabaseOutageTest, TerminatedConnectionsComeBackToTheirSchemas) {
  Load load(*stack_);
  pqxx::connection admin(url_);
  for (int round = 0; round < 2; ++round) {
    absl::SleepFor(absl::Seconds(1));
    pqxx::work txn(admin);
    const int terminated =
        txn.exec1(
               "SELECT count(pg_terminate_backend(pid)) FROM "
               "pg_stat_activity WHERE pid <> pg_backend_pid() AND "
               "datname = current_database()")[0]
            .as<int>();
    txn.commit();
    EXPECT_GT(terminated, 0);
  }
  const int ok_before = load.Count(grpc::StatusCode::OK);
  absl::SleepFor(absl::Seconds(2));
  load.Stop();
  EXPECT_GT(load.Count(grpc::StatusCode::OK), ok_before)
      << "no call succeeded after";
  CheckAfter(load, *stack_);
}

}  // namespace
}  // namespace mobility
