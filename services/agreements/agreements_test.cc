// The agreements service through its gRPC adapter, in process, against a real
// PostgreSQL.
#include "services/agreements/agreements.h"

#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/client.h"
#include "common/grpc_status.h"
#include "common/migrations.h"
#include "common/status.h"
#include "common/test_support.h"
#include "common/types.h"
#include "services/agreements/grpc_service.h"
#include "services/agreements/pg_agreements_store.h"

namespace mobility {
std::vector<Migration> AgreementsMigrations();
}  // namespace mobility

namespace mobility::agreements {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::SizeIs;
using Stub = v1::AgreementsService::Stub;

constexpr char kKz[] = "institutions/kokshetau-amu";
constexpr char kLv[] = "institutions/vidzeme-via";

class AgreementsServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    DatabaseOptions options;
    options.url = database_.url();
    options.schema = "agreements";
    options.pool_size = 8;
    auto db = Database::Open(options, PgAgreementsStore::Statements());
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    ASSERT_TRUE(ApplyMigrations(*db_, AgreementsMigrations()).ok());
    service_ = std::make_unique<AgreementsGrpcService>(
        db_.get(), testing::TestDispatcher(), [this] {
          const int64_t fixed = fixed_now_micros_.load();
          return fixed == 0 ? absl::Now() : absl::FromUnixMicros(fixed);
        });
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(port, 0);
    stub_ = v1::AgreementsService::NewStub(
        NewChannel(absl::StrCat("127.0.0.1:", port)));
  }

  void TearDown() override {
    if (server_) server_->Shutdown();
  }

  // The service's clock stops at `now` (until then it runs).
  void SetNow(absl::Time now) {
    fixed_now_micros_.store(absl::ToUnixMicros(now));
  }
  std::atomic<int64_t> fixed_now_micros_{0};

  // Calls `method` as a caller holding `role` and returns the status with its
  // details.
  template <typename Request, typename Response, typename Method>
  absl::Status Call(Method method, const Request& request, Response* response,
                    Role role = Role::kCoordinator) {
    return CallWithToken(method, request, response,
                         testing::TokenFor("subject-1", {role}));
  }

  template <typename Request, typename Response, typename Method>
  absl::Status CallWithToken(Method method, const Request& request,
                             Response* response, const std::string& token) {
    OutboundCall call;
    call.bearer_token = token;
    auto context = NewClientContext(call);
    return FromGrpcStatus(
        (stub_.get()->*method)(context.get(), request, response));
  }

  v1::Institution CreateInstitution(const std::string& id,
                                    const std::string& country,
                                    const std::string& city) {
    v1::CreateInstitutionRequest request;
    request.set_institution_id(id);
    auto* i = request.mutable_institution();
    i->set_display_name(absl::StrCat("University of ", city));
    i->set_country_code(country);
    i->set_city(city);
    i->set_latitude(50);
    i->set_longitude(30);
    v1::Institution created;
    absl::Status status = Call(&Stub::CreateInstitution, request, &created);
    EXPECT_TRUE(status.ok()) << status;
    return created;
  }

  void CreatePartners() {
    CreateInstitution("kokshetau-amu", "KZ", "Kokshetau");
    CreateInstitution("vidzeme-via", "LV", "Valmiera");
  }

  static v1::Agreement AgreementBody(int student_mobilities = 2) {
    v1::Agreement a;
    a.set_programme(v1::KA171);
    a.set_reference_number("REF-2025");
    a.set_title("KA171 agreement");
    auto* kz = a.add_partners();
    kz->set_institution(kKz);
    kz->mutable_signing_contact()->set_email("rector@example.kz");
    a.add_partners()->set_institution(kLv);
    a.set_first_academic_year("2025/2026");
    a.set_last_academic_year("2026/2027");
    auto* c = a.add_cooperation_conditions();
    c->set_id("kz-lv-studies");
    c->set_mobility_type(v1::STUDENT_STUDIES);
    c->set_sending_institution(kKz);
    c->set_receiving_institution(kLv);
    c->set_mobilities_per_year(student_mobilities);
    c->set_total_months_per_year(absl::StrCat(student_mobilities * 5));
    c->add_language_requirements()->set_language("en");
    return a;
  }

  v1::Agreement CreateAgreement(const std::string& id,
                                int student_mobilities = 2) {
    v1::CreateAgreementRequest request;
    request.set_agreement_id(id);
    *request.mutable_agreement() = AgreementBody(student_mobilities);
    v1::Agreement created;
    absl::Status status = Call(&Stub::CreateAgreement, request, &created);
    EXPECT_TRUE(status.ok()) << status;
    return created;
  }

  // Kokshetau's coordinator, or Vidzeme's own system with its service
  // identity, as partners really approve.
  static std::string PartnerToken(const std::string& institution) {
    return institution == kKz
               ? testing::TokenFor("coordinator-kz", {Role::kCoordinator}, kKz)
               : testing::TokenFor("ewp:va.lv", {Role::kPartnerSystem},
                                   institution);
  }

  absl::Status ApproveAs(const v1::Agreement& agreement,
                         const std::string& institution, v1::Agreement* out) {
    v1::ApproveAgreementRequest request;
    request.set_name(agreement.name());
    request.set_institution(institution);
    request.set_content_hash(agreement.content_hash());
    return CallWithToken(&Stub::ApproveAgreement, request, out,
                         PartnerToken(institution));
  }

  absl::Status GiveNotice(const std::string& agreement, absl::CivilDay on,
                          v1::Agreement* out, bool immediately = false) {
    v1::TerminateAgreementRequest request;
    request.set_name(agreement);
    request.set_institution(kKz);
    *request.mutable_notice_date() = ToDate(on);
    request.set_immediately(immediately);
    request.set_reason("the faculty closes the programme");
    return CallWithToken(&Stub::TerminateAgreement, request, out,
                         PartnerToken(kKz));
  }

  v1::Agreement CreateApproved(const std::string& id,
                               int student_mobilities = 2) {
    v1::Agreement a = CreateAgreement(id, student_mobilities);
    v1::Agreement approved;
    EXPECT_TRUE(ApproveAs(a, kKz, &approved).ok());
    EXPECT_TRUE(ApproveAs(a, kLv, &approved).ok());
    EXPECT_EQ(approved.state(), v1::Agreement::APPROVED);
    return approved;
  }

  absl::Status Allocate(const std::string& agreement, const std::string& year,
                        const std::string& key,
                        v1::MobilityAllocation* out = nullptr) {
    v1::AllocateMobilityRequest request;
    request.set_agreement(agreement);
    request.set_condition_id("kz-lv-studies");
    request.set_academic_year(year);
    request.set_allocation_key(key);
    v1::MobilityAllocation ignored;
    return Call(&Stub::AllocateMobility, request, out ? out : &ignored,
                Role::kService);
  }

  int64_t CountRows(const std::string& table) {
    int64_t n = -1;
    EXPECT_TRUE(db_->Read(CallLimit::Within(absl::Seconds(10)),
                          [&](pqxx::transaction_base& txn) {
                            n = txn.exec("SELECT count(*) FROM " +
                                         txn.quote_name(table))[0][0]
                                    .as<int64_t>();
                            return absl::OkStatus();
                          })
                    .ok());
    return n;
  }

  testing::TestDatabase database_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<AgreementsGrpcService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<Stub> stub_;
};

