#include "services/agreements/agreement_rules.h"

#include <google/protobuf/util/time_util.h>

#include <cmath>
#include <optional>
#include <set>
#include <tuple>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/api.h"
#include "common/common_words.h"
#include "common/reference_data.h"
#include "common/types.h"
#include "services/agreements/words.h"

namespace mobility::agreements {
namespace {

constexpr int kMaxMobilitiesPerYear = 1000;
// Bounds on lists, so one request cannot make the service validate and store
// without end: far above what a real agreement holds.
constexpr int kMaxConditions = 100;
constexpr int kMaxSubjectAreas = 50;
constexpr int kMaxLanguageRequirements = 20;
constexpr int kMaxEqfLevels = 8;

std::string Field(absl::string_view prefix, absl::string_view name) {
  return prefix.empty() ? std::string(name) : absl::StrCat(prefix, ".", name);
}

std::string Indexed(absl::string_view prefix, absl::string_view name,
                    int index) {
  return absl::StrCat(Field(prefix, name), "[", index, "]");
}

// False, with a violation, when a list is longer than `max`: its entries are
// then not looked at one by one.
bool WithinCount(int size, int max, const std::string& field,
                 Violations& violations) {
  if (size <= max) return true;
  violations.Add(field, Text(words::AT_MOST_ENTRIES, {{"max", max}}));
  return false;
}

void RequireText(const std::string& value, size_t max, absl::string_view field,
                 Violations& violations) {
  if (value.empty()) {
    violations.Add(std::string(field), Text(common_words::REQUIRED));
  } else if (CharCount(value) > static_cast<int>(max)) {
    violations.Add(std::string(field),
                   Text(common_words::AT_MOST_CHARACTERS,
                        {{"max", static_cast<int64_t>(max)}}));
  }
}

void LimitText(const std::string& value, size_t max, absl::string_view field,
               Violations& violations) {
  if (CharCount(value) > static_cast<int>(max)) {
    violations.Add(std::string(field),
                   Text(common_words::AT_MOST_CHARACTERS,
                        {{"max", static_cast<int64_t>(max)}}));
  }
}

bool IsIscedCode(absl::string_view code) {
  return code.size() == 4 &&
         std::all_of(code.begin(), code.end(), absl::ascii_isdigit);
}

bool IsLanguageCode(absl::string_view code) {
  return code.size() == 2 &&
         std::all_of(code.begin(), code.end(), absl::ascii_islower);
}

void ValidateCondition(const v1::CooperationCondition& c,
                       ProgrammeGeneration programme, CallYearRange calls,
                       const std::set<std::string>& partners,
                       const std::string& prefix, Violations& violations) {
  if (!c.id().empty() &&
      !(c.id().size() <= 63 && absl::ascii_isalnum(c.id()[0]) &&
        std::all_of(c.id().begin(), c.id().end(), [](char ch) {
          return absl::ascii_islower(ch) || absl::ascii_isdigit(ch) ||
                 ch == '-';
        }))) {
    violations.Add(Field(prefix, "id"), Text(words::CONDITION_ID));
  }
  if (partners.count(c.sending_institution()) == 0) {
    violations.Add(Field(prefix, "sending_institution"),
                   Text(words::ONE_OF_THE_PARTNERS));
  }
  if (partners.count(c.receiving_institution()) == 0) {
    violations.Add(Field(prefix, "receiving_institution"),
                   Text(words::ONE_OF_THE_PARTNERS));
  } else if (c.receiving_institution() == c.sending_institution()) {
    violations.Add(Field(prefix, "receiving_institution"),
                   Text(words::OTHER_PARTNER));
  }
  if (c.mobilities_per_year() < 1 ||
      c.mobilities_per_year() > kMaxMobilitiesPerYear) {
    violations.Add(Field(prefix, "mobilities_per_year"),
                   Text(common_words::BETWEEN,
                        {{"min", 1}, {"max", kMaxMobilitiesPerYear}}));
  }
  if (c.mobility_type() == v1::MOBILITY_TYPE_UNSPECIFIED ||
      !v1::MobilityType_IsValid(c.mobility_type())) {
    violations.Add(Field(prefix, "mobility_type"),
                   Text(common_words::REQUIRED));
    return;
  }
  const Activity activity = static_cast<Activity>(c.mobility_type());
  const bool student = IsStudentActivity(activity);
  // Eligible when a call that may fund the condition's years allows the
  // activity: the latest one, since rules only widened (traineeships from the
  // 2018 KA107 call).
  auto limits = MobilityDurationLimits(programme, activity, calls.last);
  if (!limits.ok()) {
    violations.Add(Field(prefix, "mobility_type"), limits.status());
  }
  const std::string total_field =
      Field(prefix, student ? "total_months_per_year" : "total_days_per_year");
  const std::string& total_text =
      student ? c.total_months_per_year() : c.total_days_per_year();
  const std::optional<int64_t> total = ParseFixedDecimal(total_text, 2);
  if (!total_text.empty() && !total.has_value()) {
    violations.Add(total_field, Text(words::TOTAL_DECIMAL));
  } else if (total.has_value() && limits.ok() && c.mobilities_per_year() >= 1 &&
             c.mobilities_per_year() <= kMaxMobilitiesPerYear) {
    // Every mobility must fit the one-mobility limits, so the yearly total lies
    // between mobilities x minimum and mobilities x maximum.
    const int64_t low = int64_t{c.mobilities_per_year()} * limits->min;
    const int64_t high = int64_t{c.mobilities_per_year()} * limits->max;
    if (*total < low * 100 || *total > high * 100) {
      violations.Add(total_field, Text(student ? words::TOTAL_MONTHS_RANGE
                                               : words::TOTAL_DAYS_RANGE,
                                       {{"low", low},
                                        {"high", high},
                                        {"count", c.mobilities_per_year()},
                                        {"min", limits->min},
                                        {"max", limits->max}}));
    }
  }
  if (student && !c.total_days_per_year().empty()) {
    violations.Add(Field(prefix, "total_days_per_year"),
                   Text(words::DAYS_FOR_STAFF));
  }
  if (!student && !c.total_months_per_year().empty()) {
    violations.Add(Field(prefix, "total_months_per_year"),
                   Text(words::MONTHS_FOR_STUDENTS));
  }
  if (!student && c.blended()) {
    violations.Add(Field(prefix, "blended"), Text(words::STUDENTS_ONLY));
  }
  LimitText(c.other_info(), 4000, Field(prefix, "other_info"), violations);
  if ((activity == Activity::kStudentStudies ||
       activity == Activity::kStaffTeaching) &&
      c.language_requirements_size() == 0) {
    violations.Add(Field(prefix, "language_requirements"),
                   Text(words::RECOMMENDED_LANGUAGE));
  }
  if (!student && c.eqf_levels_size() > 0) {
    violations.Add(Field(prefix, "eqf_levels"), Text(words::STUDENTS_ONLY));
  }
  std::set<int> levels;
  const bool levels_counted =
      WithinCount(c.eqf_levels_size(), kMaxEqfLevels,
                  Field(prefix, "eqf_levels"), violations);
  for (int i = 0; levels_counted && i < c.eqf_levels_size(); ++i) {
    if (c.eqf_levels(i) < 1 || c.eqf_levels(i) > 8) {
      violations.Add(Indexed(prefix, "eqf_levels", i),
                     Text(common_words::EQF_LEVEL));
    } else if (!levels.insert(c.eqf_levels(i)).second) {
      violations.Add(Indexed(prefix, "eqf_levels", i),
                     Text(words::LISTED_TWICE));
    }
  }
  const bool areas_counted =
      WithinCount(c.subject_areas_size(), kMaxSubjectAreas,
                  Field(prefix, "subject_areas"), violations);
  for (int i = 0; areas_counted && i < c.subject_areas_size(); ++i) {
    if (!IsIscedCode(c.subject_areas(i).isced_code())) {
      violations.Add(
          absl::StrCat(Indexed(prefix, "subject_areas", i), ".isced_code"),
          Text(common_words::ISCED_CODE));
    }
    LimitText(c.subject_areas(i).description(), 200,
              absl::StrCat(Indexed(prefix, "subject_areas", i), ".description"),
              violations);
  }
  const bool languages_counted =
      WithinCount(c.language_requirements_size(), kMaxLanguageRequirements,
                  Field(prefix, "language_requirements"), violations);
  for (int i = 0; languages_counted && i < c.language_requirements_size();
       ++i) {
    const auto& l = c.language_requirements(i);
    const std::string at = Indexed(prefix, "language_requirements", i);
    if (!IsLanguageCode(l.language())) {
      violations.Add(absl::StrCat(at, ".language"),
                     Text(common_words::LANGUAGE_CODE));
    }
    if (!v1::CefrLevel_IsValid(l.cefr_level())) {
      violations.Add(absl::StrCat(at, ".cefr_level"),
                     Text(words::CEFR_OR_UNSPECIFIED));
    }
  }
}

v1::Agreement ContentOnly(const v1::Agreement& agreement) {
  v1::Agreement content;
  content.set_programme(agreement.programme());
  content.set_reference_number(agreement.reference_number());
  content.set_title(agreement.title());
  *content.mutable_partners() = agreement.partners();
  content.set_first_academic_year(agreement.first_academic_year());
  content.set_last_academic_year(agreement.last_academic_year());
  *content.mutable_cooperation_conditions() =
      agreement.cooperation_conditions();
  return content;
}

}  // namespace

void ValidateInstitution(const v1::Institution& institution,
                         absl::string_view prefix, Violations& violations) {
  RequireText(institution.display_name(), 300, Field(prefix, "display_name"),
              violations);
  LimitText(institution.erasmus_code(), 30, Field(prefix, "erasmus_code"),
            violations);
  const std::string& schac = institution.schac_id();
  if (schac.size() > 253 || absl::StrContains(schac, ' ') ||
      (!schac.empty() && !absl::StrContains(schac, '.')) ||
      absl::AsciiStrToLower(schac) != schac) {
    violations.Add(Field(prefix, "schac_id"), Text(words::SCHAC_ID));
  }
  if (!CountryName(institution.country_code()).has_value()) {
    violations.Add(Field(prefix, "country_code"),
                   Text(common_words::COUNTRY_CODE));
  }
  RequireText(institution.city(), 100, Field(prefix, "city"), violations);
  if (!std::isfinite(institution.latitude()) ||
      std::fabs(institution.latitude()) > 90) {
    violations.Add(Field(prefix, "latitude"), Text(words::LATITUDE));
  }
  if (!std::isfinite(institution.longitude()) ||
      std::fabs(institution.longitude()) > 180) {
    violations.Add(Field(prefix, "longitude"), Text(words::LONGITUDE));
  }
}

void ValidateAgreement(
    const v1::Agreement& agreement,
    const std::map<std::string, std::string>& partner_countries,
    absl::string_view prefix, Violations& violations) {
  const bool programme_known =
      agreement.programme() == v1::KA107 || agreement.programme() == v1::KA171;
  if (!programme_known)
    violations.Add(Field(prefix, "programme"),
                   Text(common_words::PROGRAMME_CODE));
  const ProgrammeGeneration programme = agreement.programme() == v1::KA107
                                            ? ProgrammeGeneration::kKa107
                                            : ProgrammeGeneration::kKa171;
  RequireText(agreement.reference_number(), 100,
              Field(prefix, "reference_number"), violations);
  RequireText(agreement.title(), 300, Field(prefix, "title"), violations);

  // Academic years, and the call year they imply (the year the first academic
  // year starts).
  auto first = ParseAcademicYear(agreement.first_academic_year());
  auto last = ParseAcademicYear(agreement.last_academic_year());
  if (!first.ok()) {
    violations.Add(Field(prefix, "first_academic_year"), first.status());
  }
  if (!last.ok()) {
    violations.Add(Field(prefix, "last_academic_year"), last.status());
  }
  if (first.ok() && last.ok() && *last < *first) {
    violations.Add(Field(prefix, "last_academic_year"),
                   Text(words::LAST_YEAR_BEFORE_FIRST));
  }
  if (programme_known) {
    AcademicYearRange range = ProgrammeAcademicYears(programme);
    std::string period =
        absl::StrCat(FormatAcademicYear(range.first_start_year), " to ",
                     FormatAcademicYear(range.last_start_year));
    if (first.ok() &&
        (*first < range.first_start_year || *first > range.last_start_year)) {
      violations.Add(Field(prefix, "first_academic_year"),
                     Text(words::IN_PROGRAMME_PERIOD, {{"period", period}}));
    }
    if (last.ok() &&
        (*last < range.first_start_year || *last > range.last_start_year)) {
      violations.Add(Field(prefix, "last_academic_year"),
                     Text(words::IN_PROGRAMME_PERIOD, {{"period", period}}));
    }
  }
  // The calls that may fund the agreement's years: eligibility follows them,
  // not the first academic year alone.
  const bool years_ok =
      programme_known && first.ok() && last.ok() && *first <= *last;
  const CallYearRange calls =
      years_ok ? CallsFunding(programme, *first, *last) : CallYearRange{1, 0};
  const bool have_calls = years_ok && calls.first <= calls.last;
  std::vector<std::string> countries;

  // Partners: two existing institutions, one Programme and one Partner country.
  std::set<std::string> partners;
  if (agreement.partners_size() != 2) {
    violations.Add(Field(prefix, "partners"), Text(words::TWO_PARTNERS));
  }
  for (int i = 0; i < agreement.partners_size(); ++i) {
    const auto& p = agreement.partners(i);
    const std::string at = Indexed(prefix, "partners", i);
    auto country = partner_countries.find(p.institution());
    if (!ParseResourceName("", p.institution(), "institutions").ok()) {
      violations.Add(
          absl::StrCat(at, ".institution"),
          Text(common_words::RESOURCE_NAME, {{"collection", "institutions"}}));
    } else if (country == partner_countries.end()) {
      violations.Add(absl::StrCat(at, ".institution"),
                     Text(words::NO_SUCH_INSTITUTION));
    } else if (!partners.insert(p.institution()).second) {
      violations.Add(absl::StrCat(at, ".institution"),
                     Text(words::PARTNER_AGAIN));
    } else {
      countries.push_back(country->second);
    }
    LimitText(p.agreement_code(), 100, absl::StrCat(at, ".agreement_code"),
              violations);
    LimitText(p.signing_contact().full_name(), 200,
              absl::StrCat(at, ".signing_contact.full_name"), violations);
    const std::string& email = p.signing_contact().email();
    if (!email.empty() &&
        (email.size() > 254 || !absl::StrContains(email, '@'))) {
      violations.Add(absl::StrCat(at, ".signing_contact.email"),
                     Text(common_words::EMAIL));
    }
    LimitText(p.signing_contact().role(), 200,
              absl::StrCat(at, ".signing_contact.role"), violations);
    if (p.has_signing_date() && !IsValidDate(p.signing_date())) {
      violations.Add(absl::StrCat(at, ".signing_date"),
                     Text(common_words::CALENDAR_DATE));
    }
  }
  if (countries.size() == 2 && have_calls) {
    // One Programme-country and one eligible Partner-country institution in
    // at least one of those calls (the UK was a Programme country to 2020).
    absl::Status why;
    bool eligible = false;
    for (int call = calls.first; call <= calls.last && !eligible; ++call) {
      const bool a =
          StatusForCall(countries[0], call) == CountryStatus::kProgramme;
      const bool b =
          StatusForCall(countries[1], call) == CountryStatus::kProgramme;
      if (a == b) continue;
      absl::Status region = CheckEligiblePartnerCountry(
          a ? countries[1] : countries[0], programme);
      eligible = region.ok();
      if (!eligible) why = region;
    }
    if (!eligible && why.ok()) {
      violations.Add(Field(prefix, "partners"),
                     Text(words::PROGRAMME_AND_PARTNER,
                          {{"first", absl::StrCat(calls.first)},
                           {"last", absl::StrCat(calls.last)}}));
    } else if (!eligible) {
      violations.Add(Field(prefix, "partners"), why);
    }
  }

  if (agreement.cooperation_conditions_size() == 0) {
    violations.Add(Field(prefix, "cooperation_conditions"),
                   Text(words::AT_LEAST_ONE_CONDITION));
  }
  std::set<std::string> ids;
  const bool conditions_counted =
      WithinCount(agreement.cooperation_conditions_size(), kMaxConditions,
                  Field(prefix, "cooperation_conditions"), violations);
  for (int i = 0;
       conditions_counted && i < agreement.cooperation_conditions_size(); ++i) {
    const auto& c = agreement.cooperation_conditions(i);
    const std::string at = Indexed(prefix, "cooperation_conditions", i);
    if (!c.id().empty() && !ids.insert(c.id()).second) {
      violations.Add(absl::StrCat(at, ".id"), Text(words::CONDITION_ID_USED));
    }
    if (!have_calls) continue;
    // A condition may cover fewer years than the agreement, never more.
    int condition_first = *first, condition_last = *last;
    bool condition_years_ok = true;
    for (const auto& [field, text, year] :
         {std::tuple<const char*, const std::string*, int*>{
              "first_academic_year", &c.first_academic_year(),
              &condition_first},
          {"last_academic_year", &c.last_academic_year(), &condition_last}}) {
      if (text->empty()) continue;
      auto parsed = ParseAcademicYear(*text);
      if (!parsed.ok() || *parsed < *first || *parsed > *last) {
        violations.Add(absl::StrCat(at, ".", field),
                       Text(words::YEAR_IN_AGREEMENT,
                            {{"first", agreement.first_academic_year()},
                             {"last", agreement.last_academic_year()}}));
        condition_years_ok = false;
      } else {
        *year = *parsed;
      }
    }
    if (condition_years_ok && condition_last < condition_first) {
      violations.Add(absl::StrCat(at, ".last_academic_year"),
                     Text(words::LAST_YEAR_BEFORE_FIRST));
      condition_years_ok = false;
    }
    if (condition_years_ok) {
      ValidateCondition(
          c, programme,
          CallsFunding(programme, condition_first, condition_last), partners,
          at, violations);
    }
  }
}

void ValidateIscedClarifications(
    const v1::Agreement& agreement,
    const std::map<std::string, std::string>& isced_names,
    absl::string_view prefix, Violations& violations) {
  for (int i = 0; i < agreement.cooperation_conditions_size(); ++i) {
    const auto& c = agreement.cooperation_conditions(i);
    const std::string at =
        Indexed(std::string(prefix), "cooperation_conditions", i);
    for (int j = 0; j < c.subject_areas_size(); ++j) {
      const auto& area = c.subject_areas(j);
      auto name = isced_names.find(area.isced_code());
      if (name == isced_names.end() ||
          !absl::EqualsIgnoreCase(
              absl::StripAsciiWhitespace(area.description()), name->second))
        continue;
      violations.Add(
          absl::StrCat(Indexed(at, "subject_areas", j), ".description"),
          Text(words::ISCED_NAME_REPEATED,
               {{"code", area.isced_code()}, {"name", name->second}}));
    }
  }
}

void AssignConditionIds(v1::Agreement& agreement) {
  std::set<std::string> used;
  for (const auto& c : agreement.cooperation_conditions()) used.insert(c.id());
  int next = 1;
  for (auto& c : *agreement.mutable_cooperation_conditions()) {
    if (!c.id().empty()) continue;
    while (used.count(absl::StrCat("c", next)) > 0) ++next;
    c.set_id(absl::StrCat("c", next));
    used.insert(c.id());
  }
}

std::string ContentHash(const v1::Agreement& agreement) {
  return MessageHash(ContentOnly(agreement));
}

std::pair<int, int> ConditionYears(const v1::Agreement& agreement,
                                   const v1::CooperationCondition& condition) {
  const auto year = [](const std::string& own, const std::string& fallback) {
    auto parsed = ParseAcademicYear(own.empty() ? fallback : own);
    return parsed.ok() ? *parsed : 0;
  };
  return {
      year(condition.first_academic_year(), agreement.first_academic_year()),
      year(condition.last_academic_year(), agreement.last_academic_year())};
}

}  // namespace mobility::agreements
