// The inquiries service through gRPC, in process, against a real PostgreSQL,
// on a clock the test sets: what the inquiries tests share.
#ifndef MOBILITY_SERVICES_INQUIRIES_INQUIRIES_TEST_FIXTURE_H_
#define MOBILITY_SERVICES_INQUIRIES_INQUIRIES_TEST_FIXTURE_H_

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/client.h"
#include "common/grpc_status.h"
#include "common/status.h"
#include "common/test_support.h"
#include "common/types.h"
#include "services/inquiries/grpc_service.h"
#include "services/inquiries/pg_inquiries_store.h"

namespace mobility {
std::vector<Migration> InquiriesMigrations();
}  // namespace mobility

namespace mobility::inquiries {

using Stub = v1::InquiriesService::Stub;

class InquiriesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::OpenSchema(database_.url(), "inquiries",
                              PgInquiriesStore::Statements(),
                              InquiriesMigrations());
    store_ = std::make_unique<PgTransactor<InquiriesStore, PgInquiriesStore>>(
        db_.get());
    ASSERT_TRUE(absl::LoadTimeZone("Asia/Almaty", &zone_));
    settings_.zone = zone_;
    settings_.public_url = "https://mobility.example";
    settings_.institution = testing::kHomeInstitution;
    settings_.clock = [this] { return absl::FromUnixMicros(now_us_.load()); };
    // Wednesday 25 November 2026, 10:00 in Kokshetau.
    SetNow(Local(2026, 11, 25, 10, 0));
    StartService();
    v1::CreateOfficeRequest office;
    office.set_office_id("international-office");
    office.mutable_office()->set_display_name("International Office");
    office.mutable_office()->set_active(true);
    v1::Office created;
    ASSERT_TRUE(Call(&Stub::CreateOffice, office, &created, Admin()).ok());
  }
  void TearDown() override { server_->Shutdown(); }

  // The service on a fresh port, with settings_ as they stand.
  void StartService() {
    service_ = std::make_unique<InquiriesGrpcService>(
        db_.get(), settings_, testing::TestDispatcher());
    grpc::ServerBuilder builder;
    int& port = port_;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = v1::InquiriesService::NewStub(
        NewChannel(absl::StrCat("127.0.0.1:", port)));
  }
  void RestartService() {
    server_->Shutdown();
    server_.reset();
    StartService();
  }

  void SetNow(absl::Time t) { now_us_ = absl::ToUnixMicros(t); }
  void Advance(absl::Duration d) { now_us_ += absl::ToInt64Microseconds(d); }
  absl::Time Local(int y, int m, int d, int hh, int mm) const {
    return absl::FromCivil(absl::CivilMinute(y, m, d, hh, mm), zone_);
  }

  static std::string Handler() {
    return testing::TokenFor("handler-aigerim", {Role::kInquiryHandler});
  }
  static std::string Rector() {
    return testing::TokenFor("vice-rector", {Role::kRectorOffice});
  }
  static std::string Admin() {
    return testing::TokenFor("admin", {Role::kAdmin});
  }

  // A call with `token` (none when empty). With `client_address`, the call
  // comes as the gateway would send it: its service token vouching for the
  // end user's address.
  template <typename Request, typename Response, typename Method>
  absl::Status Call(Method method, const Request& request, Response* response,
                    const std::string& token = "",
                    const std::string& client_address = "") {
    OutboundCall call;
    call.bearer_token = token;
    call.timeout = absl::Seconds(30);
    auto context = NewClientContext(call);
    if (!client_address.empty()) {
      context->AddMetadata(
          kServiceTokenHeader,
          absl::StrCat("Bearer ",
                       testing::TokenFor("gateway", {Role::kService})));
      context->AddMetadata(kClientAddressHeader, client_address);
    }
    return FromGrpcStatus(
        (stub_.get()->*method)(context.get(), request, response));
  }

  // A question to the rector through the web form, from Aigerim.
  static v1::CreateInquiryRequest Question(const std::string& text) {
    v1::CreateInquiryRequest r;
    v1::Inquiry* i = r.mutable_inquiry();
    i->set_kind(v1::REQUEST);
    i->set_addressee("rector");
    i->set_subject("Erasmus+ grant for a semester in Latvia");
    i->set_text(text);
    i->set_language("en");
    i->mutable_author()->set_full_name("Aigerim Nurlanovna Bekova");
    i->mutable_author()->set_email("aigerim@example.kz");
    i->set_consent_to_processing(true);
    i->set_consent_to_publication(true);
    return r;
  }

  v1::InquiryReceipt Submit(const v1::CreateInquiryRequest& request,
                            const std::string& token = "") {
    v1::InquiryReceipt receipt;
    absl::Status s = Call(&Stub::CreateInquiry, request, &receipt, token);
    EXPECT_TRUE(s.ok()) << s;
    return receipt;
  }

  v1::Inquiry Get(const std::string& name) {
    v1::GetInquiryRequest r;
    r.set_name(name);
    v1::Inquiry out;
    absl::Status s = Call(&Stub::GetInquiry, r, &out, Handler());
    EXPECT_TRUE(s.ok()) << s;
    return out;
  }

  absl::Status Assign(const std::string& name) {
    v1::AssignInquiryRequest r;
    r.set_name(name);
    r.set_office("offices/international-office");
    r.set_handler("handler-aigerim");
    v1::Inquiry out;
    return Call(&Stub::AssignInquiry, r, &out, Handler());
  }
  absl::Status Start(const std::string& name) {
    v1::StartInquiryRequest r;
    r.set_name(name);
    v1::Inquiry out;
    return Call(&Stub::StartInquiry, r, &out, Handler());
  }
  absl::Status Answer(const std::string& name, const std::string& text) {
    v1::AnswerInquiryRequest r;
    r.set_name(name);
    r.mutable_answer()->set_text(text);
    r.mutable_answer()->set_language("en");
    v1::Inquiry out;
    return Call(&Stub::AnswerInquiry, r, &out, Handler());
  }

  // A query's one value, as text.
  std::string Sql(const std::string& query) {
    std::string value;
    EXPECT_TRUE(db_->Read(CallLimit::Within(absl::Seconds(10)),
                          [&](pqxx::transaction_base& txn) {
                            value = txn.exec1(query)[0].as<std::string>("");
                            return absl::OkStatus();
                          })
                    .ok());
    return value;
  }
  int CountRows(const std::string& table) {
    return std::stoi(Sql("SELECT count(*) FROM " + table));
  }
  std::string LastOutboxSubject() {
    return Sql("SELECT subject FROM outbox ORDER BY id DESC LIMIT 1");
  }

  testing::TestDatabase database_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<PgTransactor<InquiriesStore, PgInquiriesStore>> store_;
  absl::TimeZone zone_;
  std::atomic<int64_t> now_us_{0};
  Settings settings_;
  std::unique_ptr<InquiriesGrpcService> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::unique_ptr<Stub> stub_;
};

}  // namespace mobility::inquiries

#endif  // MOBILITY_SERVICES_INQUIRIES_INQUIRIES_TEST_FIXTURE_H_
