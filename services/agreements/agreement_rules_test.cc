#include "services/agreements/agreement_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/types.h"
#include "common/words_testing.h"
#include "services/agreements/agreement_lifecycle.h"
#include "services/agreements/words.h"

namespace mobility::agreements {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::Field;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr char kKz[] = "institutions/kokshetau-amu";
constexpr char kLv[] = "institutions/vidzeme-via";

const std::map<std::string, std::string> kCountries = {
    {kKz, "KZ"},
    {kLv, "LV"},
    {"institutions/uk-uni", "GB"},
    {"institutions/rs-uni", "RS"},
    {"institutions/kg-uni", "KG"},
    {"institutions/de-uni", "DE"},
    {"institutions/xk-uni", "XK"},
    {"institutions/ch-uni", "CH"},
    {"institutions/ir-uni", "IR"},
    {"institutions/sa-uni", "SA"}};

v1::CooperationCondition Condition(v1::MobilityType type, int mobilities,
                                   int months, int days) {
  v1::CooperationCondition c;
  c.set_mobility_type(type);
  c.set_sending_institution(kKz);
  c.set_receiving_institution(kLv);
  c.set_mobilities_per_year(mobilities);
  if (months != 0) c.set_total_months_per_year(absl::StrCat(months));
  if (days != 0) c.set_total_days_per_year(absl::StrCat(days));
  // Studies and teaching recommend at least one language; the level is
  // optional.
  if (type == v1::STUDENT_STUDIES || type == v1::STAFF_TEACHING)
    c.add_language_requirements()->set_language("en");
  return c;
}

v1::Agreement Agreement(v1::Programme programme, const std::string& first,
                        const std::string& last) {
  v1::Agreement a;
  a.set_programme(programme);
  a.set_reference_number("REF-1");
  a.set_title("Erasmus+ KA1 inter-institutional agreement");
  a.add_partners()->set_institution(kKz);
  a.add_partners()->set_institution(kLv);
  a.set_first_academic_year(first);
  a.set_last_academic_year(last);
  *a.add_cooperation_conditions() = Condition(v1::STUDENT_STUDIES, 1, 5, 0);
  return a;
}

std::vector<FieldViolation> Validate(const v1::Agreement& a) {
  Violations violations;
  ValidateAgreement(a, kCountries, "agreement", violations);
  return violations.list();
}

auto Violates(const std::string& field) {
  return Contains(Field(&FieldViolation::field, field));
}

TEST(AgreementValidationTest, TheDemoShapeIsValid) {
  EXPECT_THAT(Validate(Agreement(v1::KA107, "2016/2017", "2020/2021")),
              IsEmpty());
  EXPECT_THAT(Validate(Agreement(v1::KA171, "2025/2026", "2028/2029")),
              IsEmpty());
}

TEST(AgreementValidationTest, ListsAreBounded) {
  auto a = Agreement(v1::KA171, "2025/2026", "2028/2029");
  while (a.cooperation_conditions_size() < 100) {
    auto* c = a.add_cooperation_conditions();
    *c = a.cooperation_conditions(0);
    c->set_id(absl::StrCat("c", a.cooperation_conditions_size()));
  }
  a.mutable_cooperation_conditions(0)->set_id("c1");
  EXPECT_THAT(Validate(a), IsEmpty());
  *a.add_cooperation_conditions() = a.cooperation_conditions(1);
  EXPECT_THAT(Validate(a), Violates("agreement.cooperation_conditions"));

  auto b = Agreement(v1::KA171, "2025/2026", "2028/2029");
  auto* c = b.mutable_cooperation_conditions(0);
  for (int i = 0; i < 50; ++i) c->add_subject_areas()->set_isced_code("0114");
  for (int i = 1; i < 20; ++i) {  // The first came with the condition.
    auto* l = c->add_language_requirements();
    l->set_language("en");
    l->set_cefr_level(v1::B2);
  }
  EXPECT_THAT(Validate(b), IsEmpty());
  c->add_subject_areas()->set_isced_code("0114");
  *c->add_language_requirements() = c->language_requirements(0);
  EXPECT_THAT(
      Validate(b),
      AllOf(Violates("agreement.cooperation_conditions[0].subject_areas"),
            Violates("agreement.cooperation_conditions[0]"
                     ".language_requirements")));
}

TEST(AgreementValidationTest, Ka107StudiesNeedThreeMonths) {
  auto a = Agreement(v1::KA107, "2016/2017", "2020/2021");
  *a.mutable_cooperation_conditions(0) =
      Condition(v1::STUDENT_STUDIES, 1, 3, 0);
  EXPECT_THAT(Validate(a), IsEmpty());
  *a.mutable_cooperation_conditions(0) =
      Condition(v1::STUDENT_STUDIES, 1, 2, 0);
  EXPECT_THAT(
      Validate(a),
      Violates("agreement.cooperation_conditions[0].total_months_per_year"));
}

TEST(AgreementValidationTest, Ka171StudiesNeedTwoMonths) {
  auto a = Agreement(v1::KA171, "2025/2026", "2026/2027");
  *a.mutable_cooperation_conditions(0) =
      Condition(v1::STUDENT_STUDIES, 1, 2, 0);
  EXPECT_THAT(Validate(a), IsEmpty());
  *a.mutable_cooperation_conditions(0) =
      Condition(v1::STUDENT_STUDIES, 1, 1, 0);
  EXPECT_THAT(
      Validate(a),
      Violates("agreement.cooperation_conditions[0].total_months_per_year"));
}

TEST(AgreementValidationTest, AtMostTwelveMonthsPerMobility) {
  auto a = Agreement(v1::KA171, "2025/2026", "2026/2027");
  *a.mutable_cooperation_conditions(0) =
      Condition(v1::STUDENT_STUDIES, 2, 24, 0);
  EXPECT_THAT(Validate(a), IsEmpty());
  *a.mutable_cooperation_conditions(0) =
      Condition(v1::STUDENT_STUDIES, 2, 25, 0);
  EXPECT_THAT(
      Validate(a),
      Violates("agreement.cooperation_conditions[0].total_months_per_year"));
}

TEST(AgreementValidationTest, StaffFiveToSixtyDaysPerMobility) {
  auto a = Agreement(v1::KA171, "2025/2026", "2026/2027");
  for (int days : {5, 60}) {
    *a.mutable_cooperation_conditions(0) =
        Condition(v1::STAFF_TEACHING, 1, 0, days);
    EXPECT_THAT(Validate(a), IsEmpty()) << days;
  }
  for (int days : {4, 61}) {
    *a.mutable_cooperation_conditions(0) =
        Condition(v1::STAFF_TRAINING, 1, 0, days);
    EXPECT_THAT(
        Validate(a),
        Violates("agreement.cooperation_conditions[0].total_days_per_year"))
        << days;
  }
}

TEST(AgreementValidationTest, MonthsForStudentsDaysForStaff) {
  auto a = Agreement(v1::KA171, "2025/2026", "2026/2027");
  *a.mutable_cooperation_conditions(0) =
      Condition(v1::STAFF_TEACHING, 1, 3, 10);
  EXPECT_THAT(
      Validate(a),
      Violates("agreement.cooperation_conditions[0].total_months_per_year"));
  *a.mutable_cooperation_conditions(0) =
      Condition(v1::STUDENT_STUDIES, 1, 3, 10);
  EXPECT_THAT(
      Validate(a),
      Violates("agreement.cooperation_conditions[0].total_days_per_year"));
}

// Eligibility follows the calls that may fund a condition's years: a KA107
// agreement 2016-2021 may hold traineeships of the 2018+ calls.
TEST(AgreementValidationTest, Ka107TraineeshipsWhenA2018CallMayFundThem) {
  auto a = Agreement(v1::KA107, "2016/2017", "2020/2021");
  *a.mutable_cooperation_conditions(0) =
      Condition(v1::STUDENT_TRAINEESHIP, 1, 2, 0);
  EXPECT_THAT(Validate(a), IsEmpty());
  a.set_first_academic_year("2015/2016");
  a.set_last_academic_year("2018/2019");  // The 2018 call funds 2018/2019.
  EXPECT_THAT(Validate(a), IsEmpty());
  a.set_last_academic_year("2017/2018");  // Calls 2015-2017 only.
  EXPECT_THAT(Validate(a),
              Violates("agreement.cooperation_conditions[0].mobility_type"));
  // A condition covering only the early years of a longer agreement.
  a.set_last_academic_year("2020/2021");
  a.mutable_cooperation_conditions(0)->set_last_academic_year("2017/2018");
  EXPECT_THAT(Validate(a),
              Violates("agreement.cooperation_conditions[0].mobility_type"));
  a.mutable_cooperation_conditions(0)->set_last_academic_year("2018/2019");
  EXPECT_THAT(Validate(a), IsEmpty());
}

TEST(AgreementValidationTest, ConditionYearsLieWithinTheAgreements) {
  auto a = Agreement(v1::KA171, "2025/2026", "2027/2028");
  auto* c = a.mutable_cooperation_conditions(0);
  c->set_first_academic_year("2026/2027");
  c->set_last_academic_year("2027/2028");
  EXPECT_THAT(Validate(a), IsEmpty());
  c->set_first_academic_year("2024/2025");
  c->set_last_academic_year("2028/2029");
  const std::string at = "agreement.cooperation_conditions[0]";
  EXPECT_THAT(Validate(a), AllOf(Violates(at + ".first_academic_year"),
                                 Violates(at + ".last_academic_year")));
  c->set_first_academic_year("2027/2028");
  c->set_last_academic_year("2026/2027");
  EXPECT_THAT(Validate(a), Violates(at + ".last_academic_year"));
}

// EWP IIA v7: decimal totals with two fraction digits, the blended flag on
// student conditions, a language for studies and teaching, other info.
TEST(AgreementValidationTest, IiaV7Fields) {
  auto a = Agreement(v1::KA171, "2025/2026", "2026/2027");
  auto* c = a.mutable_cooperation_conditions(0);
  const std::string at = "agreement.cooperation_conditions[0]";
  c->set_mobilities_per_year(2);  // 4 to 24 months in all.
  for (const char* ok : {"4", "12.50", "12.5", "24.00"}) {
    c->set_total_months_per_year(ok);
    EXPECT_THAT(Validate(a), IsEmpty()) << ok;
  }
  for (const char* bad : {"12.505", "1e1", "-3", ".5", "5.", "3.99", "24.01"}) {
    c->set_total_months_per_year(bad);
    EXPECT_THAT(Validate(a), Violates(at + ".total_months_per_year")) << bad;
  }
  c->clear_total_months_per_year();  // Optional.
  c->set_blended(true);
  c->set_other_info("Transcript within five weeks.");
  EXPECT_THAT(Validate(a), IsEmpty());
  c->clear_language_requirements();
  EXPECT_THAT(Validate(a), Violates(at + ".language_requirements"));
  *c = Condition(v1::STAFF_TRAINING, 1, 0, 5);  // Training needs no language.
  EXPECT_THAT(Validate(a), IsEmpty());
  c->set_blended(true);
  EXPECT_THAT(Validate(a), Violates(at + ".blended"));
}

TEST(AgreementValidationTest, OnlyRegionsTheProgrammeFunds) {
  auto with = [](v1::Programme programme, const char* partner) {
    auto a =
        Agreement(programme, programme == v1::KA107 ? "2019/2020" : "2025/2026",
                  programme == v1::KA107 ? "2020/2021" : "2026/2027");
    a.mutable_partners(0)->set_institution(partner);
    a.mutable_cooperation_conditions(0)->set_sending_institution(partner);
    return Validate(a);
  };
  EXPECT_THAT(with(v1::KA171, "institutions/xk-uni"), IsEmpty());  // Kosovo.
  EXPECT_THAT(with(v1::KA107, "institutions/xk-uni"), IsEmpty());
  EXPECT_THAT(with(v1::KA171, "institutions/ch-uni"),
              Violates("agreement.partners"));
  EXPECT_THAT(with(v1::KA171, "institutions/ir-uni"), IsEmpty());
  // KA107 funded Region 9 (Iran, Iraq, Yemen), not the Gulf (Region 12).
  EXPECT_THAT(with(v1::KA107, "institutions/ir-uni"), IsEmpty());
  EXPECT_THAT(with(v1::KA107, "institutions/sa-uni"),
              Violates("agreement.partners"));
}

TEST(AgreementValidationTest, AcademicYearsInsideTheProgrammePeriod) {
  EXPECT_THAT(Validate(Agreement(v1::KA107, "2015/2016", "2022/2023")),
              IsEmpty());
  EXPECT_THAT(Validate(Agreement(v1::KA107, "2014/2015", "2016/2017")),
              Violates("agreement.first_academic_year"));
  EXPECT_THAT(Validate(Agreement(v1::KA107, "2016/2017", "2023/2024")),
              Violates("agreement.last_academic_year"));
  EXPECT_THAT(Validate(Agreement(v1::KA171, "2021/2022", "2029/2030")),
              IsEmpty());
  EXPECT_THAT(Validate(Agreement(v1::KA171, "2020/2021", "2022/2023")),
              Violates("agreement.first_academic_year"));
  EXPECT_THAT(Validate(Agreement(v1::KA171, "2025/2026", "2030/2031")),
              Violates("agreement.last_academic_year"));
}

TEST(AgreementValidationTest, AcademicYearsInOrder) {
  EXPECT_THAT(Validate(Agreement(v1::KA171, "2026/2027", "2026/2027")),
              IsEmpty());
  EXPECT_THAT(Validate(Agreement(v1::KA171, "2026/2027", "2025/2026")),
              Violates("agreement.last_academic_year"));
  EXPECT_THAT(Validate(Agreement(v1::KA171, "2026/2028", "2027/2028")),
              Violates("agreement.first_academic_year"));
}

TEST(AgreementValidationTest, OneProgrammeAndOnePartnerCountry) {
  auto two_partner_countries = Agreement(v1::KA171, "2025/2026", "2026/2027");
  two_partner_countries.mutable_partners(1)->set_institution(
      "institutions/kg-uni");
  two_partner_countries.mutable_cooperation_conditions(0)
      ->set_receiving_institution("institutions/kg-uni");
  EXPECT_THAT(Validate(two_partner_countries), Violates("agreement.partners"));

  auto two_programme_countries = Agreement(v1::KA171, "2025/2026", "2026/2027");
  two_programme_countries.mutable_partners(0)->set_institution(
      "institutions/de-uni");
  two_programme_countries.mutable_cooperation_conditions(0)
      ->set_sending_institution("institutions/de-uni");
  EXPECT_THAT(Validate(two_programme_countries),
              Violates("agreement.partners"));
}

TEST(AgreementValidationTest, ClassificationFollowsTheCallsThatFundIt) {
  // The UK is a Programme country up to the 2020 call and a third country
  // after: a KA107 agreement running into 2021/2022 stands.
  auto uk = Agreement(v1::KA107, "2019/2020", "2021/2022");
  uk.mutable_partners(1)->set_institution("institutions/uk-uni");
  uk.mutable_cooperation_conditions(0)->set_receiving_institution(
      "institutions/uk-uni");
  EXPECT_THAT(Validate(uk), IsEmpty());
  uk.set_programme(v1::KA171);
  uk.set_first_academic_year("2021/2022");
  EXPECT_THAT(Validate(uk), Violates("agreement.partners"));

  // Serbia joins the Programme countries with the 2019 call, which funds
  // 2019/2020.
  auto rs = Agreement(v1::KA107, "2016/2017", "2018/2019");
  rs.mutable_partners(1)->set_institution("institutions/rs-uni");
  rs.mutable_cooperation_conditions(0)->set_receiving_institution(
      "institutions/rs-uni");
  EXPECT_THAT(Validate(rs), Violates("agreement.partners"));
  rs.set_last_academic_year("2019/2020");
  EXPECT_THAT(Validate(rs), IsEmpty());
}

TEST(AgreementValidationTest, PartnersMustExistAndDiffer) {
  auto a = Agreement(v1::KA171, "2025/2026", "2026/2027");
  a.mutable_partners(1)->set_institution("institutions/nowhere");
  EXPECT_THAT(Validate(a), Violates("agreement.partners[1].institution"));
  a.mutable_partners(1)->set_institution(kKz);
  EXPECT_THAT(Validate(a), Violates("agreement.partners[1].institution"));
  a.mutable_partners()->RemoveLast();
  EXPECT_THAT(Validate(a), Violates("agreement.partners"));
}

TEST(AgreementValidationTest, ConditionsRunBetweenThePartners) {
  auto a = Agreement(v1::KA171, "2025/2026", "2026/2027");
  a.mutable_cooperation_conditions(0)->set_receiving_institution(kKz);
  EXPECT_THAT(
      Validate(a),
      Violates("agreement.cooperation_conditions[0].receiving_institution"));
  a.mutable_cooperation_conditions(0)->set_sending_institution(
      "institutions/de-uni");
  EXPECT_THAT(
      Validate(a),
      Violates("agreement.cooperation_conditions[0].sending_institution"));
}

TEST(AgreementValidationTest, IscedEqfAndCefr) {
  auto a = Agreement(v1::KA171, "2025/2026", "2026/2027");
  auto* c = a.mutable_cooperation_conditions(0);
  c->add_subject_areas()->set_isced_code("0413");
  c->add_eqf_levels(1);
  c->add_eqf_levels(8);
  auto* language = c->add_language_requirements();
  language->set_language("lv");
  language->set_cefr_level(v1::C2);
  EXPECT_THAT(Validate(a), IsEmpty());

  c->add_subject_areas()->set_isced_code("041");
  c->add_subject_areas()->set_isced_code("04a3");
  c->add_eqf_levels(0);
  c->add_eqf_levels(9);
  c->add_eqf_levels(8);
  auto* bad_language = c->add_language_requirements();
  bad_language->set_language("EN");
  bad_language->set_cefr_level(static_cast<v1::CefrLevel>(7));
  const std::string at = "agreement.cooperation_conditions[0]";
  auto violations = Validate(a);
  EXPECT_THAT(violations, Violates(at + ".subject_areas[1].isced_code"));
  EXPECT_THAT(violations, Violates(at + ".subject_areas[2].isced_code"));
  EXPECT_THAT(violations, Violates(at + ".eqf_levels[2]"));
  EXPECT_THAT(violations, Violates(at + ".eqf_levels[3]"));
  EXPECT_THAT(violations, Violates(at + ".eqf_levels[4]"));  // Listed twice.
  EXPECT_THAT(violations, Violates(at + ".language_requirements[2].language"));
  EXPECT_THAT(violations,
              Violates(at + ".language_requirements[2].cefr_level"));
  EXPECT_THAT(violations, Not(Violates(at + ".subject_areas[0].isced_code")));
}

TEST(AgreementValidationTest, ReportsEveryViolationAtOnce) {
  v1::Agreement empty;
  auto violations = Validate(empty);
  EXPECT_THAT(violations, Violates("agreement.programme"));
  EXPECT_THAT(violations, Violates("agreement.reference_number"));
  EXPECT_THAT(violations, Violates("agreement.title"));
  EXPECT_THAT(violations, Violates("agreement.first_academic_year"));
  EXPECT_THAT(violations, Violates("agreement.partners"));
  EXPECT_THAT(violations, Violates("agreement.cooperation_conditions"));
}

TEST(AgreementValidationTest, MobilitiesPerYearAtLeastOne) {
  auto a = Agreement(v1::KA171, "2025/2026", "2026/2027");
  *a.mutable_cooperation_conditions(0) =
      Condition(v1::STUDENT_STUDIES, 0, 0, 0);
  EXPECT_THAT(
      Validate(a),
      Violates("agreement.cooperation_conditions[0].mobilities_per_year"));
}

TEST(InstitutionValidationTest, CoordinatesAndCountry) {
  v1::Institution i;
  i.set_display_name("Vidzeme University of Applied Sciences");
  i.set_country_code("LV");
  i.set_city("Valmiera");
  i.set_latitude(90);
  i.set_longitude(-180);
  Violations ok;
  ValidateInstitution(i, "institution", ok);
  EXPECT_TRUE(ok.empty());
  i.set_latitude(90.0001);
  i.set_longitude(180.5);
  i.set_country_code("XX");
  i.set_schac_id("VA.LV");
  Violations bad;
  ValidateInstitution(i, "institution", bad);
  EXPECT_THAT(bad.list(), Violates("institution.latitude"));
  EXPECT_THAT(bad.list(), Violates("institution.longitude"));
  EXPECT_THAT(bad.list(), Violates("institution.country_code"));
  EXPECT_THAT(bad.list(), Violates("institution.schac_id"));
}

TEST(ContentHashTest, CoversContentOnly) {
  auto a = Agreement(v1::KA171, "2025/2026", "2026/2027");
  const std::string hash = ContentHash(a);
  EXPECT_EQ(hash.size(), 64u);
  auto same = a;
  same.set_name("agreements/other");
  same.set_state(v1::Agreement::APPROVED);
  same.set_revision(7);
  same.add_approvals()->set_institution(kKz);
  EXPECT_EQ(ContentHash(same), hash);
  auto changed = a;
  changed.mutable_cooperation_conditions(0)->set_mobilities_per_year(2);
  EXPECT_NE(ContentHash(changed), hash);
  changed = a;
  changed.set_title("Another title");
  EXPECT_NE(ContentHash(changed), hash);
}

TEST(ConditionIdTest, FillsOnlyEmptyIdsWithoutClashing) {
  auto a = Agreement(v1::KA171, "2025/2026", "2026/2027");
  a.mutable_cooperation_conditions(0)->set_id("c1");
  a.add_cooperation_conditions();
  a.add_cooperation_conditions()->set_id("kz-lv");
  AssignConditionIds(a);
  EXPECT_EQ(a.cooperation_conditions(0).id(), "c1");
  EXPECT_EQ(a.cooperation_conditions(1).id(), "c2");
  EXPECT_EQ(a.cooperation_conditions(2).id(), "kz-lv");
}

class LifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    agreement_ = Agreement(v1::KA171, "2025/2026", "2026/2027");
    SettleApprovalState(agreement_);
  }
  void ApproveByBoth() {
    const std::string hash = agreement_.content_hash();
    ASSERT_TRUE(Approve(agreement_, kKz, hash, kz_, now_).ok());
    ASSERT_TRUE(Approve(agreement_, kLv, hash, lv_system_, now_).ok());
    agreement_.set_revision(agreement_.revision() + 1);
    agreement_.set_in_force_revision(agreement_.revision());
  }
  Termination Notice(absl::CivilDay on, bool immediately = false,
                     bool mobility_took_place = false) {
    return {kKz, on, "closing the programme", immediately, mobility_took_place};
  }
  v1::Agreement agreement_;
  // A coordinator of Kokshetau, and Vidzeme's own system.
  Principal kz_{"coordinator-1", {Role::kCoordinator}, kKz};
  Principal lv_system_{"ewp:va.lv", {Role::kPartnerSystem}, kLv};
  absl::Time now_ = absl::FromUnixSeconds(1'800'000'000);
};

