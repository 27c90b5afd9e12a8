// A database holding the demo data as the first release stored it (schema
// version 1 of each service) is upgraded by the migrations of today and served
// without loss: the approved KA107 agreement stays approved and in force, its
// integer yearly totals read as the IIA v7 decimals, the budget keeps its
// number as the National Agency project number, and the agreed grant keeps the
// rates it was agreed with.
#include <gmock/gmock.h>
#include <google/protobuf/unknown_field_set.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

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
#include "services/grants/grpc_service.h"
#include "services/grants/pg_grants_store.h"

namespace mobility {
std::vector<Migration> AgreementsMigrations();
std::vector<Migration> GrantsMigrations();

namespace {

namespace av1 = ::mobility::agreements::v1;
namespace gv1 = ::mobility::grants::v1;
using ::testing::Contains;

constexpr char kKz[] = "institutions/kokshetau-amu";
constexpr char kLv[] = "institutions/vidzeme-via";
// The hash both partners approved under the first release's content rules.
const std::string kApprovedHash(64, 'a');

std::vector<Migration> FirstOnly(std::vector<Migration> migrations) {
  migrations.resize(1);
  return migrations;
}

absl::Status Exec(Database& db, const std::string& sql,
                  const std::vector<std::string>& binary = {}) {
  return db.Transact(CallLimit::Within(absl::Seconds(30)),
                     [&](pqxx::transaction_base& txn) {
                       if (binary.empty()) {
                         txn.exec(sql);
                       } else {
                         txn.exec_params(sql, pqxx::binarystring(binary[0]));
                       }
                       return absl::OkStatus();
                     });
}

// The demo agreement as release 1 serialized it: yearly totals as integers
// (condition fields 6 and 7), no in-force revision, approved by both.
std::string OldAgreementBody() {
  av1::Agreement a;
  a.set_name("agreements/ka107-2016-kz-lv");
  a.set_programme(av1::KA107);
  a.set_reference_number("DEMO-2016-KA107-LV-KZ");
  a.set_title("Erasmus+ KA1 inter-institutional agreement 2016-2021");
  a.add_partners()->set_institution(kKz);
  a.add_partners()->set_institution(kLv);
  a.set_first_academic_year("2016/2017");
  a.set_last_academic_year("2020/2021");
  av1::CooperationCondition* studies = a.add_cooperation_conditions();
  studies->set_id("kz-lv-studies");
  studies->set_mobility_type(av1::STUDENT_STUDIES);
  studies->set_sending_institution(kKz);
  studies->set_receiving_institution(kLv);
  studies->set_mobilities_per_year(2);
  studies->GetReflection()->MutableUnknownFields(studies)->AddVarint(6, 10);
  av1::CooperationCondition* teaching = a.add_cooperation_conditions();
  teaching->set_id("kz-lv-teaching");
  teaching->set_mobility_type(av1::STAFF_TEACHING);
  teaching->set_sending_institution(kKz);
  teaching->set_receiving_institution(kLv);
  teaching->set_mobilities_per_year(2);
  teaching->GetReflection()->MutableUnknownFields(teaching)->AddVarint(7, 14);
  a.set_state(av1::Agreement::APPROVED);
  a.set_content_hash(kApprovedHash);
  a.set_revision(3);
  for (const char* partner : {kKz, kLv}) {
    av1::Approval* approval = a.add_approvals();
    approval->set_institution(partner);
    approval->set_content_hash(kApprovedHash);
    approval->set_approved_by("demo-coordinator");
  }
  a.set_etag(Etag(a.name(), 3));
  return a.SerializeAsString();
}

gv1::Rate OldRate(const std::string& id, gv1::Rate::Kind kind, int first,
                  int last, int64_t cents, bool check) {
  gv1::Rate r;
  r.set_name("rates/" + id);
  r.set_kind(kind);
  r.set_programme(gv1::KA107);
  r.set_first_call_year(first);
  r.set_last_call_year(last);
  *r.mutable_amount() = Euros(cents);
  r.set_needs_confirmation(check);
  return r;
}

// The demo student's grant as release 1 agreed it: five months in Valmiera
// under the 2016 call, with the rows of that time and no country-group row.
std::string OldGrantBody() {
  gv1::Grant g;
  g.set_name("grants/0123456789abcdef0123456789abcdef");
  g.mutable_participant()->set_full_name("Demo Student");
  g.mutable_participant()->set_reference("demo-student-1");
  g.set_agreement("agreements/ka107-2016-kz-lv");
  g.set_condition_id("kz-lv-studies");
  g.set_budget("budgets/ka107-2016-kz");
  gv1::GrantQuote* q = g.mutable_quote();
  gv1::CalculateGrantRequest* r = q->mutable_request();
  r->set_programme(gv1::KA107);
  r->set_call_year(2016);
  r->set_activity(gv1::STUDENT_STUDIES);
  r->set_sending_institution(kKz);
  r->set_receiving_institution(kLv);
  *r->mutable_start_date() = ToDate(absl::CivilDay(2017, 9, 1));
  *r->mutable_end_date() = ToDate(absl::CivilDay(2018, 1, 31));
  q->set_direction(gv1::PARTNER_TO_PROGRAMME);
  q->set_country_group(3);
  q->set_distance_km(2764);
  q->set_whole_months(5);
  gv1::Rate travel = OldRate("ka107-2014-2016-travel-2000-2999",
                             gv1::Rate::TRAVEL, 2014, 2016, 36000, false);
  travel.set_min_km(2000);
  travel.set_max_km(2999);
  gv1::Rate support =
      OldRate("ka107-2014-2017-in-g3-student", gv1::Rate::INDIVIDUAL_SUPPORT,
              2014, 2017, 75000, true);
  support.set_direction(gv1::PARTNER_TO_PROGRAMME);
  support.set_country_group(3);
  support.set_participant_kind(gv1::STUDENT);
  for (const gv1::Rate& rate : {travel, support})
    *q->add_applied_rates() = rate;
  auto* line = q->add_line_items();
  line->set_heading(gv1::LineItem::TRAVEL);
  *line->mutable_amount() = Euros(36000);
  line->set_rate(travel.name());
  line = q->add_line_items();
  line->set_heading(gv1::LineItem::INDIVIDUAL_SUPPORT);
  *line->mutable_amount() = Euros(375000);
  line->set_rate(support.name());
  *q->mutable_total() = Euros(411000);
  g.set_state(gv1::Grant::AGREED);
  *g.mutable_participant_signed_date() = ToDate(absl::CivilDay(2017, 7, 3));
  *g.mutable_institution_signed_date() = ToDate(absl::CivilDay(2017, 7, 3));
  *g.mutable_paid() = Euros(0);
  return g.SerializeAsString();
}

class MigrationUpgradeTest : public ::testing::Test {
 protected:
  template <typename Stub, typename Request, typename Response, typename Method>
  absl::Status Call(Stub* stub, Method method, const Request& request,
                    Response* response) {
    OutboundCall call;
    call.bearer_token = testing::TokenFor(
        "finance-1", {Role::kFinance, Role::kCoordinator}, kKz);
    auto context = NewClientContext(call);
    return FromGrpcStatus((stub->*method)(context.get(), request, response));
  }

