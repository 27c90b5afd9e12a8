#include "services/agreements/agreement_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

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
    {"institutions/de-uni", "DE"}};

v1::CooperationCondition Condition(v1::MobilityType type, int mobilities,
                                   int months, int days) {
  v1::CooperationCondition c;
  c.set_mobility_type(type);
  c.set_sending_institution(kKz);
  c.set_receiving_institution(kLv);
  c.set_mobilities_per_year(mobilities);
  c.set_total_months_per_year(months);
  c.set_total_days_per_year(days);
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
  for (int i = 0; i < 20; ++i) {
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

TEST(AgreementValidationTest, Ka107TraineeshipsFromThe2018Call) {
  auto a = Agreement(v1::KA107, "2018/2019", "2020/2021");
  *a.mutable_cooperation_conditions(0) =
      Condition(v1::STUDENT_TRAINEESHIP, 1, 2, 0);
  EXPECT_THAT(Validate(a), IsEmpty());
  a.set_first_academic_year("2017/2018");
  EXPECT_THAT(Validate(a),
              Violates("agreement.cooperation_conditions[0].mobility_type"));
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

TEST(AgreementValidationTest, ClassificationFollowsTheCallYear) {
  // The UK is a Programme country up to the 2020 call and a third country
  // after.
  auto uk = Agreement(v1::KA107, "2020/2021", "2021/2022");
  uk.mutable_partners(1)->set_institution("institutions/uk-uni");
  uk.mutable_cooperation_conditions(0)->set_receiving_institution(
      "institutions/uk-uni");
  EXPECT_THAT(Validate(uk), IsEmpty());
  uk.set_programme(v1::KA171);
  uk.set_first_academic_year("2021/2022");
  EXPECT_THAT(Validate(uk), Violates("agreement.partners"));

  // Serbia joins the Programme countries with the 2019 call.
  auto rs = Agreement(v1::KA107, "2018/2019", "2019/2020");
  rs.mutable_partners(1)->set_institution("institutions/rs-uni");
  rs.mutable_cooperation_conditions(0)->set_receiving_institution(
      "institutions/rs-uni");
  EXPECT_THAT(Validate(rs), Violates("agreement.partners"));
  rs.set_first_academic_year("2019/2020");
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
  language->set_language("en");
  language->set_cefr_level(v1::C2);
  EXPECT_THAT(Validate(a), IsEmpty());

  c->add_subject_areas()->set_isced_code("041");
  c->add_subject_areas()->set_isced_code("04a3");
  c->add_eqf_levels(0);
  c->add_eqf_levels(9);
  c->add_eqf_levels(8);
  auto* bad_language = c->add_language_requirements();
  bad_language->set_language("EN");
  const std::string at = "agreement.cooperation_conditions[0]";
  auto violations = Validate(a);
  EXPECT_THAT(violations, Violates(at + ".subject_areas[1].isced_code"));
  EXPECT_THAT(violations, Violates(at + ".subject_areas[2].isced_code"));
  EXPECT_THAT(violations, Violates(at + ".eqf_levels[2]"));
  EXPECT_THAT(violations, Violates(at + ".eqf_levels[3]"));
  EXPECT_THAT(violations, Violates(at + ".eqf_levels[4]"));  // Listed twice.
  EXPECT_THAT(violations, Violates(at + ".language_requirements[1].language"));
  EXPECT_THAT(violations,
              Violates(at + ".language_requirements[1].cefr_level"));
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
  v1::Agreement agreement_;
  Principal coordinator_{"coordinator-1", {Role::kCoordinator}, ""};
  absl::Time now_ = absl::FromUnixSeconds(1'800'000'000);
};

TEST_F(LifecycleTest, ApprovedWhenBothPartnersApproveTheSameHash) {
  EXPECT_EQ(agreement_.state(), v1::Agreement::DRAFT);
  const std::string hash = agreement_.content_hash();
  ASSERT_TRUE(Approve(agreement_, kKz, hash, coordinator_, now_).ok());
  EXPECT_EQ(agreement_.state(), v1::Agreement::DRAFT);
  ASSERT_TRUE(Approve(agreement_, kLv, hash, coordinator_, now_).ok());
  EXPECT_EQ(agreement_.state(), v1::Agreement::APPROVED);
  EXPECT_EQ(agreement_.approvals_size(), 2);
}

TEST_F(LifecycleTest, AStaleHashIsAborted) {
  absl::Status stale =
      Approve(agreement_, kKz, std::string(64, '0'), coordinator_, now_);
  EXPECT_EQ(stale.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(agreement_.approvals_size(), 0);
}

TEST_F(LifecycleTest, OnlyPartnersApprove) {
  absl::Status outsider =
      Approve(agreement_, "institutions/de-uni", agreement_.content_hash(),
              coordinator_, now_);
  EXPECT_EQ(outsider.code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(LifecycleTest, AChangeVoidsEarlierApprovals) {
  ASSERT_TRUE(
      Approve(agreement_, kKz, agreement_.content_hash(), coordinator_, now_)
          .ok());
  agreement_.set_title("Amended");
  SettleApprovalState(agreement_);
  EXPECT_EQ(agreement_.approvals_size(), 0);
  ASSERT_TRUE(
      Approve(agreement_, kLv, agreement_.content_hash(), coordinator_, now_)
          .ok());
  EXPECT_EQ(agreement_.state(),
            v1::Agreement::DRAFT);  // The other partner must approve again.
}

TEST_F(LifecycleTest, OnlyDraftsAreEditableAndOnlyApprovedTerminate) {
  EXPECT_TRUE(CheckEditable(agreement_).ok());
  EXPECT_EQ(Terminate(agreement_, "", now_).code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(
      Approve(agreement_, kKz, agreement_.content_hash(), coordinator_, now_)
          .ok());
  ASSERT_TRUE(
      Approve(agreement_, kLv, agreement_.content_hash(), coordinator_, now_)
          .ok());
  EXPECT_EQ(CheckEditable(agreement_).code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(Terminate(agreement_, "partner closed the programme", now_).ok());
  EXPECT_EQ(agreement_.state(), v1::Agreement::TERMINATED);
  EXPECT_EQ(CheckEditable(agreement_).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      Approve(agreement_, kKz, agreement_.content_hash(), coordinator_, now_)
          .code(),
      absl::StatusCode::kFailedPrecondition);
}

TEST_F(LifecycleTest, ApplicantsDoNotSeeContacts) {
  agreement_.mutable_partners(0)->mutable_signing_contact()->set_email(
      "rector@example.kz");
  SettleApprovalState(agreement_);
  ASSERT_TRUE(
      Approve(agreement_, kKz, agreement_.content_hash(), coordinator_, now_)
          .ok());
  auto for_staff = agreement_;
  RedactForCaller(for_staff, coordinator_);
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
}  // namespace mobility::agreements
