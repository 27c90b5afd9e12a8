#include "common/reference_data.h"

#include <algorithm>
#include <iterator>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/common_words.h"
#include "common/status.h"

namespace mobility {
namespace {

struct Country {
  const char* alpha2;
  const char* name;
};

// ISO 3166-1, sorted by code (from Debian's iso-codes).
constexpr Country kCountries[] = {
    {"AD", "Andorra"},
    {"AE", "United Arab Emirates"},
    {"AF", "Afghanistan"},
    {"AG", "Antigua and Barbuda"},
    {"AI", "Anguilla"},
    {"AL", "Albania"},
    {"AM", "Armenia"},
    {"AO", "Angola"},
    {"AQ", "Antarctica"},
    {"AR", "Argentina"},
    {"AS", "American Samoa"},
    {"AT", "Austria"},
    {"AU", "Australia"},
    {"AW", "Aruba"},
    {"AX", "Åland Islands"},
    {"AZ", "Azerbaijan"},
    {"BA", "Bosnia and Herzegovina"},
    {"BB", "Barbados"},
    {"BD", "Bangladesh"},
    {"BE", "Belgium"},
    {"BF", "Burkina Faso"},
    {"BG", "Bulgaria"},
    {"BH", "Bahrain"},
    {"BI", "Burundi"},
    {"BJ", "Benin"},
    {"BL", "Saint Barthélemy"},
    {"BM", "Bermuda"},
    {"BN", "Brunei Darussalam"},
    {"BO", "Bolivia, Plurinational State of"},
    {"BQ", "Bonaire, Sint Eustatius and Saba"},
    {"BR", "Brazil"},
    {"BS", "Bahamas"},
    {"BT", "Bhutan"},
    {"BV", "Bouvet Island"},
    {"BW", "Botswana"},
    {"BY", "Belarus"},
    {"BZ", "Belize"},
    {"CA", "Canada"},
    {"CC", "Cocos (Keeling) Islands"},
    {"CD", "Congo, The Democratic Republic of the"},
    {"CF", "Central African Republic"},
    {"CG", "Congo"},
    {"CH", "Switzerland"},
    {"CI", "Côte d'Ivoire"},
    {"CK", "Cook Islands"},
    {"CL", "Chile"},
    {"CM", "Cameroon"},
    {"CN", "China"},
    {"CO", "Colombia"},
    {"CR", "Costa Rica"},
    {"CU", "Cuba"},
    {"CV", "Cabo Verde"},
    {"CW", "Curaçao"},
    {"CX", "Christmas Island"},
    {"CY", "Cyprus"},
    {"CZ", "Czechia"},
    {"DE", "Germany"},
    {"DJ", "Djibouti"},
    {"DK", "Denmark"},
    {"DM", "Dominica"},
    {"DO", "Dominican Republic"},
    {"DZ", "Algeria"},
    {"EC", "Ecuador"},
    {"EE", "Estonia"},
    {"EG", "Egypt"},
    {"EH", "Western Sahara"},
    {"ER", "Eritrea"},
    {"ES", "Spain"},
    {"ET", "Ethiopia"},
    {"FI", "Finland"},
    {"FJ", "Fiji"},
    {"FK", "Falkland Islands (Malvinas)"},
    {"FM", "Micronesia, Federated States of"},
    {"FO", "Faroe Islands"},
    {"FR", "France"},
    {"GA", "Gabon"},
    {"GB", "United Kingdom"},
    {"GD", "Grenada"},
    {"GE", "Georgia"},
    {"GF", "French Guiana"},
    {"GG", "Guernsey"},
    {"GH", "Ghana"},
    {"GI", "Gibraltar"},
    {"GL", "Greenland"},
    {"GM", "Gambia"},
    {"GN", "Guinea"},
    {"GP", "Guadeloupe"},
    {"GQ", "Equatorial Guinea"},
    {"GR", "Greece"},
    {"GS", "South Georgia and the South Sandwich Islands"},
    {"GT", "Guatemala"},
    {"GU", "Guam"},
    {"GW", "Guinea-Bissau"},
    {"GY", "Guyana"},
    {"HK", "Hong Kong"},
    {"HM", "Heard Island and McDonald Islands"},
    {"HN", "Honduras"},
    {"HR", "Croatia"},
    {"HT", "Haiti"},
    {"HU", "Hungary"},
    {"ID", "Indonesia"},
    {"IE", "Ireland"},
    {"IL", "Israel"},
    {"IM", "Isle of Man"},
    {"IN", "India"},
    {"IO", "British Indian Ocean Territory"},
    {"IQ", "Iraq"},
    {"IR", "Iran, Islamic Republic of"},
    {"IS", "Iceland"},
    {"IT", "Italy"},
    {"JE", "Jersey"},
    {"JM", "Jamaica"},
    {"JO", "Jordan"},
    {"JP", "Japan"},
    {"KE", "Kenya"},
    {"KG", "Kyrgyzstan"},
    {"KH", "Cambodia"},
    {"KI", "Kiribati"},
    {"KM", "Comoros"},
    {"KN", "Saint Kitts and Nevis"},
    {"KP", "Korea, Democratic People's Republic of"},
    {"KR", "Korea, Republic of"},
    {"KW", "Kuwait"},
    {"KY", "Cayman Islands"},
    {"KZ", "Kazakhstan"},
    {"LA", "Lao People's Democratic Republic"},
    {"LB", "Lebanon"},
    {"LC", "Saint Lucia"},
    {"LI", "Liechtenstein"},
    {"LK", "Sri Lanka"},
    {"LR", "Liberia"},
    {"LS", "Lesotho"},
    {"LT", "Lithuania"},
    {"LU", "Luxembourg"},
    {"LV", "Latvia"},
    {"LY", "Libya"},
    {"MA", "Morocco"},
    {"MC", "Monaco"},
    {"MD", "Moldova, Republic of"},
    {"ME", "Montenegro"},
    {"MF", "Saint Martin (French part)"},
    {"MG", "Madagascar"},
    {"MH", "Marshall Islands"},
    {"MK", "North Macedonia"},
    {"ML", "Mali"},
    {"MM", "Myanmar"},
    {"MN", "Mongolia"},
    {"MO", "Macao"},
    {"MP", "Northern Mariana Islands"},
    {"MQ", "Martinique"},
    {"MR", "Mauritania"},
    {"MS", "Montserrat"},
    {"MT", "Malta"},
    {"MU", "Mauritius"},
    {"MV", "Maldives"},
    {"MW", "Malawi"},
    {"MX", "Mexico"},
    {"MY", "Malaysia"},
    {"MZ", "Mozambique"},
    {"NA", "Namibia"},
    {"NC", "New Caledonia"},
    {"NE", "Niger"},
    {"NF", "Norfolk Island"},
    {"NG", "Nigeria"},
    {"NI", "Nicaragua"},
    {"NL", "Netherlands"},
    {"NO", "Norway"},
    {"NP", "Nepal"},
    {"NR", "Nauru"},
    {"NU", "Niue"},
    {"NZ", "New Zealand"},
    {"OM", "Oman"},
    {"PA", "Panama"},
    {"PE", "Peru"},
    {"PF", "French Polynesia"},
    {"PG", "Papua New Guinea"},
    {"PH", "Philippines"},
    {"PK", "Pakistan"},
    {"PL", "Poland"},
    {"PM", "Saint Pierre and Miquelon"},
    {"PN", "Pitcairn"},
    {"PR", "Puerto Rico"},
    {"PS", "Palestine, State of"},
    {"PT", "Portugal"},
    {"PW", "Palau"},
    {"PY", "Paraguay"},
    {"QA", "Qatar"},
    {"RE", "Réunion"},
    {"RO", "Romania"},
    {"RS", "Serbia"},
    {"RU", "Russian Federation"},
    {"RW", "Rwanda"},
    {"SA", "Saudi Arabia"},
    {"SB", "Solomon Islands"},
    {"SC", "Seychelles"},
    {"SD", "Sudan"},
    {"SE", "Sweden"},
    {"SG", "Singapore"},
    {"SH", "Saint Helena, Ascension and Tristan da Cunha"},
    {"SI", "Slovenia"},
    {"SJ", "Svalbard and Jan Mayen"},
    {"SK", "Slovakia"},
    {"SL", "Sierra Leone"},
    {"SM", "San Marino"},
    {"SN", "Senegal"},
    {"SO", "Somalia"},
    {"SR", "Suriname"},
    {"SS", "South Sudan"},
    {"ST", "Sao Tome and Principe"},
    {"SV", "El Salvador"},
    {"SX", "Sint Maarten (Dutch part)"},
    {"SY", "Syrian Arab Republic"},
    {"SZ", "Eswatini"},
    {"TC", "Turks and Caicos Islands"},
    {"TD", "Chad"},
    {"TF", "French Southern Territories"},
    {"TG", "Togo"},
    {"TH", "Thailand"},
    {"TJ", "Tajikistan"},
    {"TK", "Tokelau"},
    {"TL", "Timor-Leste"},
    {"TM", "Turkmenistan"},
    {"TN", "Tunisia"},
    {"TO", "Tonga"},
    {"TR", "Türkiye"},
    {"TT", "Trinidad and Tobago"},
    {"TV", "Tuvalu"},
    {"TW", "Taiwan, Province of China"},
    {"TZ", "Tanzania, United Republic of"},
    {"UA", "Ukraine"},
    {"UG", "Uganda"},
    {"UM", "United States Minor Outlying Islands"},
    {"US", "United States"},
    {"UY", "Uruguay"},
    {"UZ", "Uzbekistan"},
    {"VA", "Holy See (Vatican City State)"},
    {"VC", "Saint Vincent and the Grenadines"},
    {"VE", "Venezuela, Bolivarian Republic of"},
    {"VG", "Virgin Islands, British"},
    {"VI", "Virgin Islands, U.S."},
    {"VN", "Viet Nam"},
    {"VU", "Vanuatu"},
    {"WF", "Wallis and Futuna"},
    {"WS", "Samoa"},
    // Kosovo: a user-assigned code, the one the European Commission uses.
    {"XK", "Kosovo"},
    {"YE", "Yemen"},
    {"YT", "Mayotte"},
    {"ZA", "South Africa"},
    {"ZM", "Zambia"},
    {"ZW", "Zimbabwe"},
};

// A country's Programme-country status over a span of call years (inclusive).
struct ProgrammeMembership {
  const char* alpha2;
  int first_call;
  int last_call;
};

constexpr int kOpenEnded = 9999;

constexpr ProgrammeMembership kProgrammeCountries[] = {
    // EU-27.
    {"AT", 2014, kOpenEnded},
    {"BE", 2014, kOpenEnded},
    {"BG", 2014, kOpenEnded},
    {"HR", 2014, kOpenEnded},
    {"CY", 2014, kOpenEnded},
    {"CZ", 2014, kOpenEnded},
    {"DK", 2014, kOpenEnded},
    {"EE", 2014, kOpenEnded},
    {"FI", 2014, kOpenEnded},
    {"FR", 2014, kOpenEnded},
    {"DE", 2014, kOpenEnded},
    {"GR", 2014, kOpenEnded},
    {"HU", 2014, kOpenEnded},
    {"IE", 2014, kOpenEnded},
    {"IT", 2014, kOpenEnded},
    {"LV", 2014, kOpenEnded},
    {"LT", 2014, kOpenEnded},
    {"LU", 2014, kOpenEnded},
    {"MT", 2014, kOpenEnded},
    {"NL", 2014, kOpenEnded},
    {"PL", 2014, kOpenEnded},
    {"PT", 2014, kOpenEnded},
    {"RO", 2014, kOpenEnded},
    {"SK", 2014, kOpenEnded},
    {"SI", 2014, kOpenEnded},
    {"ES", 2014, kOpenEnded},
    {"SE", 2014, kOpenEnded},
    // The United Kingdom left with the 2014-2020 programme.
    {"GB", 2014, 2020},
    // EEA countries and the other associated countries.
    {"IS", 2014, kOpenEnded},
    {"LI", 2014, kOpenEnded},
    {"NO", 2014, kOpenEnded},
    {"TR", 2014, kOpenEnded},
    {"MK", 2014, kOpenEnded},
    // Serbia joined with the 2019 call.
    {"RS", 2019, kOpenEnded},
};

// The Partner-country regions of each programme (DOMAIN.md "Countries"), as
// each programme's guides number them. Not every region takes part in
// International Credit Mobility: KA107 funded Region 9 (Iran, Iraq, Yemen)
// under the Development Cooperation Instrument but not the micro-states, the
// Gulf Cooperation Council, Switzerland or the Faroes; KA171 funds neither the
// micro-states (5) nor the Faroes, Switzerland and the United Kingdom (14)
// (check both).
struct RegionRow {
  int number;
  const char* name;
  bool eligible;
  const char* countries;  // Space-separated alpha-2 codes.
};

constexpr RegionRow kKa107Regions[] = {
    {1, "Western Balkans", true, "AL BA XK ME"},
    {2, "Eastern Partnership", true, "AM AZ BY GE MD UA"},
    {3, "South-Mediterranean", true, "DZ EG IL JO LB LY MA PS SY TN"},
    {4, "Russian Federation", true, "RU"},
    {5, "Andorra, Monaco, San Marino, Vatican City", false, "AD MC SM VA"},
    {6, "Asia", true,
     "AF BD BT KH CN KP IN ID LA MY MV MN MM NP PK PH LK TH VN"},
    {7, "Central Asia", true, "KZ KG TJ TM UZ"},
    {8, "Latin America", true,
     "AR BO BR CL CO CR CU EC SV GT HN MX NI PA PY PE UY VE"},
    {9, "Iran, Iraq, Yemen", true, "IR IQ YE"},
    {10, "South Africa", true, "ZA"},
    {11, "African, Caribbean and Pacific States", true,
     "AO AG BS BB BZ BJ BW BF BI CM CV CF TD KM CG CD CK CI DJ DM DO ER ET FJ "
     "GA GM GH GD GN GW GY HT JM KE KI LS LR MG MW ML MH MR MU FM MZ NA NR NE "
     "NG NU PW PG RW KN LC VC WS ST SN SC SL SB SO SS SD SR SZ TZ TL TG TO TT "
     "TV UG VU ZM ZW"},
    {12, "Gulf Cooperation Council", false, "BH KW OM QA SA AE"},
    {13, "Other industrialised countries", true,
     "AU BN CA HK JP KR MO NZ SG TW US"},
    {14, "Faroe Islands, Switzerland", false, "FO CH"},
};

constexpr RegionRow kKa171Regions[] = {
    {1, "Western Balkans", true, "AL BA XK ME"},
    {2, "Neighbourhood East", true, "AM AZ BY GE MD UA"},
    {3, "South-Mediterranean", true, "DZ EG IL JO LB LY MA PS SY TN"},
    {4, "Russian Federation", true, "RU"},
    {5, "Andorra, Monaco, San Marino, Vatican City", false, "AD MC SM VA"},
    {6, "Asia", true,
     "AF BD BT KH CN KP IN ID LA MY MV MN MM NP PK PH LK TH VN BN HK JP KR MO "
     "SG TW"},
    {7, "Central Asia", true, "KZ KG TJ TM UZ"},
    {8, "Middle East", true, "IR IQ YE BH KW OM QA SA AE"},
    {9, "Pacific", true, "AU CK FJ KI MH FM NR NU NZ PW PG WS SB TL TO TV VU"},
    {10, "Sub-Saharan Africa", true,
     "AO BJ BW BF BI CM CV CF TD KM CG CD CI DJ GQ ER SZ ET GA GM GH GN GW KE "
     "LS LR MG MW ML MR MU MZ NA NE NG RW ST SN SC SL SO ZA SS SD TZ TG UG ZM "
     "ZW"},
    {11, "Latin America", true,
     "AR BO BR CL CO CR EC SV GT HN MX NI PA PY PE UY VE"},
    {12, "Caribbean", true, "AG BS BB BZ CU DM DO GD GY HT JM KN LC VC SR TT"},
    {13, "United States of America and Canada", true, "US CA"},
    {14, "Faroe Islands, Switzerland, United Kingdom", false, "FO CH GB"},
};

bool ListsCode(absl::string_view list, absl::string_view code) {
  for (absl::string_view listed : absl::StrSplit(list, ' ')) {
    if (listed == code) return true;
  }
  return false;
}

const Country* FindCountry(absl::string_view alpha2) {
  auto it =
      std::lower_bound(std::begin(kCountries), std::end(kCountries), alpha2,
                       [](const Country& c, absl::string_view code) {
                         return absl::string_view(c.alpha2) < code;
                       });
  if (it == std::end(kCountries) || absl::string_view(it->alpha2) != alpha2)
    return nullptr;
  return it;
}

}  // namespace

std::optional<std::string> CountryName(absl::string_view alpha2) {
  const Country* c = FindCountry(alpha2);
  if (c == nullptr) return std::nullopt;
  return std::string(c->name);
}

CountryStatus StatusForCall(absl::string_view alpha2, int call_year) {
  for (const auto& m : kProgrammeCountries) {
    if (alpha2 == m.alpha2 && call_year >= m.first_call &&
        call_year <= m.last_call) {
      return CountryStatus::kProgramme;
    }
  }
  return CountryStatus::kPartner;
}

std::optional<PartnerRegion> RegionOf(absl::string_view alpha2,
                                      ProgrammeGeneration programme) {
  const auto find = [&](const auto& regions) -> std::optional<PartnerRegion> {
    for (const RegionRow& r : regions) {
      if (ListsCode(r.countries, alpha2)) {
        return PartnerRegion{r.number, r.name, r.eligible};
      }
    }
    return std::nullopt;
  };
  return programme == ProgrammeGeneration::kKa107 ? find(kKa107Regions)
                                                  : find(kKa171Regions);
}

absl::Status CheckEligiblePartnerCountry(absl::string_view alpha2,
                                         ProgrammeGeneration programme) {
  const char* name =
      programme == ProgrammeGeneration::kKa107 ? "KA107" : "KA171";
  auto region = RegionOf(alpha2, programme);
  if (!region.has_value()) {
    return Error(absl::StatusCode::kFailedPrecondition, "REGION_NOT_ELIGIBLE",
                 Text(common_words::NO_PARTNER_REGION,
                      {{"country", alpha2}, {"programme", name}}));
  }
  if (!region->eligible) {
    return Error(absl::StatusCode::kFailedPrecondition, "REGION_NOT_ELIGIBLE",
                 Text(common_words::REGION_NOT_FUNDED,
                      {{"country", alpha2},
                       {"region", absl::StrCat(region->number)},
                       {"programme", name}}));
  }
  return absl::OkStatus();
}

AcademicYearRange ProgrammeAcademicYears(ProgrammeGeneration programme) {
  switch (programme) {
    case ProgrammeGeneration::kKa107:
      return {2015, 2022};
    case ProgrammeGeneration::kKa171:
      return {2021, 2029};
  }
  return {0, -1};
}

bool IsStudentActivity(Activity activity) {
  return activity == Activity::kStudentStudies ||
         activity == Activity::kStudentTraineeship;
}

absl::StatusOr<DurationLimits> MobilityDurationLimits(
    ProgrammeGeneration programme, Activity activity, int call_year) {
  using Unit = DurationLimits::Unit;
  switch (activity) {
    case Activity::kStudentStudies:
      return DurationLimits{
          Unit::kMonths, programme == ProgrammeGeneration::kKa107 ? 3 : 2, 12};
    case Activity::kStudentTraineeship:
      if (programme == ProgrammeGeneration::kKa107 && call_year < 2018) {
        return Error(absl::StatusCode::kInvalidArgument, "NOT_ELIGIBLE",
                     Text(common_words::TRAINEESHIP_FROM_2018));
      }
      return DurationLimits{Unit::kMonths, 2, 12};
    case Activity::kStaffTeaching:
    case Activity::kStaffTraining:
      return DurationLimits{Unit::kDays, 5, 60};
  }
  return absl::InvalidArgumentError("unknown activity");
}

CallYearRange ProgrammeCallYears(ProgrammeGeneration programme) {
  switch (programme) {
    case ProgrammeGeneration::kKa107:
      return {2015, 2020};
    case ProgrammeGeneration::kKa171:
      return {2021, 2027};
  }
  return {0, -1};
}

CallYearRange CallsFunding(ProgrammeGeneration programme, int first_year,
                           int last_year) {
  const CallYearRange calls = ProgrammeCallYears(programme);
  return {std::max(calls.first, first_year - 3),
          std::min(calls.last, last_year)};
}

int StudentStayDays(absl::CivilDay start, absl::CivilDay end) {
  auto day = [](absl::CivilDay d) { return std::min(d.day(), 30); };
  return static_cast<int>((end.year() - start.year()) * 360 +
                          (end.month() - start.month()) * 30 +
                          (day(end) - day(start)) + 1);
}

StayLength StudentStayLength(absl::CivilDay start, absl::CivilDay end) {
  const int days = StudentStayDays(start, end);
  return {days / 30, days % 30};
}

// Academic years this system accepts at all; each programme narrows them.
constexpr int kFirstAcademicYear = 2000;
constexpr int kLastAcademicYear = 2099;

absl::StatusOr<int> ParseAcademicYear(absl::string_view text) {
  int first = 0, second = 0;
  // Every other character a digit: SimpleAtoi alone would take spaces and
  // signs.
  bool digits = text.size() == 9 && text[4] == '/';
  for (size_t i = 0; digits && i < text.size(); ++i)
    digits = i == 4 || absl::ascii_isdigit(text[i]);
  if (!digits || !absl::SimpleAtoi(text.substr(0, 4), &first) ||
      !absl::SimpleAtoi(text.substr(5, 4), &second) ||
      first < kFirstAcademicYear || first > kLastAcademicYear) {
    return Error(absl::StatusCode::kInvalidArgument, "ACADEMIC_YEAR",
                 Text(common_words::ACADEMIC_YEAR,
                      {{"first", absl::StrCat(kFirstAcademicYear)},
                       {"last", absl::StrCat(kLastAcademicYear)}}));
  }
  if (second != first + 1) {
    return Error(absl::StatusCode::kInvalidArgument, "ACADEMIC_YEAR",
                 Text(common_words::ACADEMIC_YEAR_CONSECUTIVE));
  }
  return first;
}

std::string FormatAcademicYear(int start_year) {
  return absl::StrCat(start_year, "/", start_year + 1);
}

}  // namespace mobility