  testing::TestDatabase database_;
};

TEST_F(MigrationUpgradeTest, TheFirstReleasesDemoDataSurvivesTheUpgrade) {
  auto agreements_db =
      testing::OpenSchema(database_.url(), "agreements",
                          agreements::PgAgreementsStore::Statements(),
                          FirstOnly(AgreementsMigrations()));
  auto grants_db = testing::OpenSchema(database_.url(), "grants",
                                       grants::PgGrantsStore::Statements(),
                                       FirstOnly(GrantsMigrations()));

  // What release 1 stored for the demo.
  ASSERT_TRUE(Exec(*agreements_db,
                   "INSERT INTO institutions (id, display_name, country_code, "
                   "city, latitude, longitude, revision, create_time, "
                   "update_time) VALUES "
                   "('kokshetau-amu', 'Kokshetau', 'KZ', 'Kokshetau', 53.28, "
                   "69.39, 1, now(), now()), "
                   "('vidzeme-via', 'Vidzeme', 'LV', 'Valmiera', 57.54, "
                   "25.43, 1, now(), now())")
                  .ok());
  const std::string body = OldAgreementBody();
  ASSERT_TRUE(Exec(*agreements_db,
                   "INSERT INTO agreements (id, state, revision, first_year, "
                   "last_year, partner_a, partner_b, body, update_time) VALUES "
                   "('ka107-2016-kz-lv', 'APPROVED', 3, 2016, 2020, "
                   "'kokshetau-amu', 'vidzeme-via', $1, now())",
                   {body})
                  .ok());
  ASSERT_TRUE(Exec(*agreements_db,
                   "INSERT INTO agreement_revisions (agreement_id, revision, "
                   "body) VALUES ('ka107-2016-kz-lv', 3, $1)",
                   {body})
                  .ok());
  ASSERT_TRUE(Exec(*grants_db,
                   "INSERT INTO budgets (id, reference_number, programme, "
                   "call_year, prefinancing_percent, "
                   "organisational_support_per_participant_cents, "
                   "allocated_travel_cents, allocated_individual_cents, "
                   "allocated_organisational_cents, allocated_inclusion_cents, "
                   "committed_travel_cents, committed_individual_cents, "
                   "committed_organisational_cents, create_time) VALUES "
                   "('ka107-2016-kz', 'DEMO-2016-1-KA107-KZ', 'KA107', 2016, "
                   "80, 35000, 720000, 6000000, 700000, 0, 36000, 375000, "
                   "35000, now())")
                  .ok());
  ASSERT_TRUE(Exec(*grants_db,
                   "INSERT INTO grants (id, budget_id, state, "
                   "participant_reference, revision, body) VALUES "
                   "('0123456789abcdef0123456789abcdef', 'ka107-2016-kz', "
                   "'AGREED', 'demo-student-1', 2, $1)",
                   {OldGrantBody()})
                  .ok());

  // Today's migrations, then the services over real gRPC.
  ASSERT_TRUE(ApplyMigrations(*agreements_db, AgreementsMigrations()).ok());
  ASSERT_TRUE(ApplyMigrations(*grants_db, GrantsMigrations()).ok());
  // Budgets from before tenancy belong to no institution until the operator
  // names the deployment's own (grants migration 0003).
  ASSERT_TRUE(Exec(*grants_db,
                   "UPDATE budgets SET institution = "
                   "'institutions/kokshetau-amu' WHERE institution = ''")
                  .ok());
  const auto serve = [](grpc::Service* service, int* port) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             port);
    builder.RegisterService(service);
    return builder.BuildAndStart();
  };
  agreements::AgreementsGrpcService agreements_service(
      agreements_db.get(), testing::TestDispatcher());
  int agreements_port = 0;
  auto agreements_server = serve(&agreements_service, &agreements_port);
  grants::GrantsGrpcService grants_service(
      grants_db.get(),
      std::make_shared<ServiceChannel>(
          absl::StrCat("127.0.0.1:", agreements_port), ""),
      testing::TestDispatcher());
  int grants_port = 0;
  auto grants_server = serve(&grants_service, &grants_port);
  auto agreements = av1::AgreementsService::NewStub(
      NewChannel(absl::StrCat("127.0.0.1:", agreements_port)));
  auto grants = gv1::GrantsService::NewStub(
      NewChannel(absl::StrCat("127.0.0.1:", grants_port)));