TEST_F(AgreementsServiceTest, MigratesAnEmptyDatabaseToHead) {
  EXPECT_EQ(CountRows("schema_migrations"),
            static_cast<int64_t>(AgreementsMigrations().size()));
  EXPECT_EQ(CountRows("institutions"), 0);
  EXPECT_EQ(CountRows("mobility_allocations"), 0);
}

TEST_F(AgreementsServiceTest, CreatesAndReadsAnInstitution) {
  v1::Institution created = CreateInstitution("vidzeme-via", "LV", "Valmiera");
  EXPECT_EQ(created.name(), kLv);
  EXPECT_FALSE(created.etag().empty());
  v1::GetInstitutionRequest get;
  get.set_name(kLv);
  v1::Institution read;
  ASSERT_TRUE(Call(&Stub::GetInstitution, get, &read, Role::kApplicant).ok());
  EXPECT_EQ(read.SerializeAsString(), created.SerializeAsString());
  get.set_name("institutions/nobody-here");
  EXPECT_EQ(Call(&Stub::GetInstitution, get, &read).code(),
            absl::StatusCode::kNotFound);
}

TEST_F(AgreementsServiceTest, RefusesAnInvalidInstitutionAndStoresNothing) {
  v1::CreateInstitutionRequest request;
  request.mutable_institution()->set_country_code("ZZ");
  request.mutable_institution()->set_latitude(91);
  v1::Institution ignored;
  absl::Status status = Call(&Stub::CreateInstitution, request, &ignored);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  auto fields = FieldViolationsOf(status);
  EXPECT_THAT(fields, ::testing::Contains(Field(&FieldViolation::field,
                                                "institution.latitude")));
  EXPECT_THAT(fields, ::testing::Contains(Field(&FieldViolation::field,
                                                "institution.country_code")));
  EXPECT_THAT(fields, ::testing::Contains(Field(&FieldViolation::field,
                                                "institution.display_name")));
  EXPECT_EQ(CountRows("institutions"), 0);
}

TEST_F(AgreementsServiceTest, ADuplicateIdAlreadyExists) {
  CreateInstitution("vidzeme-via", "LV", "Valmiera");
  v1::CreateInstitutionRequest request;
  request.set_institution_id("vidzeme-via");
  request.mutable_institution()->set_display_name("Again");
  request.mutable_institution()->set_country_code("LV");
  request.mutable_institution()->set_city("Valmiera");
  v1::Institution ignored;
  EXPECT_EQ(Call(&Stub::CreateInstitution, request, &ignored).code(),
            absl::StatusCode::kAlreadyExists);
}

TEST_F(AgreementsServiceTest, ARetriedCreateReturnsTheFirstResult) {
  v1::CreateInstitutionRequest request;
  request.set_request_id("7d3c3a52-27d5-4d0b-a0a5-4b8d0f6b1c11");
  request.mutable_institution()->set_display_name(
      "Vidzeme University of Applied Sciences");
  request.mutable_institution()->set_country_code("LV");
  request.mutable_institution()->set_city("Valmiera");
  v1::Institution first, second;
  ASSERT_TRUE(Call(&Stub::CreateInstitution, request, &first).ok());
  ASSERT_TRUE(Call(&Stub::CreateInstitution, request, &second).ok());
  EXPECT_EQ(first.name(), second.name());  // A generated id, returned again.
  // The same UUID in capitals is the same request id.
  request.set_request_id("7D3C3A52-27D5-4D0B-A0A5-4B8D0F6B1C11");
  v1::Institution third;
  ASSERT_TRUE(Call(&Stub::CreateInstitution, request, &third).ok());
  EXPECT_EQ(first.name(), third.name());
  EXPECT_EQ(CountRows("institutions"), 1);
}

