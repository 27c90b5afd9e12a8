// The applications service through gRPC, in process, against a real
// PostgreSQL, with real agreements and grants services on their own sockets:
// the fixture of its tests.
#ifndef MOBILITY_SERVICES_APPLICATIONS_SERVICE_FIXTURE_H_
#define MOBILITY_SERVICES_APPLICATIONS_SERVICE_FIXTURE_H_
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <functional>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/api.h"
#include "common/client.h"
#include "common/grpc_status.h"
#include "common/migrations.h"
#include "common/status.h"
#include "common/test_support.h"
#include "common/types.h"
#include "services/agreements/grpc_service.h"
#include "services/agreements/pg_agreements_store.h"
#include "services/applications/application_rules.h"
#include "services/applications/grpc_service.h"
#include "services/applications/personal_data.h"
#include "services/applications/pg_applications_store.h"
#include "services/grants/grpc_service.h"
#include "services/grants/pg_grants_store.h"

namespace mobility {
std::vector<Migration> AgreementsMigrations();
std::vector<Migration> ApplicationsMigrations();
std::vector<Migration> GrantsMigrations();
}  // namespace mobility

namespace mobility::applications {

namespace av1 = ::mobility::agreements::v1;
namespace gv1 = ::mobility::grants::v1;
using ::testing::Contains;
using ::testing::Field;
using ::testing::SizeIs;
using Stub = v1::ApplicationsService::Stub;

constexpr char kKz[] = "institutions/kokshetau-amu";
constexpr char kLv[] = "institutions/vidzeme-via";
constexpr char kAgreement[] = "agreements/ka171-kz-lv";
constexpr char kBudget[] = "budgets/ka171-2024-kz";

inline std::unique_ptr<grpc::Server> Serve(grpc::Service* service, int* port) {
  grpc::ServerBuilder builder;
  builder.AddListeningPort(absl::StrCat("127.0.0.1:", *port),
                           grpc::InsecureServerCredentials(), port);
  builder.SetMaxReceiveMessageSize(kMaxRequestBytes);
  builder.RegisterService(service);
  return builder.BuildAndStart();
}

// Calls a step until it answers otherwise than UNAVAILABLE, as callers retry
// (the channel to a restarted service reconnects meanwhile).
inline absl::Status Retried(const std::function<absl::Status()>& step) {
  absl::Status status;
  for (int attempt = 0; attempt < 50; ++attempt) {
    status = step();
    if (status.code() != absl::StatusCode::kUnavailable) break;
    absl::SleepFor(absl::Milliseconds(200));
  }
  return status;
}

class ApplicationsServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    agreements_db_ = testing::OpenSchema(
        database_.url(), "agreements",
        agreements::PgAgreementsStore::Statements(), AgreementsMigrations());
    grants_db_ = testing::OpenSchema(database_.url(), "grants",
                                     grants::PgGrantsStore::Statements(),
                                     GrantsMigrations());
    applications_db_ = testing::OpenSchema(database_.url(), "applications",
                                           PgApplicationsStore::Statements(),
                                           ApplicationsMigrations());
    // The services' own tokens, as deploy/run.sh gives them.
    token_file_ = absl::StrCat(
        ::testing::TempDir(), "/applications-",
        ::testing::UnitTest::GetInstance()->current_test_info()->name(),
        ".token");
    std::ofstream(token_file_)
        << testing::TokenFor("applications-service", {Role::kService});
    agreements_service_ = std::make_unique<agreements::AgreementsGrpcService>(
        agreements_db_.get(), testing::TestDispatcher());
    agreements_server_ = Serve(agreements_service_.get(), &agreements_port_);
    StartGrants();
    applications_service_ = std::make_unique<ApplicationsGrpcService>(
        applications_db_.get(),
        std::make_shared<ServiceChannel>(
            absl::StrCat("127.0.0.1:", agreements_port_), token_file_),
        std::make_shared<ServiceChannel>(
            absl::StrCat("127.0.0.1:", grants_port_), token_file_),
        /*applicant_signer=*/std::nullopt, testing::TestDispatcher());
    int port = 0;
    applications_server_ = Serve(applications_service_.get(), &port);
    stub_ = v1::ApplicationsService::NewStub(
        NewChannel(absl::StrCat("127.0.0.1:", port)));
    agreements_stub_ = av1::AgreementsService::NewStub(
        NewChannel(absl::StrCat("127.0.0.1:", agreements_port_)));
    grants_stub_ = gv1::GrantsService::NewStub(
        NewChannel(absl::StrCat("127.0.0.1:", grants_port_)));
    CreateAgreementAndBudget();
  }

  void TearDown() override {
    applications_server_->Shutdown();
    if (grants_server_) grants_server_->Shutdown();
    agreements_server_->Shutdown();
  }

  // The grants service on its port, again after StopGrants.
  void StartGrants() {
    grants_service_ = std::make_unique<grants::GrantsGrpcService>(
        grants_db_.get(),
        std::make_shared<ServiceChannel>(
            absl::StrCat("127.0.0.1:", agreements_port_), ""),
        testing::TestDispatcher());
    grants_server_ = Serve(grants_service_.get(), &grants_port_);
    ASSERT_NE(grants_server_, nullptr);
    // The test's own view of grants after a restart: a new channel, which
    // connects on its first call, where the old one may still wait out its
    // reconnect backoff and fail that call at once.
    if (grants_stub_) {
      grants_stub_ = gv1::GrantsService::NewStub(
          NewChannel(absl::StrCat("127.0.0.1:", grants_port_)));
    }
  }
  void StopGrants() {
    grants_server_->Shutdown();
    grants_server_.reset();
  }

  static std::string Token(const std::string& subject, Role role,
                           const std::string& institution = "") {
    return testing::TokenFor(subject, {role}, institution);
  }
  std::string Coordinator() {
    return Token("coordinator-kz", Role::kCoordinator, kKz);
  }

  template <typename S, typename Request, typename Response, typename Method>
  static absl::Status Invoke(S* stub, Method method, const Request& request,
                             Response* response, const std::string& token) {
    OutboundCall call;
    call.bearer_token = token;
    call.timeout = absl::Seconds(30);
    auto context = NewClientContext(call);
    return FromGrpcStatus((stub->*method)(context.get(), request, response));
  }
  template <typename Request, typename Response, typename Method>
  absl::Status Call(Method method, const Request& request, Response* response,
                    const std::string& token) {
    return Invoke(stub_.get(), method, request, response, token);
  }

  void CreateAgreementAndBudget() {
    using AStub = av1::AgreementsService::Stub;
    const std::string admin = Token("admin-1", Role::kAdmin);
    for (auto [id, country, lat, lon] :
         {std::tuple<const char*, const char*, double, double>{
              "kokshetau-amu", "KZ", 53.28, 69.39},
          {"vidzeme-via", "LV", 57.54, 25.43}}) {
      av1::CreateInstitutionRequest request;
      request.set_institution_id(id);
      request.mutable_institution()->set_display_name(id);
      request.mutable_institution()->set_country_code(country);
      request.mutable_institution()->set_city(id);
      request.mutable_institution()->set_latitude(lat);
      request.mutable_institution()->set_longitude(lon);
      av1::Institution created;
      ASSERT_TRUE(Invoke(agreements_stub_.get(), &AStub::CreateInstitution,
                         request, &created, admin)
                      .ok());
    }
    CreateAgreement("ka171-kz-lv", 5);
    CreateBudget();
  }

  // An approved KA171 agreement between the two with `student_places` a year
  // for Kazakh students in Latvia.
  void CreateAgreement(const std::string& id, int student_places) {
    using AStub = av1::AgreementsService::Stub;
    const std::string admin = Token("admin-1", Role::kAdmin);
    av1::CreateAgreementRequest request;
    request.set_agreement_id(id);
    av1::Agreement* a = request.mutable_agreement();
    a->set_programme(av1::KA171);
    a->set_reference_number("REF-" + id);
    a->set_title("KA171 agreement");
    a->add_partners()->set_institution(kKz);
    a->add_partners()->set_institution(kLv);
    a->set_first_academic_year("2025/2026");
    a->set_last_academic_year("2027/2028");
    auto condition = [&](const char* cid, av1::MobilityType type,
                         const char* from, const char* to, int places) {
      auto* c = a->add_cooperation_conditions();
      c->set_id(cid);
      c->set_mobility_type(type);
      c->set_sending_institution(from);
      c->set_receiving_institution(to);
      c->set_mobilities_per_year(places);
      if (type == av1::STUDENT_STUDIES) {
        c->add_eqf_levels(6);
        c->add_subject_areas()->set_isced_code("0413");
      }
      if (type != av1::STAFF_TRAINING) {
        auto* l = c->add_language_requirements();
        l->set_language("en");
        l->set_cefr_level(av1::B2);
      }
    };
    condition("kz-lv-studies", av1::STUDENT_STUDIES, kKz, kLv, student_places);
    condition("kz-lv-teaching", av1::STAFF_TEACHING, kKz, kLv, 2);
    condition("lv-kz-studies", av1::STUDENT_STUDIES, kLv, kKz, 2);
    av1::Agreement created;
    ASSERT_TRUE(Invoke(agreements_stub_.get(), &AStub::CreateAgreement, request,
                       &created, admin)
                    .ok());
    for (const char* partner : {kKz, kLv}) {
      av1::ApproveAgreementRequest approve;
      approve.set_name(created.name());
      approve.set_institution(partner);
      approve.set_content_hash(created.content_hash());
      av1::Agreement approved;
      ASSERT_TRUE(Invoke(agreements_stub_.get(), &AStub::ApproveAgreement,
                         approve, &approved,
                         Token("coordinator", Role::kCoordinator, partner))
                      .ok());
    }
  }

  // A KA171 budget of the `call_year` call whose project ends on `end`.
  void CreateBudget(const std::string& id = "ka171-2024-kz",
                    int call_year = 2024,
                    absl::CivilDay end = absl::CivilDay(2027, 7, 31)) {
    gv1::CreateBudgetRequest budget;
    budget.set_budget_id(id);
    gv1::Budget* b = budget.mutable_budget();
    b->set_project_number(absl::StrCat(call_year, "-1-LV01-KA171-HED-", id));
    b->set_beneficiary(kLv);
    b->set_programme(gv1::KA171);
    b->set_call_year(call_year);
    *b->mutable_project_end_date() = ToDate(end);
    *b->mutable_allocated()->mutable_travel() = Euros(100'000'00);
    *b->mutable_allocated()->mutable_individual_support() = Euros(1'000'000'00);
    *b->mutable_allocated()->mutable_organisational_support() = Euros(0);
    *b->mutable_allocated()->mutable_inclusion_support() = Euros(0);
    b->set_prefinancing_percent(80);
    *b->mutable_organisational_support_per_participant() = Euros(0);
    gv1::Budget made;
    absl::Status s =
        Invoke(grants_stub_.get(), &gv1::GrantsService::Stub::CreateBudget,
               budget, &made, Token("finance-1", Role::kFinance));
    ASSERT_TRUE(s.ok()) << s;
  }

  // An open call for the spring of 2026/2027 under the 2024 KA171 call.
  v1::Call CreateCall(const std::string& id = "spring-2027",
                      absl::Duration opened = absl::Hours(1),
                      const std::string& agreement = kAgreement,
                      const std::string& budget = kBudget,
                      int funding_call_year = 2024) {
    v1::CreateCallRequest request;
    request.set_call_id(id);
    v1::Call* c = request.mutable_call();
    c->set_title("Spring term 2027, Vidzeme");
    c->set_agreement(agreement);
    c->add_condition_ids("kz-lv-studies");
    c->add_condition_ids("kz-lv-teaching");
    c->set_academic_year("2026/2027");
    *c->mutable_open_time() = ToTimestamp(absl::Now() - opened);
    *c->mutable_close_time() = ToTimestamp(absl::Now() + absl::Hours(24));
    for (auto [cid, weight, max] :
         {std::tuple<const char*, int, int>{"grades", 60, 100},
          {"motivation", 40, 10}}) {
      v1::Criterion* criterion = c->add_criteria();
      criterion->set_id(cid);
      criterion->set_title(cid);
      criterion->set_weight(weight);
      criterion->set_max_points(max);
    }
    c->set_budget(budget);
    c->set_funding_call_year(funding_call_year);
    v1::Call created;
    absl::Status s = Call(&Stub::CreateCall, request, &created, Coordinator());
    EXPECT_TRUE(s.ok()) << s;
    return created;
  }

  static v1::Application StudentDraft(const std::string& call) {
    v1::Application a;
    a.set_call(call);
    a.set_condition_id("kz-lv-studies");
    a.set_kind(v1::STUDENT);
    v1::Applicant* p = a.mutable_applicant();
    p->set_given_name("Aigerim");
    p->set_family_name("Test");
    p->set_email("aigerim@example.kz");
    *p->mutable_date_of_birth() = ToDate(absl::CivilDay(2004, 5, 17));
    p->set_citizenship("KZ");
    p->set_person_number("S-2041");
    p->set_home_institution(kKz);
    *a.mutable_start_date() = ToDate(absl::CivilDay(2027, 2, 1));
    *a.mutable_end_date() = ToDate(absl::CivilDay(2027, 6, 30));
    v1::StudentDetails* s = a.mutable_student();
    s->set_eqf_level(6);
    s->set_isced_code("0413");
    s->set_study_cycle(v1::BACHELOR);
    auto* skill = s->add_language_skills();
    skill->set_language("en");
    skill->set_level(av1::B2);
    a.set_motivation("To study management in Valmiera.");
    a.mutable_consent()->set_processing(true);
    a.mutable_consent()->set_transfer_to_partner(true);
    return a;
  }

  v1::Application Create(const v1::Application& draft,
                         const std::string& applicant) {
    v1::CreateApplicationRequest request;
    *request.mutable_application() = draft;
    v1::Application created;
    absl::Status s = Call(&Stub::CreateApplication, request, &created,
                          Token(applicant, Role::kApplicant));
    EXPECT_TRUE(s.ok()) << s;
    return created;
  }

  absl::Status Submit(const std::string& name, const std::string& applicant,
                      v1::Application* out = nullptr) {
    v1::SubmitApplicationRequest request;
    request.set_name(name);
    v1::Application ignored;
    return Call(&Stub::SubmitApplication, request, out ? out : &ignored,
                Token(applicant, Role::kApplicant));
  }

  absl::Status Evaluate(const std::string& name, int grades, int motivation) {
    v1::EvaluateApplicationRequest request;
    request.set_name(name);
    for (auto [id, points] : {std::pair<const char*, int>{"grades", grades},
                              {"motivation", motivation}}) {
      v1::Score* s = request.add_scores();
      s->set_criterion_id(id);
      s->set_points(points);
    }
    v1::Application ignored;
    return Call(&Stub::EvaluateApplication, request, &ignored, Coordinator());
  }

  absl::Status Decide(const std::string& name,
                      v1::DecideApplicationRequest::Decision decision,
                      v1::Application* out = nullptr,
                      const std::string& request_id = "") {
    v1::DecideApplicationRequest request;
    request.set_name(name);
    request.set_decision(decision);
    request.set_request_id(request_id);
    v1::Application ignored;
    return Call(&Stub::DecideApplication, request, out ? out : &ignored,
                Coordinator());
  }

  // A submitted and scored student application of `applicant`.
  v1::Application Reviewed(const std::string& call,
                           const std::string& applicant, int grades) {
    v1::Application a = Create(StudentDraft(call), applicant);
    EXPECT_TRUE(Submit(a.name(), applicant).ok());
    EXPECT_TRUE(Evaluate(a.name(), grades, 5).ok());
    return a;
  }

  v1::Application Get(const std::string& name) {
    v1::GetApplicationRequest request;
    request.set_name(name);
    v1::Application found;
    EXPECT_TRUE(
        Call(&Stub::GetApplication, request, &found, Coordinator()).ok());
    return found;
  }

  av1::QuotaUsage::Entry Usage(const std::string& agreement = kAgreement) {
    av1::GetQuotaUsageRequest request;
    request.set_agreement(agreement);
    request.set_academic_year("2026/2027");
    av1::QuotaUsage usage;
    EXPECT_TRUE(Invoke(agreements_stub_.get(),
                       &av1::AgreementsService::Stub::GetQuotaUsage, request,
                       &usage, Coordinator())
                    .ok());
    for (const auto& e : usage.entries()) {
      if (e.condition_id() == "kz-lv-studies") return e;
    }
    return {};
  }

  int Grants() {
    gv1::ListGrantsRequest request;
    request.set_budget(kBudget);
    request.set_page_size(500);
    gv1::ListGrantsResponse response;
    EXPECT_TRUE(Invoke(grants_stub_.get(),
                       &gv1::GrantsService::Stub::ListGrants, request,
                       &response, Token("finance-1", Role::kFinance))
                    .ok());
    int live = 0;
    for (const auto& g : response.grants()) {
      if (g.state() != gv1::Grant::CANCELLED) ++live;
    }
    return live;
  }

  testing::TestDatabase database_;
  std::unique_ptr<Database> agreements_db_, grants_db_, applications_db_;
  std::string token_file_;
  int agreements_port_ = 0, grants_port_ = 0;
  std::unique_ptr<agreements::AgreementsGrpcService> agreements_service_;
  std::unique_ptr<grants::GrantsGrpcService> grants_service_;
  std::unique_ptr<ApplicationsGrpcService> applications_service_;
  std::unique_ptr<grpc::Server> agreements_server_, grants_server_,
      applications_server_;
  std::unique_ptr<Stub> stub_;
  std::unique_ptr<av1::AgreementsService::Stub> agreements_stub_;
  std::unique_ptr<gv1::GrantsService::Stub> grants_stub_;
};

}  // namespace mobility::applications

#endif  // MOBILITY_SERVICES_APPLICATIONS_SERVICE_FIXTURE_H_