  av1::GetAgreementRequest get;
  get.set_name("agreements/ka107-2016-kz-lv");
  av1::Agreement agreement;
  ASSERT_TRUE(Call(agreements.get(),
                   &av1::AgreementsService::Stub::GetAgreement, get, &agreement)
                  .ok());
  EXPECT_EQ(agreement.state(), av1::Agreement::APPROVED);
  EXPECT_EQ(agreement.in_force_revision(), 3);
  EXPECT_EQ(agreement.content_hash(), kApprovedHash);
  EXPECT_EQ(agreement.approvals_size(), 2);
  EXPECT_EQ(agreement.cooperation_conditions(0).total_months_per_year(), "10");
  EXPECT_EQ(agreement.cooperation_conditions(1).total_days_per_year(), "14");
  av1::AllocateMobilityRequest allocate;
  allocate.set_agreement(agreement.name());
  allocate.set_condition_id("kz-lv-studies");
  allocate.set_academic_year("2017/2018");
  allocate.set_allocation_key("grants/0123456789abcdef0123456789abcdef");
  av1::MobilityAllocation allocation;
  OutboundCall ledger;
  ledger.bearer_token = testing::TokenFor("grants-service", {Role::kService});
  auto context = NewClientContext(ledger);
  EXPECT_TRUE(
      agreements->AllocateMobility(context.get(), allocate, &allocation).ok());