TEST_F(AgreementsServiceTest, ListsInstitutionsByCountryPageByPage) {
  for (int i = 0; i < 5; ++i)
    CreateInstitution(absl::StrCat("lv-uni-", i), "LV", "Riga");
  CreateInstitution("kokshetau-amu", "KZ", "Kokshetau");
  v1::ListInstitutionsRequest request;
  request.set_country_code("LV");
  request.set_page_size(2);
  std::vector<std::string> names;
  int pages = 0;
  do {
    v1::ListInstitutionsResponse page;
    ASSERT_TRUE(Call(&Stub::ListInstitutions, request, &page).ok());
    for (const auto& i : page.institutions()) names.push_back(i.name());
    request.set_page_token(page.next_page_token());
    ++pages;
  } while (!request.page_token().empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_THAT(names,
              ElementsAre("institutions/lv-uni-0", "institutions/lv-uni-1",
                          "institutions/lv-uni-2", "institutions/lv-uni-3",
                          "institutions/lv-uni-4"));
}

TEST_F(AgreementsServiceTest, ListRefusesBadPagingAndFilters) {
  v1::ListInstitutionsRequest request;
  v1::ListInstitutionsResponse page;
  request.set_page_size(-1);
  EXPECT_EQ(Call(&Stub::ListInstitutions, request, &page).code(),
            absl::StatusCode::kInvalidArgument);
  request.set_page_size(1);
  request.set_country_code("LV");
  for (int i = 0; i < 2; ++i)
    CreateInstitution(absl::StrCat("lv-uni-", i), "LV", "Riga");
  ASSERT_TRUE(Call(&Stub::ListInstitutions, request, &page).ok());
  request.set_country_code("KZ");  // The token belongs to the LV query.
  request.set_page_token(page.next_page_token());
  absl::Status mixed = Call(&Stub::ListInstitutions, request, &page);
  EXPECT_EQ(mixed.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(mixed)[0].field, "page_token");
  request.set_country_code("Latvia");
  request.clear_page_token();
  EXPECT_EQ(Call(&Stub::ListInstitutions, request, &page).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(AgreementsServiceTest, UpdatesAnInstitutionWithMaskAndEtag) {
  v1::Institution created = CreateInstitution("vidzeme-via", "LV", "Valmiera");
  v1::UpdateInstitutionRequest request;
  request.mutable_institution()->set_name(kLv);
  request.mutable_institution()->set_city("Cēsis");
  request.mutable_institution()->set_display_name("ignored: not in the mask");
  request.mutable_institution()->set_etag(created.etag());
  request.mutable_update_mask()->add_paths("city");
  v1::Institution updated;
  ASSERT_TRUE(Call(&Stub::UpdateInstitution, request, &updated).ok());
  EXPECT_EQ(updated.city(), "Cēsis");
  EXPECT_EQ(updated.display_name(), created.display_name());
  EXPECT_NE(updated.etag(), created.etag());

  // The same etag again is stale now.
  EXPECT_EQ(Call(&Stub::UpdateInstitution, request, &updated).code(),
            absl::StatusCode::kAborted);
  request.mutable_institution()->set_etag(updated.etag());
  request.mutable_update_mask()->set_paths(0, "create_time");
  EXPECT_EQ(Call(&Stub::UpdateInstitution, request, &updated).code(),
            absl::StatusCode::kInvalidArgument);
  request.mutable_update_mask()->set_paths(0, "latitude");
  request.mutable_institution()->set_latitude(-91);
  absl::Status out_of_range = Call(&Stub::UpdateInstitution, request, &updated);
  EXPECT_EQ(out_of_range.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(out_of_range)[0].field, "institution.latitude");
}

TEST_F(AgreementsServiceTest, ApprovalLifecycleKeepsEveryRevision) {
  CreatePartners();
  v1::Agreement draft = CreateAgreement("ka171-kz-lv");
  EXPECT_EQ(draft.state(), v1::Agreement::DRAFT);
  EXPECT_EQ(draft.revision(), 1);

  v1::Agreement after_kz, after_lv;
  ASSERT_TRUE(ApproveAs(draft, kKz, &after_kz).ok());
  EXPECT_EQ(after_kz.state(), v1::Agreement::DRAFT);
  ASSERT_TRUE(ApproveAs(draft, kLv, &after_lv).ok());
  EXPECT_EQ(after_lv.state(), v1::Agreement::APPROVED);
  EXPECT_EQ(after_lv.revision(), 3);

  EXPECT_EQ(after_lv.in_force_revision(), 3);
  ASSERT_THAT(after_lv.approvals(), SizeIs(2));
  EXPECT_TRUE(after_lv.approvals(1).by_partner_system());

  // Notice on 1 September 2026 ends it on 1 September 2027; until then it is
  // in force and no longer amended.
  v1::Agreement noticed, ignored;
  ASSERT_TRUE(
      GiveNotice(draft.name(), absl::CivilDay(2026, 9, 1), &noticed).ok());
  EXPECT_EQ(noticed.state(), v1::Agreement::APPROVED);
  EXPECT_EQ(FormatDate(noticed.termination_effective_date()), "2027-09-01");
  EXPECT_EQ(noticed.terminating_institution(), kKz);
  EXPECT_EQ(
      GiveNotice(draft.name(), absl::CivilDay(2026, 9, 1), &ignored).code(),
      absl::StatusCode::kFailedPrecondition);
  v1::UpdateAgreementRequest update;
  update.mutable_agreement()->set_name(draft.name());
  update.mutable_agreement()->set_title("Changed");
  update.mutable_update_mask()->add_paths("title");
  absl::Status refused = Call(&Stub::UpdateAgreement, update, &ignored);
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(refused), "UNDER_NOTICE");

  // Old versions stay readable.
  v1::GetAgreementRequest get;
  get.set_name(draft.name());
  get.set_revision(1);
  v1::Agreement first;
  ASSERT_TRUE(Call(&Stub::GetAgreement, get, &first).ok());
  EXPECT_EQ(first.state(), v1::Agreement::DRAFT);
  EXPECT_EQ(first.content_hash(), draft.content_hash());
  get.set_revision(99);
  EXPECT_EQ(Call(&Stub::GetAgreement, get, &first).code(),
            absl::StatusCode::kNotFound);
}

TEST_F(AgreementsServiceTest, AChangeAfterOneApprovalNeedsBothAgain) {
  CreatePartners();
  v1::Agreement draft = CreateAgreement("ka171-kz-lv");
  v1::Agreement approved_once;
  ASSERT_TRUE(ApproveAs(draft, kKz, &approved_once).ok());

  v1::UpdateAgreementRequest update;
  update.mutable_agreement()->set_name(draft.name());
  update.mutable_agreement()->set_title("Amended title");
  update.mutable_agreement()->set_etag(
      draft.etag());  // Stale: the approval made a revision.
  update.mutable_update_mask()->add_paths("title");
  v1::Agreement amended;
  EXPECT_EQ(Call(&Stub::UpdateAgreement, update, &amended).code(),
            absl::StatusCode::kAborted);
  update.mutable_agreement()->set_etag(approved_once.etag());
  ASSERT_TRUE(Call(&Stub::UpdateAgreement, update, &amended).ok());
  EXPECT_NE(amended.content_hash(), draft.content_hash());
  EXPECT_THAT(amended.approvals(), SizeIs(0));

  // The Latvian partner approving what it saw before the change is stale.
  v1::Agreement ignored;
  absl::Status stale = ApproveAs(draft, kLv, &ignored);
  EXPECT_EQ(stale.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(ErrorReason(stale), "STALE_CONTENT_HASH");
  v1::Agreement after_lv, after_both;
  ASSERT_TRUE(ApproveAs(amended, kLv, &after_lv).ok());
  EXPECT_EQ(after_lv.state(), v1::Agreement::DRAFT);
  ASSERT_TRUE(ApproveAs(amended, kKz, &after_both).ok());
  EXPECT_EQ(after_both.state(), v1::Agreement::APPROVED);
}

TEST_F(AgreementsServiceTest, EachPartnerApprovesOnlyForItself) {
  CreatePartners();
  v1::Agreement draft = CreateAgreement("ka171-kz-lv");
  v1::ApproveAgreementRequest request;
  request.set_name(draft.name());
  request.set_institution(kLv);
  request.set_content_hash(draft.content_hash());
  v1::Agreement ignored;
  absl::Status for_partner = CallWithToken(&Stub::ApproveAgreement, request,
                                           &ignored, PartnerToken(kKz));
  EXPECT_EQ(for_partner.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ErrorReason(for_partner), "NOT_YOUR_INSTITUTION");
  // A token acting for no institution approves for none.
  EXPECT_EQ(Call(&Stub::ApproveAgreement, request, &ignored).code(),
            absl::StatusCode::kPermissionDenied);
  v1::GetAgreementRequest get;
  get.set_name(draft.name());
  v1::Agreement unchanged;
  ASSERT_TRUE(Call(&Stub::GetAgreement, get, &unchanged).ok());
  EXPECT_THAT(unchanged.approvals(), SizeIs(0));
}

// The amendment needs both approvals; until then quota and grants use the
// revision both approved.
TEST_F(AgreementsServiceTest, AnAmendmentLeavesTheApprovedRevisionInForce) {
  CreatePartners();
  v1::Agreement approved = CreateApproved("ka171-kz-lv", 2);
  v1::UpdateAgreementRequest update;
  update.mutable_agreement()->set_name(approved.name());
  *update.mutable_agreement()->mutable_cooperation_conditions() =
      approved.cooperation_conditions();
  auto* c = update.mutable_agreement()->mutable_cooperation_conditions(0);
  c->set_mobilities_per_year(1);
  c->set_total_months_per_year("5");
  update.mutable_update_mask()->add_paths("cooperation_conditions");
  v1::Agreement amended;
  ASSERT_TRUE(Call(&Stub::UpdateAgreement, update, &amended).ok());
  EXPECT_EQ(amended.state(), v1::Agreement::AMENDED);
  EXPECT_EQ(amended.in_force_revision(), approved.revision());
  // Two mobilities, as the approved revision allows. Each allocation names
  // the condition it was taken under, the approved one, on a retry too: the
  // applications service makes the grant by it.
  v1::MobilityAllocation first, retried;
  ASSERT_TRUE(
      Allocate(approved.name(), "2025/2026", "applications/a1", &first).ok());
  ASSERT_TRUE(
      Allocate(approved.name(), "2025/2026", "applications/a1", &retried).ok());
  ASSERT_TRUE(Allocate(approved.name(), "2025/2026", "applications/a2").ok());
  const v1::CooperationCondition* in_force = nullptr;
  for (const auto& condition : approved.cooperation_conditions())
    if (condition.id() == "kz-lv-studies") in_force = &condition;
  ASSERT_NE(in_force, nullptr);
  EXPECT_EQ(in_force->mobilities_per_year(), 2);
  for (const v1::MobilityAllocation* a : {&first, &retried}) {
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
        a->condition(), *in_force))
        << a->condition().DebugString();
  }
  v1::GetQuotaUsageRequest usage_request;
  usage_request.set_agreement(approved.name());
  usage_request.set_academic_year("2025/2026");
  v1::QuotaUsage usage;
  ASSERT_TRUE(Call(&Stub::GetQuotaUsage, usage_request, &usage).ok());
  EXPECT_EQ(usage.entries(0).mobilities_per_year(), 2);
  // The public lists the approved revision, not the amendment awaiting
  // approval: read for every amended row of the page in one more query.
  v1::ListAgreementsResponse listed;
  ASSERT_TRUE(Call(&Stub::ListAgreements, v1::ListAgreementsRequest(), &listed,
                   Role::kApplicant)
                  .ok());
  ASSERT_EQ(listed.agreements_size(), 1);
  EXPECT_EQ(listed.agreements(0).revision(), approved.revision());
  EXPECT_EQ(
      listed.agreements(0).cooperation_conditions(0).mobilities_per_year(), 2);
  // A never-approved draft may be deleted; an agreement once in force not.
  v1::DeleteAgreementRequest remove;
  remove.set_name(approved.name());
  google::protobuf::Empty empty;
  EXPECT_EQ(Call(&Stub::DeleteAgreement, remove, &empty).code(),
            absl::StatusCode::kFailedPrecondition);

  v1::Agreement after_lv, after_both;
  ASSERT_TRUE(ApproveAs(amended, kLv, &after_lv).ok());
  EXPECT_EQ(after_lv.state(), v1::Agreement::AMENDED);
  ASSERT_TRUE(ApproveAs(amended, kKz, &after_both).ok());
  EXPECT_EQ(after_both.state(), v1::Agreement::APPROVED);
  EXPECT_EQ(after_both.in_force_revision(), after_both.revision());
  ASSERT_TRUE(Call(&Stub::GetQuotaUsage, usage_request, &usage).ok());
  EXPECT_EQ(usage.entries(0).mobilities_per_year(), 1);
  EXPECT_EQ(usage.entries(0).used(), 2);  // Already agreed, they go on.
  EXPECT_EQ(usage.entries(0).free(), 0);
}

TEST_F(AgreementsServiceTest, DeletesOnlyANeverApprovedDraft) {
  CreatePartners();
  v1::Agreement draft = CreateAgreement("ka171-kz-lv");
  v1::Agreement once;
  ASSERT_TRUE(ApproveAs(draft, kKz, &once).ok());  // One approval is not both.
  v1::DeleteAgreementRequest remove;
  remove.set_name(draft.name());
  remove.set_etag(draft.etag());  // Stale.
  google::protobuf::Empty empty;
  EXPECT_EQ(Call(&Stub::DeleteAgreement, remove, &empty).code(),
            absl::StatusCode::kAborted);
  remove.set_etag(once.etag());
  ASSERT_TRUE(Call(&Stub::DeleteAgreement, remove, &empty).ok());
  v1::GetAgreementRequest get;
  get.set_name(draft.name());
  v1::Agreement gone;
  EXPECT_EQ(Call(&Stub::GetAgreement, get, &gone).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(CountRows("agreement_revisions"), 0);
  EXPECT_EQ(Call(&Stub::DeleteAgreement, remove, &empty).code(),
            absl::StatusCode::kNotFound);
}

TEST_F(AgreementsServiceTest, NoticeEndsTheAgreementOnItsDayMobilitiesGoOn) {
  CreatePartners();
  v1::Agreement used = CreateApproved("ka171-used");
  ASSERT_TRUE(Allocate(used.name(), "2025/2026", "applications/a1").ok());
  v1::Agreement out;
  absl::Status at_once =
      GiveNotice(used.name(), absl::CivilDay(2025, 1, 10), &out, true);
  EXPECT_EQ(at_once.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(at_once), "MOBILITIES_TOOK_PLACE");
  // Notice on 10 January 2025 took effect on 1 September 2026: ended now.
  ASSERT_TRUE(GiveNotice(used.name(), absl::CivilDay(2025, 1, 10), &out).ok());
  EXPECT_EQ(FormatDate(out.termination_effective_date()), "2026-09-01");
  EXPECT_EQ(out.state(), v1::Agreement::TERMINATED);
  v1::ListAgreementsRequest list;
  list.set_state(v1::Agreement::TERMINATED);
  v1::ListAgreementsResponse terminated;
  ASSERT_TRUE(Call(&Stub::ListAgreements, list, &terminated).ok());
  ASSERT_THAT(terminated.agreements(), SizeIs(1));
  EXPECT_EQ(terminated.agreements(0).name(), used.name());
  EXPECT_EQ(Allocate(used.name(), "2025/2026", "applications/a2").code(),
            absl::StatusCode::kFailedPrecondition);
  // The mobility already agreed stays, and can still be given back.
  v1::ReleaseMobilityRequest release;
  release.set_agreement(used.name());
  release.set_allocation_key("applications/a1");
  v1::MobilityAllocation released;
  EXPECT_TRUE(
      Call(&Stub::ReleaseMobility, release, &released, Role::kService).ok());

  // With no mobility, a partner may end it at once; notice is never dated
  // ahead, nor given for the other partner.
  v1::Agreement unused = CreateApproved("ka171-unused");
  EXPECT_EQ(GiveNotice(unused.name(), absl::CivilDay(2027, 1, 1), &out).code(),
            absl::StatusCode::kInvalidArgument);
  v1::TerminateAgreementRequest for_other;
  for_other.set_name(unused.name());
  for_other.set_institution(kLv);
  EXPECT_EQ(CallWithToken(&Stub::TerminateAgreement, for_other, &out,
                          PartnerToken(kKz))
                .code(),
            absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(
      GiveNotice(unused.name(), absl::CivilDay(2026, 11, 2), &out, true).ok());
  EXPECT_EQ(out.state(), v1::Agreement::TERMINATED);
}

TEST_F(AgreementsServiceTest, RefusesAnInvalidAgreementAndStoresNothing) {
  CreatePartners();
  v1::CreateAgreementRequest request;
  *request.mutable_agreement() = AgreementBody();
  // KA171 studies need 2 months per mobility: 2 mobilities need at least 4.
  request.mutable_agreement()
      ->mutable_cooperation_conditions(0)
      ->set_total_months_per_year("3");
  request.mutable_agreement()->set_last_academic_year("2031/2032");
  v1::Agreement ignored;
  absl::Status status = Call(&Stub::CreateAgreement, request, &ignored);
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(status), "INVALID_AGREEMENT");
  auto fields = FieldViolationsOf(status);
  EXPECT_THAT(
      fields,
      ::testing::Contains(
          Field(&FieldViolation::field,
                "agreement.cooperation_conditions[0].total_months_per_year")));
  EXPECT_THAT(fields,
              ::testing::Contains(Field(&FieldViolation::field,
                                        "agreement.last_academic_year")));
  EXPECT_EQ(CountRows("agreements"), 0);
  EXPECT_EQ(CountRows("agreement_revisions"), 0);
}

TEST_F(AgreementsServiceTest, ListsAgreementsByPartnerYearAndState) {
  CreatePartners();
  CreateInstitution("tartu-ut", "EE", "Tartu");
  CreateApproved("ka171-a");
  CreateAgreement("ka171-b");
  v1::CreateAgreementRequest other;
  other.set_agreement_id("ka171-ee");
  *other.mutable_agreement() = AgreementBody();
  other.mutable_agreement()->mutable_partners(1)->set_institution(
      "institutions/tartu-ut");
  other.mutable_agreement()
      ->mutable_cooperation_conditions(0)
      ->set_receiving_institution("institutions/tartu-ut");
  other.mutable_agreement()->set_first_academic_year("2027/2028");
  other.mutable_agreement()->set_last_academic_year("2028/2029");
  v1::Agreement ignored;
  ASSERT_TRUE(Call(&Stub::CreateAgreement, other, &ignored).ok());

  auto names = [&](v1::ListAgreementsRequest request) {
    std::vector<std::string> out;
    v1::ListAgreementsResponse page;
    // Kokshetau's coordinator: a partner of every one, drafts included.
    EXPECT_TRUE(
        Call(&Stub::ListAgreements, request, &page, Role::kCoordinator).ok());
    for (const auto& a : page.agreements()) out.push_back(a.name());
    return out;
  };
  v1::ListAgreementsRequest by_partner;
  by_partner.set_partner_institution(kLv);
  EXPECT_THAT(names(by_partner),
              ElementsAre("agreements/ka171-a", "agreements/ka171-b"));
  v1::ListAgreementsRequest by_year;
  by_year.set_academic_year("2027/2028");
  EXPECT_THAT(names(by_year), ElementsAre("agreements/ka171-ee"));
  v1::ListAgreementsRequest by_state;
  by_state.set_state(v1::Agreement::APPROVED);
  EXPECT_THAT(names(by_state), ElementsAre("agreements/ka171-a"));
  v1::ListAgreementsRequest kz_pages;
  kz_pages.set_partner_institution(kKz);
  kz_pages.set_page_size(2);
  v1::ListAgreementsResponse first_page;
  ASSERT_TRUE(Call(&Stub::ListAgreements, kz_pages, &first_page).ok());
  EXPECT_THAT(first_page.agreements(), SizeIs(2));
  kz_pages.set_page_token(first_page.next_page_token());
  EXPECT_THAT(names(kz_pages), ElementsAre("agreements/ka171-ee"));
}

TEST_F(AgreementsServiceTest, ApplicantsReadAgreementsWithoutContacts) {
  CreatePartners();
  v1::Agreement created = CreateApproved("ka171-kz-lv");
  v1::GetAgreementRequest get;
  get.set_name(created.name());
  v1::Agreement seen;
  ASSERT_TRUE(Call(&Stub::GetAgreement, get, &seen, Role::kApplicant).ok());
  EXPECT_FALSE(seen.partners(0).has_signing_contact());
  // A partner's staff see the contacts.
  ASSERT_TRUE(Call(&Stub::GetAgreement, get, &seen, Role::kCoordinator).ok());
  EXPECT_EQ(seen.partners(0).signing_contact().email(), "rector@example.kz");
}

TEST_F(AgreementsServiceTest, AllocatesWithinTheQuotaOfAnApprovedAgreement) {
  CreatePartners();
  v1::Agreement draft = CreateAgreement("ka171-draft");
  absl::Status not_approved =
      Allocate(draft.name(), "2025/2026", "applications/a0");
  EXPECT_EQ(not_approved.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(not_approved), "AGREEMENT_NOT_APPROVED");

  v1::Agreement approved =
      CreateApproved("ka171-kz-lv", /*student_mobilities=*/2);
  EXPECT_EQ(Allocate(approved.name(), "2024/2025", "applications/a1").code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Allocate(approved.name(), "2027/2028", "applications/a1").code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Allocate(approved.name(), "2025-2026", "applications/a1").code(),
            absl::StatusCode::kInvalidArgument);

  v1::MobilityAllocation first, retry;
  ASSERT_TRUE(
      Allocate(approved.name(), "2025/2026", "applications/a1", &first).ok());
  ASSERT_TRUE(
      Allocate(approved.name(), "2025/2026", "applications/a1", &retry).ok());
  EXPECT_EQ(first.SerializeAsString(), retry.SerializeAsString());
  ASSERT_TRUE(Allocate(approved.name(), "2025/2026", "applications/a2").ok());
  absl::Status full = Allocate(approved.name(), "2025/2026", "applications/a3");
  EXPECT_EQ(full.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(Allocate(approved.name(), "2026/2027", "applications/a3")
                  .ok());  // Another year.

  v1::ReleaseMobilityRequest release;
  release.set_agreement(approved.name());
  release.set_allocation_key("applications/a1");
  v1::MobilityAllocation released, released_again;
  ASSERT_TRUE(
      Call(&Stub::ReleaseMobility, release, &released, Role::kService).ok());
  EXPECT_EQ(released.state(), v1::MobilityAllocation::RELEASED);
  ASSERT_TRUE(
      Call(&Stub::ReleaseMobility, release, &released_again, Role::kService)
          .ok());
  EXPECT_EQ(released_again.SerializeAsString(), released.SerializeAsString());
  release.set_allocation_key("applications/never");
  EXPECT_EQ(
      Call(&Stub::ReleaseMobility, release, &released, Role::kService).code(),
      absl::StatusCode::kNotFound);

  v1::GetQuotaUsageRequest usage_request;
  usage_request.set_agreement(approved.name());
  v1::QuotaUsage usage;
  ASSERT_TRUE(
      Call(&Stub::GetQuotaUsage, usage_request, &usage, Role::kApplicant).ok());
  ASSERT_THAT(usage.entries(), SizeIs(2));
  EXPECT_EQ(usage.entries(0).academic_year(), "2025/2026");
  EXPECT_EQ(usage.entries(0).used(), 1);
  EXPECT_EQ(usage.entries(0).free(), 1);
  EXPECT_EQ(usage.entries(1).used(), 1);
  // The freed mobility can be taken again, but not by a key that holds another
  // year's.
  EXPECT_EQ(Allocate(approved.name(), "2025/2026", "applications/a3").code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(Allocate(approved.name(), "2025/2026", "applications/a4").ok());
}

// A key whose holder ended for good (a withdrawn application) is closed: an
// allocation still on its way under it is refused, whether the key held a
// mobility when it was closed or not yet.
TEST_F(AgreementsServiceTest, AClosedKeyNeverAllocatesAgain) {
  CreatePartners();
  v1::Agreement approved = CreateApproved("ka171-kz-lv");
  ASSERT_TRUE(Allocate(approved.name(), "2025/2026", "applications/a1").ok());
  for (const char* key : {"applications/a1", "applications/late"}) {
    v1::ReleaseMobilityRequest release;
    release.set_agreement(approved.name());
    release.set_allocation_key(key);
    release.set_final(true);
    v1::MobilityAllocation released, again;
    ASSERT_TRUE(
        Call(&Stub::ReleaseMobility, release, &released, Role::kService).ok())
        << key;
    EXPECT_EQ(released.state(), v1::MobilityAllocation::RELEASED) << key;
    ASSERT_TRUE(
        Call(&Stub::ReleaseMobility, release, &again, Role::kService).ok());
    EXPECT_EQ(again.SerializeAsString(), released.SerializeAsString());
    absl::Status late = Allocate(approved.name(), "2025/2026", key);
    EXPECT_EQ(late.code(), absl::StatusCode::kFailedPrecondition) << key;
    EXPECT_THAT(std::string(late.message()),
                ::testing::HasSubstr("allocation_key"));
  }
  v1::GetQuotaUsageRequest usage_request;
  usage_request.set_agreement(approved.name());
  usage_request.set_academic_year("2025/2026");
  v1::QuotaUsage usage;
  ASSERT_TRUE(
      Call(&Stub::GetQuotaUsage, usage_request, &usage, Role::kService).ok());
  EXPECT_EQ(usage.entries(0).used(), 0);
}

// Notice given at 02:30 in Kokshetau on 2 September 2026 (21:30 UTC on the
// 1st) is notice of 2 September: given after 1 September, it takes effect on
// 1 September 2028, not 2027; and 2 September is not a date in the future.
TEST_F(AgreementsServiceTest, NoticeIsDatedOnTheInstitutionsOwnDay) {
  CreatePartners();
  const v1::Agreement defaulted = CreateApproved("ka171-notice-today");
  const v1::Agreement dated = CreateApproved("ka171-notice-dated");
  SetNow(absl::FromCivil(absl::CivilSecond(2026, 9, 1, 21, 30, 0),
                         absl::UTCTimeZone()));
  v1::TerminateAgreementRequest request;
  request.set_name(defaulted.name());
  request.set_institution(kKz);
  request.set_reason("the faculty closes the programme");
  v1::Agreement noticed;
  ASSERT_TRUE(CallWithToken(&Stub::TerminateAgreement, request, &noticed,
                            PartnerToken(kKz))
                  .ok());
  EXPECT_EQ(FormatDate(noticed.notice_date()), "2026-09-02");
  EXPECT_EQ(FormatDate(noticed.termination_effective_date()), "2028-09-01");
  EXPECT_EQ(
      GiveNotice(dated.name(), absl::CivilDay(2026, 9, 3), &noticed).code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(
      GiveNotice(dated.name(), absl::CivilDay(2026, 9, 2), &noticed).ok());
}

// A subject area's clarification may not repeat the official ISCED-F 2013
// name of its code, in any case; saying more is fine, as is saying nothing.
TEST_F(AgreementsServiceTest, AnIscedClarificationSaysMoreThanTheFieldsName) {
  CreatePartners();
  v1::CreateAgreementRequest request;
  request.set_agreement_id("ka171-isced");
  *request.mutable_agreement() = AgreementBody();
  auto* areas = request.mutable_agreement()->mutable_cooperation_conditions(0);
  auto* repeated = areas->add_subject_areas();
  repeated->set_isced_code("0413");
  repeated->set_description(" management AND administration");
  auto* clarified = areas->add_subject_areas();
  clarified->set_isced_code("0613");
  clarified->set_description("Mobile application development");
  areas->add_subject_areas()->set_isced_code("0311");
  v1::Agreement created;
  absl::Status refused = Call(&Stub::CreateAgreement, request, &created);
  ASSERT_EQ(refused.code(), absl::StatusCode::kInvalidArgument) << refused;
  EXPECT_THAT(
      FieldViolationsOf(refused),
      ElementsAre(Field(
          &FieldViolation::field,
          "agreement.cooperation_conditions[0].subject_areas[0].description")));
  repeated->set_description("Public administration, tourism track");
  absl::Status made = Call(&Stub::CreateAgreement, request, &created);
  EXPECT_TRUE(made.ok()) << made;
}

TEST_F(AgreementsServiceTest, HundredConcurrentAllocationsOnFiveMobilities) {
  CreatePartners();
  v1::Agreement approved =
      CreateApproved("ka171-kz-lv", /*student_mobilities=*/5);
  std::atomic<int> granted{0}, exhausted{0}, other{0};
  std::vector<std::thread> applicants;
  for (int i = 0; i < 100; ++i) {
    applicants.emplace_back([&, i] {
      absl::Status s = Allocate(approved.name(), "2025/2026",
                                absl::StrCat("applications/a", i));
      if (s.ok()) {
        ++granted;
      } else if (s.code() == absl::StatusCode::kResourceExhausted) {
        ++exhausted;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : applicants) t.join();
  EXPECT_EQ(granted, 5);
  EXPECT_EQ(exhausted, 95);
  EXPECT_EQ(other, 0);
  EXPECT_EQ(CountRows("mobility_allocations"), 5);
}

// Allocations wait only for those of their own condition and year, or key:
// one in flight for 2025/2026 holds back the next of that year and another
// year's under its key, not another year's under another key.
TEST_F(AgreementsServiceTest, AnAllocationInFlightHoldsOnlyItsOwnQuotaAndKey) {
  CreatePartners();
  v1::Agreement approved = CreateApproved("ka171-kz-lv");
  // The allocation in flight, as its transaction holds its locks.
  pqxx::connection held(database_.url());
  for (const auto& s : PgAgreementsStore::Statements())
    held.prepare(s.name, s.sql);
  pqxx::work txn(held);
  txn.exec("SET LOCAL search_path = agreements");
  PgAgreementsStore in_flight(txn);
  ASSERT_TRUE(
      in_flight.GetAgreement("ka171-kz-lv", AgreementsStore::RowLock::kShare)
          .ok());
  ASSERT_TRUE(
      in_flight
          .LockQuota("ka171-kz-lv", "applications/held", "kz-lv-studies", 2025)
          .ok());

  std::atomic<int> done{0};
  absl::Status same_year, same_key;
  std::thread same_year_waits([&] {
    same_year = Allocate(approved.name(), "2025/2026", "applications/a1");
    ++done;
  });
  std::thread same_key_waits([&] {
    same_key = Allocate(approved.name(), "2026/2027", "applications/held");
    ++done;
  });
  // Until both wait on a lock of the one in flight.
  pqxx::connection watch(database_.url());
  EXPECT_TRUE(testing::Eventually(absl::Seconds(5), [&] {
    pqxx::nontransaction look(watch);
    return look.exec1(
                   "SELECT count(*) FROM pg_stat_activity WHERE "
                   "wait_event = 'advisory'")[0]
               .as<int>() == 2;
  }));
  EXPECT_TRUE(Allocate(approved.name(), "2026/2027", "applications/a2").ok());
  EXPECT_EQ(done, 0);
  txn.abort();
  same_year_waits.join();
  same_key_waits.join();
  EXPECT_TRUE(same_year.ok()) << same_year;
  EXPECT_TRUE(same_key.ok()) << same_key;
}

TEST_F(AgreementsServiceTest, RefusesMissingAndBadTokens) {
  v1::GetQuotaUsageRequest usage;
  usage.set_agreement("agreements/ka171-kz-lv");
  v1::QuotaUsage used;
  EXPECT_EQ(CallWithToken(&Stub::GetQuotaUsage, usage, &used, "").code(),
            absl::StatusCode::kUnauthenticated);
  // A public method still refuses a token that does not verify.
  v1::ListInstitutionsRequest request;
  v1::ListInstitutionsResponse response;
  EXPECT_EQ(
      CallWithToken(&Stub::ListInstitutions, request, &response, "not-a-jwt")
          .code(),
      absl::StatusCode::kUnauthenticated);
  std::string token = testing::TokenFor("s", {Role::kAdmin});
  // A character well inside the signature: the last one may carry only padding
  // bits.
  char& c = token[token.size() - 10];
  c = c == 'A' ? 'B' : 'A';
  EXPECT_EQ(
      CallWithToken(&Stub::ListInstitutions, request, &response, token).code(),
      absl::StatusCode::kUnauthenticated);
}

TEST_F(AgreementsServiceTest, EchoesTheCallersRequestIdOrMakesOne) {
  v1::ListInstitutionsRequest request;
  v1::ListInstitutionsResponse response;
  OutboundCall call;
  call.bearer_token = testing::TokenFor("s", {Role::kApplicant});
  call.request_id = "trace-42";
  auto context = NewClientContext(call);
  ASSERT_TRUE(stub_->ListInstitutions(context.get(), request, &response).ok());
  auto echoed = context->GetServerInitialMetadata().find(kRequestIdHeader);
  ASSERT_NE(echoed, context->GetServerInitialMetadata().end());
  EXPECT_EQ(std::string(echoed->second.data(), echoed->second.size()),
            "trace-42");

  call.request_id = "";
  auto fresh = NewClientContext(call);
  ASSERT_TRUE(stub_->ListInstitutions(fresh.get(), request, &response).ok());
  auto made = fresh->GetServerInitialMetadata().find(kRequestIdHeader);
  ASSERT_NE(made, fresh->GetServerInitialMetadata().end());
  EXPECT_EQ(made->second.size(), 32u);
}

// The university's pages show the agreements in force to anyone: without a
// token, only APPROVED ones, and without the signatories' contacts.
TEST_F(AgreementsServiceTest, ThePublicReadsTheAgreementsInForceOnly) {
  CreatePartners();
  v1::Agreement approved = CreateApproved("ka171-a");
  v1::Agreement draft = CreateAgreement("ka171-b");
  v1::ListAgreementsRequest all;
  v1::ListAgreementsResponse page;
  ASSERT_TRUE(CallWithToken(&Stub::ListAgreements, all, &page, "").ok());
  ASSERT_THAT(page.agreements(), SizeIs(1));
  EXPECT_EQ(page.agreements(0).name(), approved.name());
  EXPECT_FALSE(page.agreements(0).partners(0).has_signing_contact());
  EXPECT_TRUE(page.agreements(0).approvals(0).approved_by().empty());

  v1::ListAgreementsRequest drafts;
  drafts.set_state(v1::Agreement::DRAFT);
  EXPECT_EQ(CallWithToken(&Stub::ListAgreements, drafts, &page, "").code(),
            absl::StatusCode::kInvalidArgument);
  v1::GetAgreementRequest get;
  get.set_name(draft.name());
  v1::Agreement seen;
  EXPECT_EQ(CallWithToken(&Stub::GetAgreement, get, &seen, "").code(),
            absl::StatusCode::kNotFound);
  get.set_name(approved.name());
  ASSERT_TRUE(CallWithToken(&Stub::GetAgreement, get, &seen, "").ok());
  EXPECT_FALSE(seen.partners(1).has_signing_contact());
  // The partners' office still sees its drafts; anyone else reads what the
  // public reads.
  EXPECT_TRUE(Call(&Stub::GetAgreement, get, &seen, Role::kApplicant).ok());
  get.set_name(draft.name());
  EXPECT_TRUE(Call(&Stub::GetAgreement, get, &seen, Role::kCoordinator).ok());
  EXPECT_EQ(Call(&Stub::GetAgreement, get, &seen, Role::kApplicant).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(CallWithToken(&Stub::GetAgreement, get, &seen,
                          testing::TokenFor("outsider", {Role::kCoordinator},
                                            "institutions/tartu-ut"))
                .code(),
            absl::StatusCode::kNotFound);

  // While an amendment awaits both approvals, the public sees the revision
  // in force, not the amendment.
  const int approved_places =
      approved.cooperation_conditions(0).mobilities_per_year();
  v1::UpdateAgreementRequest update;
  update.mutable_agreement()->set_name(approved.name());
  *update.mutable_agreement()->mutable_cooperation_conditions() =
      approved.cooperation_conditions();
  update.mutable_agreement()
      ->mutable_cooperation_conditions(0)
      ->set_mobilities_per_year(approved_places + 1);
  update.mutable_update_mask()->add_paths("cooperation_conditions");
  v1::Agreement amended;
  ASSERT_TRUE(Call(&Stub::UpdateAgreement, update, &amended).ok());
  ASSERT_EQ(amended.state(), v1::Agreement::AMENDED);
  get.set_name(approved.name());
  ASSERT_TRUE(CallWithToken(&Stub::GetAgreement, get, &seen, "").ok());
  EXPECT_EQ(seen.state(), v1::Agreement::APPROVED);
  EXPECT_EQ(seen.cooperation_conditions(0).mobilities_per_year(),
            approved_places);
  ASSERT_TRUE(CallWithToken(&Stub::ListAgreements, all, &page, "").ok());
  ASSERT_THAT(page.agreements(), SizeIs(1));
  EXPECT_EQ(page.agreements(0).cooperation_conditions(0).mobilities_per_year(),
            approved_places);
  get.set_revision(amended.revision());
  EXPECT_EQ(CallWithToken(&Stub::GetAgreement, get, &seen, "").code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(AgreementsServiceTest, EachRoleCallsOnlyItsMethods) {
  CreatePartners();
  v1::Agreement approved = CreateApproved("ka171-kz-lv");
  v1::CreateInstitutionRequest create;
  create.set_institution_id("tartu-ut");
  create.mutable_institution()->set_display_name("University of Tartu");
  create.mutable_institution()->set_country_code("EE");
  create.mutable_institution()->set_city("Tartu");
  v1::Institution ignored;
  for (Role role : {Role::kApplicant, Role::kFinance, Role::kInquiryHandler,
                    Role::kService}) {
    EXPECT_EQ(Call(&Stub::CreateInstitution, create, &ignored, role).code(),
              absl::StatusCode::kPermissionDenied)
        << RoleName(role);
  }
  EXPECT_TRUE(
      Call(&Stub::CreateInstitution, create, &ignored, Role::kAdmin).ok());

  v1::AllocateMobilityRequest allocate;
  allocate.set_agreement(approved.name());
  allocate.set_condition_id("kz-lv-studies");
  allocate.set_academic_year("2025/2026");
  allocate.set_allocation_key("applications/a1");
  v1::MobilityAllocation allocation;
  for (Role role : {Role::kApplicant, Role::kCoordinator, Role::kFinance}) {
    EXPECT_EQ(Call(&Stub::AllocateMobility, allocate, &allocation, role).code(),
              absl::StatusCode::kPermissionDenied)
        << RoleName(role);
  }
  EXPECT_TRUE(
      Call(&Stub::AllocateMobility, allocate, &allocation, Role::kService)
          .ok());
}

}  // namespace
}  // namespace mobility::agreements
