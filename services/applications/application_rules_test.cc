#include "services/applications/application_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/common_words.h"
#include "common/status.h"
#include "common/types.h"
#include "common/words_testing.h"
#include "services/applications/applicant_mail.h"
#include "services/applications/words.h"

namespace mobility::applications {
namespace {

namespace av1 = ::mobility::agreements::v1;
using ::testing::Contains;
using ::testing::Field;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr char kKz[] = "institutions/kokshetau-amu";
constexpr char kLv[] = "institutions/vidzeme-via";

av1::CooperationCondition Studies() {
  av1::CooperationCondition c;
  c.set_id("kz-lv-studies");
  c.set_mobility_type(av1::STUDENT_STUDIES);
  c.set_sending_institution(kKz);
  c.set_receiving_institution(kLv);
  c.add_eqf_levels(6);
  c.add_eqf_levels(7);
  c.add_subject_areas()->set_isced_code("0413");
  auto* language = c.add_language_requirements();
  language->set_language("en");
  language->set_cefr_level(av1::B2);
  return c;
}

av1::CooperationCondition Teaching() {
  av1::CooperationCondition c;
  c.set_id("kz-lv-teaching");
  c.set_mobility_type(av1::STAFF_TEACHING);
  c.set_sending_institution(kKz);
  c.set_receiving_institution(kLv);
  return c;
}

v1::Application Student(absl::CivilDay start, absl::CivilDay end) {
  v1::Application a;
  a.set_kind(v1::STUDENT);
  a.set_condition_id("kz-lv-studies");
  a.mutable_applicant()->set_home_institution(kKz);
  *a.mutable_start_date() = ToDate(start);
  *a.mutable_end_date() = ToDate(end);
  auto* s = a.mutable_student();
  s->set_eqf_level(6);
  s->set_isced_code("0413");
  s->set_study_cycle(v1::BACHELOR);
  auto* skill = s->add_language_skills();
  skill->set_language("en");
  skill->set_level(av1::B2);
  return a;
}

v1::Application Staff(int days, int teaching_hours) {
  v1::Application a;
  a.set_kind(v1::STAFF);
  a.set_condition_id("kz-lv-teaching");
  a.mutable_applicant()->set_home_institution(kKz);
  *a.mutable_start_date() = ToDate(absl::CivilDay(2027, 3, 1));
  *a.mutable_end_date() = ToDate(absl::CivilDay(2027, 3, 1) + (days - 1));
  a.mutable_staff()->set_teaching_hours(teaching_hours);
  return a;
}

std::vector<FieldViolation> Check(const v1::Application& a,
                                  const av1::CooperationCondition& c,
                                  av1::Programme programme = av1::KA171,
                                  int funding_call = 2023) {
  Violations v;
  CheckEligibility(a, c, programme, funding_call, v);
  // As a call that refuses a level below the recommended one checks.
  for (const auto& [field, shortfall] : LanguageShortfalls(a, c))
    v.Add(field, shortfall);
  return v.list();
}

auto Violates(const std::string& field) {
  return Contains(Field(&FieldViolation::field, field));
}

TEST(EligibilityTest, AnEligibleStudentPasses) {
  EXPECT_THAT(
      Check(Student(absl::CivilDay(2027, 2, 1), absl::CivilDay(2027, 6, 30)),
            Studies()),
      IsEmpty());
}

// KA171: 60 of the Commission's days at least; 1 February to 30 March is 60.
TEST(EligibilityTest, StudentStaysAreCountedInThirtyDayMonths) {
  EXPECT_THAT(
      Check(Student(absl::CivilDay(2027, 2, 1), absl::CivilDay(2027, 3, 30)),
            Studies()),
      IsEmpty());
  EXPECT_THAT(
      Check(Student(absl::CivilDay(2027, 2, 1), absl::CivilDay(2027, 3, 29)),
            Studies()),
      Violates("end_date"));
  // KA107 studies take 90: 1 September to 29 November is 89.
  auto ka107 =
      Student(absl::CivilDay(2019, 9, 1), absl::CivilDay(2019, 11, 30));
  EXPECT_THAT(Check(ka107, Studies(), av1::KA107, 2019), IsEmpty());
  *ka107.mutable_end_date() = ToDate(absl::CivilDay(2019, 11, 29));
  EXPECT_THAT(Check(ka107, Studies(), av1::KA107, 2019), Violates("end_date"));
  // At most 360 days.
  EXPECT_THAT(
      Check(Student(absl::CivilDay(2026, 9, 1), absl::CivilDay(2027, 8, 31)),
            Studies()),
      IsEmpty());
  EXPECT_THAT(
      Check(Student(absl::CivilDay(2026, 9, 1), absl::CivilDay(2027, 9, 1)),
            Studies()),
      Violates("end_date"));
}

TEST(EligibilityTest, TheFundingCallDecidesTheActivity) {
  av1::CooperationCondition traineeship = Studies();
  traineeship.set_mobility_type(av1::STUDENT_TRAINEESHIP);
  auto a = Student(absl::CivilDay(2018, 9, 1), absl::CivilDay(2018, 11, 30));
  EXPECT_THAT(Check(a, traineeship, av1::KA107, 2018), IsEmpty());
  EXPECT_THAT(Check(a, traineeship, av1::KA107, 2017),
              Violates("condition_id"));
}

TEST(EligibilityTest, LevelFieldAndLanguageAmongTheConditions) {
  auto a = Student(absl::CivilDay(2027, 2, 1), absl::CivilDay(2027, 6, 30));
  a.mutable_student()->set_eqf_level(8);
  a.mutable_student()->set_isced_code("0613");
  a.mutable_student()->mutable_language_skills(0)->set_level(av1::B1);
  auto violations = Check(a, Studies());
  EXPECT_THAT(violations, Violates("student.eqf_level"));
  EXPECT_THAT(violations, Violates("student.isced_code"));
  EXPECT_THAT(violations, Violates("student.language_skills"));
  a.mutable_student()->mutable_language_skills(0)->set_level(av1::C1);
  EXPECT_THAT(Check(a, Studies()), Not(Violates("student.language_skills")));
  // A recommended language without a level asks for none.
  av1::CooperationCondition open = Studies();
  open.mutable_language_requirements(0)->clear_cefr_level();
  open.clear_eqf_levels();
  open.clear_subject_areas();
  EXPECT_THAT(Check(a, open), IsEmpty());
}

TEST(EligibilityTest, TwelveMonthsPerStudyCycleIncludingThisStay) {
  // 1 February to 1 April: 61 days.
  auto a = Student(absl::CivilDay(2027, 2, 1), absl::CivilDay(2027, 4, 1));
  a.mutable_student()->set_days_abroad_in_cycle(299);
  EXPECT_THAT(Check(a, Studies()), IsEmpty());
  a.mutable_student()->set_days_abroad_in_cycle(300);
  EXPECT_THAT(Check(a, Studies()), Violates("student.days_abroad_in_cycle"));
}

// Eight hours a week "or any shorter period of stay"; beyond a week, eight
// for each full week and the incomplete week pro rata (issue 22: a 5-day stay
// was taken with 7 hours).
TEST(EligibilityTest, StaffTeachEightHoursAWeekOrShorterStay) {
  EXPECT_EQ(RequiredTeachingHours(5), 8);
  EXPECT_EQ(RequiredTeachingHours(7), 8);
  EXPECT_EQ(RequiredTeachingHours(8), 10);   // 8 + 8/7 rounded up.
  EXPECT_EQ(RequiredTeachingHours(10), 12);  // 8 + 24/7 rounded up.
  EXPECT_EQ(RequiredTeachingHours(14), 16);
  EXPECT_EQ(RequiredTeachingHours(60), 69);  // 8 x 8 + 32/7 rounded up.
  EXPECT_THAT(Check(Staff(5, 8), Teaching()), IsEmpty());
  EXPECT_THAT(Check(Staff(5, 7), Teaching()), Violates("staff.teaching_hours"));
  EXPECT_THAT(Check(Staff(8, 10), Teaching()), IsEmpty());
  EXPECT_THAT(Check(Staff(8, 9), Teaching()), Violates("staff.teaching_hours"));
  EXPECT_THAT(Check(Staff(14, 15), Teaching()),
              Violates("staff.teaching_hours"));
  // Training asks for no teaching hours.
  av1::CooperationCondition training = Teaching();
  training.set_mobility_type(av1::STAFF_TRAINING);
  EXPECT_THAT(Check(Staff(5, 0), training), IsEmpty());
  // Five to sixty calendar days.
  EXPECT_THAT(Check(Staff(4, 8), Teaching()), Violates("end_date"));
  EXPECT_THAT(Check(Staff(60, 80), Teaching()), IsEmpty());
  EXPECT_THAT(Check(Staff(61, 80), Teaching()), Violates("end_date"));
}

// The language they teach in: a teacher below the condition's recommended
// level falls short as a student would; staff on training have none.
TEST(EligibilityTest, TeachersMeetTheRecommendedLanguageToo) {
  av1::CooperationCondition teaching = Teaching();
  auto* language = teaching.add_language_requirements();
  language->set_language("en");
  language->set_cefr_level(av1::B2);
  v1::Application teacher = Staff(5, 8);
  EXPECT_THAT(Check(teacher, teaching), Violates("staff.language_skills"));
  auto* skill = teacher.mutable_staff()->add_language_skills();
  skill->set_language("en");
  skill->set_level(av1::B1);
  EXPECT_THAT(Check(teacher, teaching), Violates("staff.language_skills"));
  skill->set_level(av1::B2);
  EXPECT_THAT(Check(teacher, teaching), IsEmpty());
  av1::CooperationCondition training = teaching;
  training.set_mobility_type(av1::STAFF_TRAINING);
  EXPECT_THAT(LanguageShortfalls(Staff(5, 0), training), IsEmpty());
}

TEST(EligibilityTest, TheConditionsDirectionAndKind) {
  auto a = Student(absl::CivilDay(2027, 2, 1), absl::CivilDay(2027, 6, 30));
  a.mutable_applicant()->set_home_institution(kLv);
  EXPECT_THAT(Check(a, Studies()), Violates("applicant.home_institution"));
  EXPECT_THAT(Check(Staff(5, 6), Studies()), Violates("kind"));
}

TEST(SubmissionTest, EveryMissingFieldAtOnce) {
  v1::Application empty;
  Violations v;
  RequireForSubmission(empty, v);
  for (const char* field :
       {"kind", "condition_id", "applicant.given_name", "applicant.email",
        "applicant.date_of_birth", "applicant.home_institution", "start_date",
        "end_date", "motivation", "consent.processing",
        "consent.transfer_to_partner"}) {
    EXPECT_THAT(v.list(), Violates(field)) << field;
  }
}

v1::Call CallWithCriteria() {
  v1::Call call;
  auto add = [&](const char* id, int weight, int max_points) {
    v1::Criterion* c = call.add_criteria();
    c->set_id(id);
    c->set_title(id);
    c->set_weight(weight);
    c->set_max_points(max_points);
  };
  add("grades", 50, 3);
  add("language", 33, 3);
  add("motivation", 17, 10);
  return call;
}

google::protobuf::RepeatedPtrField<v1::Score> Scores(int grades, int language,
                                                     int motivation) {
  google::protobuf::RepeatedPtrField<v1::Score> scores;
  for (auto [id, points] : {std::pair<const char*, int>{"grades", grades},
                            {"language", language},
                            {"motivation", motivation}}) {
    v1::Score* s = scores.Add();
    s->set_criterion_id(id);
    s->set_points(points);
  }
  return scores;
}

TEST(ScoreTest, WeightedSharesRoundedHalfUpInHundredths) {
  // 50 x 1/3 = 16.666.. -> 16.67; 33 x 1/3 = 11.00; 17 x 5/10 = 8.50.
  EXPECT_EQ(*TotalScore(CallWithCriteria(), Scores(1, 1, 5)),
            1667 + 1100 + 850);
  EXPECT_EQ(*TotalScore(CallWithCriteria(), Scores(3, 3, 10)), 10000);
  EXPECT_EQ(*TotalScore(CallWithCriteria(), Scores(0, 0, 0)), 0);
  EXPECT_EQ(TotalScore(CallWithCriteria(), Scores(4, 0, 0)).status().code(),
            absl::StatusCode::kInvalidArgument);
  auto missing = Scores(1, 1, 1);
  missing.RemoveLast();
  EXPECT_EQ(TotalScore(CallWithCriteria(), missing).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(DocumentTest, RecognisedByContentNotByName) {
  EXPECT_EQ(DetectMediaType("%PDF-1.7\n..."), "application/pdf");
  EXPECT_EQ(DetectMediaType(std::string("\x89PNG\r\n\x1a\n\0\0", 10)),
            "image/png");
  EXPECT_EQ(DetectMediaType("\xff\xd8\xff\xe0JFIF"), "image/jpeg");
  EXPECT_EQ(DetectMediaType("GIF89a"), std::nullopt);
  EXPECT_EQ(DetectMediaType("%PD"), std::nullopt);
  EXPECT_EQ(DetectMediaType(""), std::nullopt);
  EXPECT_EQ(MediaTypeOfName("transcript.PDF"), "application/pdf");
  EXPECT_EQ(MediaTypeOfName("photo.jpeg"), "image/jpeg");
  EXPECT_EQ(MediaTypeOfName("photo.jpg"), "image/jpeg");
  EXPECT_EQ(MediaTypeOfName("scan"), std::nullopt);
  EXPECT_EQ(MediaTypeOfName("notes.docx"), std::nullopt);
}

TEST(StateTest, OpenStatesAndThoseHoldingAPlace) {
  EXPECT_TRUE(IsOpen(v1::Application::DRAFT));
  EXPECT_TRUE(IsOpen(v1::Application::RESERVE));
  EXPECT_FALSE(IsOpen(v1::Application::REJECTED));
  EXPECT_FALSE(IsOpen(v1::Application::WITHDRAWN));
  EXPECT_TRUE(HoldsPlace(v1::Application::SELECTED));
  EXPECT_TRUE(HoldsPlace(v1::Application::NOMINATED));
  EXPECT_FALSE(HoldsPlace(v1::Application::RESERVE));
}

TEST(CallValidationTest, WeightsAddUpAndTheWindowRunsForward) {
  v1::Call call = CallWithCriteria();
  call.set_title("Spring 2027");
  call.set_agreement("agreements/ka171-kz-lv");
  call.add_condition_ids("kz-lv-studies");
  call.set_academic_year("2026/2027");
  *call.mutable_open_time() = ToTimestamp(absl::FromUnixSeconds(100));
  *call.mutable_close_time() = ToTimestamp(absl::FromUnixSeconds(200));
  call.set_budget("budgets/ka171-2023");
  Violations ok;
  ValidateCall(call, ok);
  EXPECT_THAT(ok.list(), IsEmpty());
  call.mutable_criteria(0)->set_weight(49);
  *call.mutable_close_time() = call.open_time();
  Violations bad;
  ValidateCall(call, bad);
  EXPECT_THAT(bad.list(), Violates("call.criteria"));
  EXPECT_THAT(bad.list(), Violates("call.close_time"));
}

// "At most 200 characters" counts characters: a Kazakh title of 200 letters
// is 400 bytes and fits; one more letter does not.
TEST(CallValidationTest, TitlesAreMeasuredInCharactersNotBytes) {
  v1::Call call = CallWithCriteria();
  call.set_agreement("agreements/ka171-kz-lv");
  call.add_condition_ids("kz-lv-studies");
  call.set_academic_year("2026/2027");
  *call.mutable_open_time() = ToTimestamp(absl::FromUnixSeconds(100));
  *call.mutable_close_time() = ToTimestamp(absl::FromUnixSeconds(200));
  call.set_budget("budgets/ka171-2023");
  std::string title;
  for (int i = 0; i < 200; ++i) title += "Ә";
  call.set_title(title);
  Violations fits;
  ValidateCall(call, fits);
  EXPECT_THAT(fits.list(), IsEmpty());
  call.set_title(title + "Ә");
  Violations over;
  ValidateCall(call, over);
  EXPECT_THAT(over.list(), Violates("call.title"));
}

TEST(ApplicationWordsTest, EveryKeyInKazakhRussianAndEnglish) {
  testing::ExpectCompleteCatalogue(words::kAll);
}

// A refusal reads in the applicant's language, its numbers in place; the
// English stays for the logs.
TEST(ApplicationWordsTest, AStayTooShortReadsInTheApplicantsLanguage) {
  Violations v;
  v.Add("end_date",
        Text(common_words::STUDENT_STAY_RANGE,
             {{"min", 2}, {"max", 12}, {"months", 0}, {"days", 28}}));
  const absl::Status status = v.ToStatus("INVALID_APPLICATION");
  EXPECT_EQ(FieldViolationsOf(status)[0].description,
            "a student mobility lasts 2 to 12 months (of 30 days); this one "
            "is 0 months 28 days");
  EXPECT_EQ(LocalizedMessageOf(InLanguage(status, Language::kKazakh)),
            "Студенттің оқуы 2 айдан 12 айға дейін (ай — 30 күн); "
            "көрсетілгені 0 ай 28 күн");
  EXPECT_EQ(
      FieldViolationsOf(InLanguage(status, Language::kRussian))[0].localized,
      "Обучение длится от 2 до 12 месяцев (по 30 дней); указано 0 мес. 28 "
      "дн.");
}

}  // namespace
// The applicant reads the call's title in their language, and is written to
// only about the steps that concern them.
TEST(ApplicantMailTest, InTheApplicantsLanguageForTheStepsTheyAwait) {
  v1::Call call;
  call.set_title("Exchanges with Vidzeme");
  (*call.mutable_title_translations())["kk"] = "Видземмен алмасулар";
  v1::Application a;
  a.mutable_applicant()->set_email("aigerim@example.kz");
  a.set_language("kk");
  a.set_state(v1::Application::SELECTED);
  std::optional<Mail> mail = ApplicantMail(a, call, "https://mobility.example");
  ASSERT_TRUE(mail.has_value());
  EXPECT_EQ(mail->recipient, "aigerim@example.kz");
  EXPECT_EQ(mail->subject, "Сіз Erasmus+ алмасуына іріктелдіңіз");
  EXPECT_THAT(mail->body, ::testing::HasSubstr("«Видземмен алмасулар»"));
  EXPECT_THAT(mail->body,
              ::testing::HasSubstr("https://mobility.example/apply"));
  for (auto state : {v1::Application::DRAFT, v1::Application::UNDER_REVIEW,
                     v1::Application::WITHDRAWN, v1::Application::COMPLETED}) {
    a.set_state(state);
    EXPECT_FALSE(ApplicantMail(a, call, "https://mobility.example"))
        << v1::Application::State_Name(state);
  }
  a.set_state(v1::Application::REJECTED);
  a.clear_language();
  EXPECT_EQ(ApplicantMail(a, call, "x")->subject,
            "Your Erasmus+ application was not selected");
}

}  // namespace mobility::applications