TEST_F(LifecycleTest, ApprovedWhenBothPartnersApproveTheSameHash) {
  EXPECT_EQ(agreement_.state(), v1::Agreement::DRAFT);
  const std::string hash = agreement_.content_hash();
  ASSERT_TRUE(Approve(agreement_, kKz, hash, kz_, now_).ok());
  EXPECT_EQ(agreement_.state(), v1::Agreement::DRAFT);
  ASSERT_TRUE(Approve(agreement_, kLv, hash, lv_system_, now_).ok());
  EXPECT_EQ(agreement_.state(), v1::Agreement::APPROVED);
  ASSERT_EQ(agreement_.approvals_size(), 2);
  EXPECT_FALSE(agreement_.approvals(0).by_partner_system());
  EXPECT_TRUE(agreement_.approvals(1).by_partner_system());
  EXPECT_EQ(agreement_.approvals(1).approved_by(), "ewp:va.lv");
}

TEST_F(LifecycleTest, AStaleHashIsAborted) {
  absl::Status stale =
      Approve(agreement_, kKz, std::string(64, '0'), kz_, now_);
  EXPECT_EQ(stale.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(agreement_.approvals_size(), 0);
}

TEST_F(LifecycleTest, EachPartnerApprovesForItselfOnly) {
  const std::string hash = agreement_.content_hash();
  Principal de{"de-1", {Role::kCoordinator}, "institutions/de-uni"};
  EXPECT_EQ(Approve(agreement_, "institutions/de-uni", hash, de, now_).code(),
            absl::StatusCode::kInvalidArgument);
  absl::Status for_other = Approve(agreement_, kLv, hash, kz_, now_);
  EXPECT_EQ(for_other.code(), absl::StatusCode::kPermissionDenied);
  Principal nobody{"admin-1", {Role::kAdmin}, ""};
  EXPECT_EQ(Approve(agreement_, kKz, hash, nobody, now_).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(agreement_.approvals_size(), 0);
}

TEST_F(LifecycleTest, AChangeVoidsEarlierApprovals) {
  ASSERT_TRUE(
      Approve(agreement_, kKz, agreement_.content_hash(), kz_, now_).ok());
  agreement_.set_title("Changed");
  SettleApprovalState(agreement_);
  EXPECT_EQ(agreement_.approvals_size(), 0);
  ASSERT_TRUE(
      Approve(agreement_, kLv, agreement_.content_hash(), lv_system_, now_)
          .ok());
  EXPECT_EQ(agreement_.state(),
            v1::Agreement::DRAFT);  // The other partner must approve again.
}

TEST_F(LifecycleTest, AnAmendmentAwaitsBothApprovalsWhileTheOldOneIsInForce) {
  ApproveByBoth();
  const int64_t in_force = agreement_.in_force_revision();
  EXPECT_TRUE(CheckEditable(agreement_).ok());
  agreement_.mutable_cooperation_conditions(0)->set_mobilities_per_year(2);
  SettleApprovalState(agreement_);
  EXPECT_EQ(agreement_.state(), v1::Agreement::AMENDED);
  EXPECT_EQ(agreement_.in_force_revision(), in_force);
  ASSERT_TRUE(
      Approve(agreement_, kKz, agreement_.content_hash(), kz_, now_).ok());
  EXPECT_EQ(agreement_.state(), v1::Agreement::AMENDED);
  ASSERT_TRUE(
      Approve(agreement_, kLv, agreement_.content_hash(), lv_system_, now_)
          .ok());
  EXPECT_EQ(agreement_.state(), v1::Agreement::APPROVED);
}

TEST(NoticeTest, FirstSeptemberDecidesTheYear) {
  EXPECT_EQ(NoticeEffectiveDate(absl::CivilDay(2026, 1, 15)),
            absl::CivilDay(2027, 9, 1));
  EXPECT_EQ(NoticeEffectiveDate(absl::CivilDay(2026, 9, 1)),
            absl::CivilDay(2027, 9, 1));
  EXPECT_EQ(NoticeEffectiveDate(absl::CivilDay(2026, 9, 2)),
            absl::CivilDay(2028, 9, 1));
  EXPECT_EQ(NoticeEffectiveDate(absl::CivilDay(2026, 12, 31)),
            absl::CivilDay(2028, 9, 1));
}

TEST_F(LifecycleTest, NoticeKeepsTheAgreementInForceUntilItTakesEffect) {
  EXPECT_EQ(Terminate(agreement_, Notice(absl::CivilDay(2026, 9, 1)), kz_, now_)
                .code(),
            absl::StatusCode::kFailedPrecondition);  // A draft is not in force.
  ApproveByBoth();
  EXPECT_EQ(Terminate(agreement_, Notice(absl::CivilDay(2026, 9, 1)),
                      lv_system_, now_)
                .code(),
            absl::StatusCode::kPermissionDenied);  // Notice for another.
  ASSERT_TRUE(
      Terminate(agreement_, Notice(absl::CivilDay(2026, 9, 1)), kz_, now_)
          .ok());
  EXPECT_EQ(agreement_.state(), v1::Agreement::APPROVED);
  EXPECT_EQ(FormatDate(agreement_.termination_effective_date()), "2027-09-01");
  EXPECT_EQ(CheckEditable(agreement_).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(CheckOpenForYear(agreement_, 2026).ok());
  EXPECT_EQ(CheckOpenForYear(agreement_, 2027).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Terminate(agreement_, Notice(absl::CivilDay(2026, 9, 1)), kz_, now_)
                .code(),
            absl::StatusCode::kFailedPrecondition);  // Notice once.
  ApplyTerminationDate(agreement_, absl::CivilDay(2027, 8, 31));
  EXPECT_EQ(agreement_.state(), v1::Agreement::APPROVED);
  ApplyTerminationDate(agreement_, absl::CivilDay(2027, 9, 1));
  EXPECT_EQ(agreement_.state(), v1::Agreement::TERMINATED);
  EXPECT_EQ(
      Approve(agreement_, kKz, agreement_.content_hash(), kz_, now_).code(),
      absl::StatusCode::kFailedPrecondition);
}

TEST_F(LifecycleTest, EndsAtOnceOnlyWhenNoMobilityTookPlace) {
  ApproveByBoth();
  EXPECT_EQ(Terminate(agreement_,
                      Notice(absl::CivilDay(2026, 3, 2), true, true), kz_, now_)
                .code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(
      Terminate(agreement_, Notice(absl::CivilDay(2026, 3, 2), true), kz_, now_)
          .ok());
  EXPECT_EQ(agreement_.state(), v1::Agreement::TERMINATED);
  EXPECT_EQ(FormatDate(agreement_.termination_effective_date()), "2026-03-02");
}

TEST_F(LifecycleTest, ApplicantsDoNotSeeContacts) {
  agreement_.mutable_partners(0)->mutable_signing_contact()->set_email(
      "rector@example.kz");
  SettleApprovalState(agreement_);
  ASSERT_TRUE(
      Approve(agreement_, kKz, agreement_.content_hash(), kz_, now_).ok());
  auto for_staff = agreement_;
  RedactForCaller(for_staff, kz_);
  EXPECT_EQ(for_staff.partners(0).signing_contact().email(),
            "rector@example.kz");
  auto for_applicant = agreement_;
  RedactForCaller(for_applicant,
                  Principal{"student-1", {Role::kApplicant}, ""});
  EXPECT_FALSE(for_applicant.partners(0).has_signing_contact());
  ASSERT_EQ(for_applicant.approvals_size(), 1);
  EXPECT_EQ(for_applicant.approvals(0).approved_by(), "");
}

}  // namespace
TEST(AgreementWordsTest, EveryKeyInKazakhRussianAndEnglish) {
  testing::ExpectCompleteCatalogue(words::kAll);
}

// A coordinator reading in Russian gets the yearly total's bounds in Russian,
// numbers in place; the English stays for other systems and the logs.
TEST(AgreementWordsTest, AYearlyTotalOutOfBoundsReadsInRussian) {
  auto a = Agreement(v1::KA107, "2016/2017", "2020/2021");
  *a.mutable_cooperation_conditions(0) =
      Condition(v1::STUDENT_STUDIES, 2, 2, 0);
  Violations violations;
  ValidateAgreement(a, kCountries, "agreement", violations);
  const absl::Status status =
      InLanguage(violations.ToStatus("INVALID_AGREEMENT"), Language::kRussian);
  ASSERT_EQ(FieldViolationsOf(status).size(), 1u);
  EXPECT_EQ(FieldViolationsOf(status)[0].description,
            "must be between 6 and 24 for 2 mobilities of 3 to 12 months "
            "each");
  EXPECT_EQ(LocalizedMessageOf(status),
            "Для 2 поездок по 3–12 мес. — от 6 до 24");
}

}  // namespace mobility::agreements
