// Reference data the programme defines, kept in one place as data: countries
// (ISO 3166-1), whether a country is a Programme or a Partner country for a
// call year, and the academic years each programme's mobilities may run in.
// Source: ../shared/DOMAIN.md. Grant amounts and country groups are not here:
// they are editable rows of the grants service, since several are unconfirmed.
#ifndef MOBILITY_COMMON_REFERENCE_DATA_H_
#define MOBILITY_COMMON_REFERENCE_DATA_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace mobility {

// The English short name of an ISO 3166-1 alpha-2 code, nullopt for an unknown
// code.
std::optional<std::string> CountryName(absl::string_view alpha2);

enum class CountryStatus { kProgramme, kPartner };

// Programme countries: for calls 2014-2020 the EU-28 with the UK, Iceland,
// Liechtenstein, Norway, Turkey, North Macedonia and (from 2019) Serbia; from
// 2021 the EU-27 and the associated third countries. Every other known country
// is a Partner country. Requires a known code.
CountryStatus StatusForCall(absl::string_view alpha2, int call_year);

enum class ProgrammeGeneration { kKa107, kKa171 };

// A Partner country's region in a programme: regions are numbered per
// programme, and only some take part in International Credit Mobility.
struct PartnerRegion {
  int number;
  absl::string_view name;
  bool eligible;
};
std::optional<PartnerRegion> RegionOf(absl::string_view alpha2,
                                      ProgrammeGeneration programme);
// FAILED_PRECONDITION naming the region unless the Partner country is in a
// region the programme's calls fund.
absl::Status CheckEligiblePartnerCountry(absl::string_view alpha2,
                                         ProgrammeGeneration programme);

// The range of academic years (by their first calendar year) an ICM agreement
// of the programme may cover: KA107 calls 2015-2020 funded mobilities from
// 2015/2016 to 2022/2023 (projects last up to 36 months); KA171 calls from 2021
// run to 2029/2030.
struct AcademicYearRange {
  int first_start_year;
  int last_start_year;
};
AcademicYearRange ProgrammeAcademicYears(ProgrammeGeneration programme);

// The calls for proposals of each programme: KA107 2015-2020 (the 2014-2020
// programme's first ICM call was in 2015), KA171 2021-2027.
struct CallYearRange {
  int first;
  int last;
};
CallYearRange ProgrammeCallYears(ProgrammeGeneration programme);

// The calls of `programme` that may fund mobilities in the academic years
// starting from `first_year` to `last_year`: a call's projects run up to three
// academic years after it (the 2019 and 2020 KA107 calls ran until 2022/2023),
// so year Y is funded by calls Y-3 to Y. Empty (first > last) when none.
CallYearRange CallsFunding(ProgrammeGeneration programme, int first_year,
                           int last_year);

// Numbered as the contracts' MobilityType (agreements) and Activity (grants)
// enums, so a validated proto value converts with a static_cast.
enum class Activity {
  kStudentStudies = 1,
  kStudentTraineeship = 2,
  kStaffTeaching = 3,
  kStaffTraining = 4,
};

bool IsStudentActivity(Activity activity);

// How long one mobility may last (DOMAIN.md "Durations"): months for students,
// days (travel excluded) for staff. KA107 staff "5 days to 2 months" is taken
// as 60 days, as in KA171.
struct DurationLimits {
  enum class Unit { kMonths, kDays };
  Unit unit;
  int min;
  int max;
};
// INVALID_ARGUMENT when the activity is not eligible in that programme and call
// (KA107 student traineeships only from the 2018 call).
absl::StatusOr<DurationLimits> MobilityDurationLimits(
    ProgrammeGeneration programme, Activity activity, int call_year);

// How the Commission's tools count a long-term student stay (studies,
// traineeships), which reports are checked against (DOMAIN.md "Durations"):
// every month has 30 days and a year 360, the 31st is read as the 30th and
// February keeps its real last day. Days = (Y2 - Y1) x 360 + (M2 - M1) x 30 +
// (d(end) - d(start)) + 1, for end >= start. Staff stays are real calendar
// days instead.
int StudentStayDays(absl::CivilDay start, absl::CivilDay end);
// Those days as whole 30-day months and the days that remain.
struct StayLength {
  int whole_months;
  int extra_days;
  int days() const { return whole_months * 30 + extra_days; }
};
StayLength StudentStayLength(absl::CivilDay start, absl::CivilDay end);

// An academic year "2016/2017": returns its first calendar year,
// INVALID_ARGUMENT when malformed or when the second year is not the first plus
// one.
absl::StatusOr<int> ParseAcademicYear(absl::string_view text);
std::string FormatAcademicYear(int start_year);

}  // namespace mobility

#endif  // MOBILITY_COMMON_REFERENCE_DATA_H_
