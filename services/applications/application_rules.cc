#include "services/applications/application_rules.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/api.h"
#include "common/common_words.h"
#include "common/reference_data.h"
#include "common/types.h"
#include "services/applications/words.h"

namespace mobility::applications {

absl::Status CallNotFound(absl::string_view id) {
  return Error(absl::StatusCode::kNotFound, "CALL_NOT_FOUND",
               absl::StrCat("no call calls/", id), Text(words::CALL_NOT_FOUND));
}
namespace {

namespace av1 = ::mobility::agreements::v1;

constexpr size_t kMaxText = 200;
constexpr size_t kMaxMotivation = 10'000;
constexpr int kMaxCycleDays = 360;  // 12 months of 30 days.
constexpr int kStandardTravelDays = 2;
constexpr int kMaxGreenTravelDays = 6;

void LimitText(const std::string& value, size_t max, const std::string& field,
               Violations& v) {
  if (CharCount(value) > static_cast<int>(max)) {
    v.Add(field, Text(common_words::AT_MOST_CHARACTERS,
                      {{"max", static_cast<int64_t>(max)}}));
  }
}

void RequireText(const std::string& value, const std::string& field,
                 Violations& v) {
  if (value.empty()) v.Add(field, Text(common_words::REQUIRED));
}

bool IsStudent(const v1::Application& a) { return a.kind() == v1::STUDENT; }

bool IsIscedCode(absl::string_view code) {
  return code.size() == 4 &&
         std::all_of(code.begin(), code.end(), absl::ascii_isdigit);
}

bool IsId(absl::string_view id) {
  return !id.empty() && id.size() <= 63 && absl::ascii_isalnum(id[0]) &&
         std::all_of(id.begin(), id.end(), [](char c) {
           return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-';
         });
}

bool DatesInOrder(const v1::Application& a) {
  return IsValidDate(a.start_date()) && IsValidDate(a.end_date()) &&
         ToCivilDay(a.end_date()) >= ToCivilDay(a.start_date());
}

}  // namespace

void ValidateCall(const v1::Call& call, Violations& v) {
  RequireText(call.title(), "call.title", v);
  if (!v1::Call::BelowRecommendedLanguage_IsValid(
          call.below_recommended_language())) {
    v.Add("call.below_recommended_language",
          Text(words::BELOW_RECOMMENDED_LANGUAGE));
  }
  LimitText(call.title(), kMaxText, "call.title", v);
  CheckTranslations(call.title_translations(), "call.title_translations",
                    kMaxText, v);
  if (!ParseResourceName("", call.agreement(), "agreements").ok()) {
    v.Add("call.agreement",
          Text(common_words::RESOURCE_NAME, {{"collection", "agreements"}}));
  }
  if (call.condition_ids().empty()) {
    v.Add("call.condition_ids", Text(words::NAME_A_CONDITION));
  }
  std::set<std::string> conditions;
  for (int i = 0; i < call.condition_ids_size(); ++i) {
    if (!IsId(call.condition_ids(i)) ||
        !conditions.insert(call.condition_ids(i)).second) {
      v.Add(absl::StrCat("call.condition_ids[", i, "]"),
            Text(words::CONDITION_ID_ONCE));
    }
  }
  if (auto year = ParseAcademicYear(call.academic_year()); !year.ok()) {
    v.Add("call.academic_year", year.status());
  }
  if (!call.has_open_time())
    v.Add("call.open_time", Text(common_words::REQUIRED));
  if (!call.has_close_time())
    v.Add("call.close_time", Text(common_words::REQUIRED));
  if (call.has_open_time() && call.has_close_time() &&
      FromTimestamp(call.close_time()) <= FromTimestamp(call.open_time())) {
    v.Add("call.close_time", Text(words::CLOSE_AFTER_OPEN));
  }
  if (call.criteria().empty()) {
    v.Add("call.criteria", Text(words::NAME_A_CRITERION));
  }
  std::set<std::string> ids;
  int weights = 0;
  for (int i = 0; i < call.criteria_size(); ++i) {
    const v1::Criterion& c = call.criteria(i);
    const std::string at = absl::StrCat("call.criteria[", i, "]");
    if (!IsId(c.id()) || !ids.insert(c.id()).second) {
      v.Add(at + ".id", Text(words::CRITERION_ID));
    }
    RequireText(c.title(), at + ".title", v);
    LimitText(c.title(), kMaxText, at + ".title", v);
    CheckTranslations(c.title_translations(), at + ".title_translations",
                      kMaxText, v);
    if (c.weight() < 1 || c.weight() > 100) {
      v.Add(at + ".weight",
            Text(common_words::BETWEEN, {{"min", 1}, {"max", 100}}));
    } else {
      weights += c.weight();
    }
    if (c.max_points() < 1 || c.max_points() > 100) {
      v.Add(at + ".max_points",
            Text(common_words::BETWEEN, {{"min", 1}, {"max", 100}}));
    }
  }
  if (!call.criteria().empty() && weights != 100) {
    v.Add("call.criteria", Text(words::WEIGHTS_SUM, {{"sum", weights}}));
  }
  if (!ParseResourceName("", call.budget(), "budgets").ok()) {
    v.Add("call.budget",
          Text(common_words::RESOURCE_NAME, {{"collection", "budgets"}}));
  }
}

namespace {

void ValidateLanguageSkills(
    const google::protobuf::RepeatedPtrField<v1::LanguageSkill>& skills,
    absl::string_view owner, Violations& v) {
  const std::string field = absl::StrCat(owner, ".language_skills");
  if (skills.size() > 20) v.Add(field, Text(words::LANGUAGE_SKILLS_MAX));
  for (int i = 0; i < skills.size() && i < 20; ++i) {
    const auto& skill = skills[i];
    const std::string at = absl::StrCat(field, "[", i, "]");
    if (skill.language().size() != 2 ||
        !std::all_of(skill.language().begin(), skill.language().end(),
                     absl::ascii_islower)) {
      v.Add(at + ".language", Text(common_words::LANGUAGE_CODE));
    }
    if (skill.level() == av1::CEFR_LEVEL_UNSPECIFIED ||
        !av1::CefrLevel_IsValid(skill.level())) {
      v.Add(at + ".level", Text(common_words::CEFR_LEVEL));
    }
  }
}

}  // namespace

void ValidateApplicationFields(const v1::Application& a, Violations& v) {
  if (!IsId(a.condition_id()) && !a.condition_id().empty()) {
    v.Add("application.condition_id", Text(words::CONDITION_ID));
  }
  if (!v1::ParticipantKind_IsValid(a.kind())) {
    v.Add("application.kind", Text(common_words::PARTICIPANT_KIND));
  }
  const v1::Applicant& p = a.applicant();
  for (const auto& [field, value] : {std::pair<const char*, const std::string*>{
                                         "given_name", &p.given_name()},
                                     {"family_name", &p.family_name()},
                                     {"person_number", &p.person_number()}}) {
    LimitText(*value, kMaxText, absl::StrCat("application.applicant.", field),
              v);
  }
  if (!p.email().empty() && !IsPlausibleEmail(p.email()))
    v.Add("application.applicant.email", Text(common_words::EMAIL));
  if (p.has_date_of_birth() && !IsValidDate(p.date_of_birth())) {
    v.Add("application.applicant.date_of_birth",
          Text(common_words::CALENDAR_DATE));
  }
  if (!p.citizenship().empty() && !CountryName(p.citizenship()).has_value()) {
    v.Add("application.applicant.citizenship",
          Text(common_words::COUNTRY_CODE));
  }
  if (!p.home_institution().empty() &&
      !ParseResourceName("", p.home_institution(), "institutions").ok()) {
    v.Add("application.applicant.home_institution",
          Text(common_words::RESOURCE_NAME, {{"collection", "institutions"}}));
  }
  for (const auto& [field, date] :
       {std::pair<const char*, const type::v1::Date*>{"start_date",
                                                      &a.start_date()},
        {"end_date", &a.end_date()}}) {
    const bool set = field == std::string("start_date") ? a.has_start_date()
                                                        : a.has_end_date();
    if (set && !IsValidDate(*date)) {
      v.Add(absl::StrCat("application.", field),
            Text(common_words::CALENDAR_DATE));
    }
  }
  if (a.has_start_date() && a.has_end_date() && IsValidDate(a.start_date()) &&
      IsValidDate(a.end_date()) && !DatesInOrder(a)) {
    v.Add("application.end_date", Text(common_words::END_BEFORE_START));
  }
  LimitText(a.motivation(), kMaxMotivation, "application.motivation", v);
  const v1::StudentDetails& s = a.student();
  if (s.eqf_level() != 0 && (s.eqf_level() < 1 || s.eqf_level() > 8)) {
    v.Add("application.student.eqf_level", Text(common_words::EQF_LEVEL));
  }
  if (!s.isced_code().empty() && !IsIscedCode(s.isced_code())) {
    v.Add("application.student.isced_code", Text(common_words::ISCED_CODE));
  }
  if (!v1::StudyCycle_IsValid(s.study_cycle())) {
    v.Add("application.student.study_cycle", Text(words::STUDY_CYCLE));
  }
  if (s.days_abroad_in_cycle() < 0 || s.days_abroad_in_cycle() > 10'000) {
    v.Add("application.student.days_abroad_in_cycle",
          Text(common_words::BETWEEN, {{"min", 0}, {"max", 10'000}}));
  }
  ValidateLanguageSkills(s.language_skills(), "application.student", v);
  const v1::StaffDetails& st = a.staff();
  ValidateLanguageSkills(st.language_skills(), "application.staff", v);
  const int max_travel =
      st.green_travel() ? kMaxGreenTravelDays : kStandardTravelDays;
  if (st.travel_days() < 0 || st.travel_days() > max_travel) {
    v.Add(
        "application.staff.travel_days",
        Text(st.green_travel() ? words::TRAVEL_DAYS_GREEN : words::TRAVEL_DAYS,
             {{"max", max_travel}}));
  }
  if (st.teaching_hours() < 0 || st.teaching_hours() > 1000) {
    v.Add("application.staff.teaching_hours",
          Text(common_words::BETWEEN, {{"min", 0}, {"max", 1000}}));
  }
  if (IsStudent(a) && a.has_staff()) {
    v.Add("application.staff", Text(words::STAFF_ONLY));
  }
  if (a.kind() == v1::STAFF && a.has_student()) {
    v.Add("application.student", Text(words::STUDENT_ONLY));
  }
}

void RequireForSubmission(const v1::Application& a, Violations& v) {
  if (a.kind() == v1::PARTICIPANT_KIND_UNSPECIFIED) {
    v.Add("kind", Text(words::KIND_REQUIRED));
  }
  RequireText(a.condition_id(), "condition_id", v);
  const v1::Applicant& p = a.applicant();
  RequireText(p.given_name(), "applicant.given_name", v);
  RequireText(p.family_name(), "applicant.family_name", v);
  RequireText(p.email(), "applicant.email", v);
  if (!p.has_date_of_birth())
    v.Add("applicant.date_of_birth", Text(common_words::REQUIRED));
  RequireText(p.citizenship(), "applicant.citizenship", v);
  RequireText(p.person_number(), "applicant.person_number", v);
  RequireText(p.home_institution(), "applicant.home_institution", v);
  if (!a.has_start_date()) v.Add("start_date", Text(common_words::REQUIRED));
  if (!a.has_end_date()) v.Add("end_date", Text(common_words::REQUIRED));
  RequireText(a.motivation(), "motivation", v);
  if (IsStudent(a)) {
    if (a.student().eqf_level() == 0)
      v.Add("student.eqf_level", Text(common_words::REQUIRED));
    RequireText(a.student().isced_code(), "student.isced_code", v);
    if (a.student().study_cycle() == v1::STUDY_CYCLE_UNSPECIFIED) {
      v.Add("student.study_cycle", Text(common_words::REQUIRED));
    }
  }
  if (!a.consent().processing()) {
    v.Add("consent.processing", Text(words::CONSENT_PROCESSING));
  }
  if (!a.consent().transfer_to_partner()) {
    v.Add("consent.transfer_to_partner", Text(words::CONSENT_TRANSFER));
  }
}

int RequiredTeachingHours(int days) {
  if (days <= 7) return 8;  // "or any shorter period of stay"
  // Calendar days for the incomplete week (DOMAIN.md: to be checked with the
  // National Agency, which may count working days).
  return 8 * (days / 7) + (8 * (days % 7) + 6) / 7;
}

void CheckEligibility(const v1::Application& a,
                      const av1::CooperationCondition& condition,
                      av1::Programme programme, int funding_call_year,
                      Violations& v) {
  const Activity activity = static_cast<Activity>(condition.mobility_type());
  const bool student_condition = IsStudentActivity(activity);
  if (a.kind() != v1::PARTICIPANT_KIND_UNSPECIFIED &&
      student_condition != IsStudent(a)) {
    v.Add("kind", Text(student_condition ? words::CONDITION_FOR_STUDENTS
                                         : words::CONDITION_FOR_STAFF));
  }
  if (a.applicant().home_institution() != condition.sending_institution()) {
    v.Add("applicant.home_institution",
          Text(words::CONDITION_SENDS_FROM_ELSEWHERE));
  }
  auto limits = MobilityDurationLimits(programme == av1::KA107
                                           ? ProgrammeGeneration::kKa107
                                           : ProgrammeGeneration::kKa171,
                                       activity, funding_call_year);
  if (!limits.ok()) {
    v.Add("condition_id", limits.status());
  }
  if (!DatesInOrder(a)) return;  // Reported with the fields.
  const absl::CivilDay start = ToCivilDay(a.start_date());
  const absl::CivilDay end = ToCivilDay(a.end_date());
  if (student_condition) {
    // Counted as the Commission counts: 30-day months, 12 months = 360 days.
    const int days = StudentStayDays(start, end);
    if (limits.ok() && (days < limits->min * 30 || days > limits->max * 30)) {
      v.Add("end_date",
            Text(common_words::STUDENT_STAY_RANGE, {{"min", limits->min},
                                                    {"max", limits->max},
                                                    {"months", days / 30},
                                                    {"days", days % 30}}));
    }
    const v1::StudentDetails& s = a.student();
    if (!condition.eqf_levels().empty() && s.eqf_level() != 0 &&
        std::find(condition.eqf_levels().begin(), condition.eqf_levels().end(),
                  s.eqf_level()) == condition.eqf_levels().end()) {
      v.Add("student.eqf_level", Text(words::EQF_NOT_OFFERED));
    }
    if (!condition.subject_areas().empty() && !s.isced_code().empty() &&
        std::none_of(condition.subject_areas().begin(),
                     condition.subject_areas().end(),
                     [&](const av1::SubjectArea& area) {
                       return area.isced_code() == s.isced_code();
                     })) {
      v.Add("student.isced_code", Text(words::ISCED_NOT_OFFERED));
    }
    if (s.days_abroad_in_cycle() + days > kMaxCycleDays) {
      v.Add("student.days_abroad_in_cycle",
            Text(words::CYCLE_DAYS,
                 {{"spent", s.days_abroad_in_cycle()},
                  {"days", days},
                  {"total", s.days_abroad_in_cycle() + days}}));
    }
  } else {
    const int days = static_cast<int>(end - start) + 1;
    if (limits.ok() && (days < limits->min || days > limits->max)) {
      v.Add("end_date",
            Text(common_words::STAFF_STAY_RANGE,
                 {{"min", limits->min}, {"max", limits->max}, {"days", days}}));
    }
    if (activity == Activity::kStaffTeaching &&
        a.staff().teaching_hours() < RequiredTeachingHours(days)) {
      v.Add("staff.teaching_hours",
            Text(words::TEACHING_HOURS,
                 {{"days", days}, {"hours", RequiredTeachingHours(days)}}));
    }
  }
}

std::vector<std::pair<std::string, Text>> LanguageShortfalls(
    const v1::Application& a, const av1::CooperationCondition& condition) {
  const Activity activity = static_cast<Activity>(condition.mobility_type());
  const bool student = IsStudentActivity(activity);
  // Staff on training have no recommended language; teachers teach in one.
  if (!student && activity != Activity::kStaffTeaching) return {};
  const auto& skills =
      student ? a.student().language_skills() : a.staff().language_skills();
  const std::string field =
      student ? "student.language_skills" : "staff.language_skills";
  std::vector<std::pair<std::string, Text>> shortfalls;
  for (const auto& required : condition.language_requirements()) {
    if (required.cefr_level() == av1::CEFR_LEVEL_UNSPECIFIED) continue;
    const bool meets = std::any_of(
        skills.begin(), skills.end(), [&](const v1::LanguageSkill& skill) {
          return skill.language() == required.language() &&
                 skill.level() >= required.cefr_level();
        });
    if (!meets) {
      shortfalls.emplace_back(
          field, Text(words::LANGUAGE_BELOW,
                      {{"language", required.language()},
                       {"level", av1::CefrLevel_Name(required.cefr_level())}}));
    }
  }
  return shortfalls;
}

absl::StatusOr<int> TotalScore(
    const v1::Call& call,
    const google::protobuf::RepeatedPtrField<v1::Score>& scores) {
  Violations v;
  std::set<std::string> scored;
  int total = 0;
  for (int i = 0; i < scores.size(); ++i) {
    const v1::Score& score = scores[i];
    const std::string at = absl::StrCat("scores[", i, "]");
    auto criterion = std::find_if(
        call.criteria().begin(), call.criteria().end(),
        [&](const v1::Criterion& c) { return c.id() == score.criterion_id(); });
    if (criterion == call.criteria().end() ||
        !scored.insert(score.criterion_id()).second) {
      v.Add(at + ".criterion_id", Text(words::CRITERION_OF_CALL));
      continue;
    }
    if (score.points() < 0 || score.points() > criterion->max_points()) {
      v.Add(at + ".points",
            Text(common_words::BETWEEN,
                 {{"min", 0}, {"max", criterion->max_points()}}));
      continue;
    }
    // weight x points / max_points points, in hundredths, rounded half up.
    total += (2 * criterion->weight() * score.points() * 100 +
              criterion->max_points()) /
             (2 * criterion->max_points());
  }
  if (v.empty() && scored.size() != static_cast<size_t>(call.criteria_size())) {
    v.Add("scores", Text(words::SCORE_EVERY_CRITERION));
  }
  if (!v.empty()) return v.ToStatus("INVALID_SCORES");
  return total;
}

bool IsOpen(v1::Application::State state) {
  switch (state) {
    case v1::Application::REJECTED:
    case v1::Application::REJECTED_BY_HOST:
    case v1::Application::COMPLETED:
    case v1::Application::WITHDRAWN:
    case v1::Application::CANCELLED:
    case v1::Application::STATE_UNSPECIFIED:
      return false;
    default:
      return true;
  }
}

bool HoldsPlace(v1::Application::State state) {
  return state == v1::Application::SELECTED ||
         state == v1::Application::NOMINATED ||
         state == v1::Application::ACCEPTED_BY_HOST ||
         state == v1::Application::IN_MOBILITY;
}

void ValidateComponents(
    const google::protobuf::RepeatedPtrField<v1::Component>& components,
    const std::string& field, Violations& v) {
  if (components.empty() || components.size() > 50) {
    v.Add(field, Text(words::COMPONENTS_COUNT));
    return;
  }
  std::set<std::string> codes;
  for (int i = 0; i < components.size(); ++i) {
    const v1::Component& c = components[i];
    const std::string at = absl::StrCat(field, "[", i, "]");
    if (c.code().empty() || c.code().size() > 30 ||
        !codes.insert(c.code()).second) {
      v.Add(at + ".code", Text(words::COMPONENT_CODE));
    }
    RequireText(c.title(), at + ".title", v);
    LimitText(c.title(), kMaxText, at + ".title", v);
    auto credits = ParseFixedDecimal(c.ects_credits(), 1);
    if (!credits.has_value() || *credits == 0 || *credits > 600) {
      v.Add(at + ".ects_credits", Text(words::ECTS_CREDITS));
    }
    LimitText(c.term(), 50, at + ".term", v);
  }
}

void ValidateRecognition(
    const google::protobuf::RepeatedPtrField<v1::Recognition>& recognition,
    const v1::LearningAgreementVersion& in_force, Violations& v) {
  std::set<std::string> studied, seen;
  for (const auto& c : in_force.study_components()) studied.insert(c.code());
  for (int i = 0; i < recognition.size(); ++i) {
    const v1::Recognition& r = recognition[i];
    const std::string at = absl::StrCat("recognition[", i, "]");
    if (studied.count(r.component_code()) == 0 ||
        !seen.insert(r.component_code()).second) {
      v.Add(at + ".component_code", Text(words::COMPONENT_OF_AGREEMENT));
    }
    if (!ParseFixedDecimal(r.transcript_credits(), 1).has_value()) {
      v.Add(at + ".transcript_credits", Text(words::CREDITS));
    }
    if (r.recognised() &&
        !ParseFixedDecimal(r.recognised_credits(), 1).has_value()) {
      v.Add(at + ".recognised_credits", Text(words::CREDITS));
    }
    if (!r.recognised() && r.reason().empty()) {
      v.Add(at + ".reason", Text(words::NOT_RECOGNISED_REASON));
    }
    LimitText(r.reason(), 2000, at + ".reason", v);
  }
  for (const auto& code : studied) {
    if (seen.count(code) == 0) {
      v.Add("recognition", Text(words::COMPONENT_OUTCOME, {{"code", code}}));
    }
  }
}

std::optional<std::string> DetectMediaType(absl::string_view content) {
  if (absl::StartsWith(content, "%PDF-")) return "application/pdf";
  if (absl::StartsWith(content, "\x89PNG\r\n\x1a\n")) return "image/png";
  if (absl::StartsWith(content, "\xff\xd8\xff")) return "image/jpeg";
  return std::nullopt;
}

std::optional<std::string> MediaTypeOfName(absl::string_view file_name) {
  const size_t dot = file_name.rfind('.');
  if (dot == absl::string_view::npos) return std::nullopt;
  const std::string extension =
      absl::AsciiStrToLower(file_name.substr(dot + 1));
  if (extension == "pdf") return "application/pdf";
  if (extension == "png") return "image/png";
  if (extension == "jpg" || extension == "jpeg") return "image/jpeg";
  return std::nullopt;
}

bool IsNominated(v1::Application::State state) {
  return state == v1::Application::NOMINATED ||
         state == v1::Application::ACCEPTED_BY_HOST ||
         state == v1::Application::REJECTED_BY_HOST ||
         state == v1::Application::IN_MOBILITY ||
         state == v1::Application::COMPLETED;
}

v1::Application HostView(const v1::Application& a) {
  v1::Application view;
  view.set_name(a.name());
  view.set_kind(a.kind());
  view.set_state(a.state());
  view.set_host_institution(a.host_institution());
  v1::Applicant* person = view.mutable_applicant();
  person->set_given_name(a.applicant().given_name());
  person->set_family_name(a.applicant().family_name());
  person->set_email(a.applicant().email());
  *person->mutable_date_of_birth() = a.applicant().date_of_birth();
  person->set_citizenship(a.applicant().citizenship());
  person->set_home_institution(a.applicant().home_institution());
  *view.mutable_start_date() = a.start_date();
  *view.mutable_end_date() = a.end_date();
  if (a.has_student()) {
    v1::StudentDetails* s = view.mutable_student();
    s->set_eqf_level(a.student().eqf_level());
    s->set_isced_code(a.student().isced_code());
    s->set_study_cycle(a.student().study_cycle());
    *s->mutable_language_skills() = a.student().language_skills();
  }
  if (a.has_staff()) *view.mutable_staff() = a.staff();
  if (a.has_actual_start_date())
    *view.mutable_actual_start_date() = a.actual_start_date();
  if (a.has_actual_end_date())
    *view.mutable_actual_end_date() = a.actual_end_date();
  if (a.has_learning_agreement())
    *view.mutable_learning_agreement() = a.learning_agreement();
  return view;
}

}  // namespace mobility::applications