  gv1::GetBudgetRequest get_budget;
  get_budget.set_name("budgets/ka107-2016-kz");
  gv1::Budget budget;
  ASSERT_TRUE(Call(grants.get(), &gv1::GrantsService::Stub::GetBudget,
                   get_budget, &budget)
                  .ok());
  EXPECT_EQ(budget.project_number(), "DEMO-2016-1-KA107-KZ");
  gv1::GetBudgetReportRequest get_report;
  get_report.set_budget(budget.name());
  gv1::BudgetReport report;
  ASSERT_TRUE(Call(grants.get(), &gv1::GrantsService::Stub::GetBudgetReport,
                   get_report, &report)
                  .ok());
  EXPECT_EQ(report.headings(1).committed().amount_minor(), 375000);
  EXPECT_EQ(report.agreed_grants(), 1);

  gv1::GetGrantRequest get_grant;
  get_grant.set_name("grants/0123456789abcdef0123456789abcdef");
  gv1::Grant grant;
  ASSERT_TRUE(
      Call(grants.get(), &gv1::GrantsService::Stub::GetGrant, get_grant, &grant)
          .ok());
  EXPECT_EQ(grant.quote().total().amount_minor(), 411000);
  EXPECT_THAT(grant.unconfirmed_rates(),
              Contains("rates/ka107-2014-2017-in-g3-student"));
  // Settled with the rates it was agreed with, though no group row applied.
  gv1::SettleGrantRequest settle;
  settle.set_name(grant.name());
  *settle.mutable_actual_start_date() = ToDate(absl::CivilDay(2017, 9, 1));
  *settle.mutable_actual_end_date() = ToDate(absl::CivilDay(2018, 1, 31));
  *settle.mutable_final_report_date() = ToDate(absl::CivilDay(2018, 2, 15));
  gv1::Grant settled;
  ASSERT_TRUE(Call(grants.get(), &gv1::GrantsService::Stub::SettleGrant, settle,
                   &settled)
                  .ok());
  EXPECT_EQ(settled.final_quote().total().amount_minor(), 411000);

  // The rate tables moved KA107 to the 2015 call and gained the groups.
  gv1::ListRatesRequest list;
  list.set_programme(gv1::KA107);
  list.set_page_size(500);
  gv1::ListRatesResponse rates;
  ASSERT_TRUE(
      Call(grants.get(), &gv1::GrantsService::Stub::ListRates, list, &rates)
          .ok());
  for (const auto& r : rates.rates()) EXPECT_GE(r.first_call_year(), 2015);
  EXPECT_THAT(rates.rates(),
              Contains(::testing::Property(
                  &gv1::Rate::name, "rates/ka107-2015-2017-group-4-staff")));
  grants_server->Shutdown();
  agreements_server->Shutdown();
}

}  // namespace
}  // namespace mobility
