#include "services/grants/grant_rules.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/api.h"
#include "common/common_words.h"
#include "common/reference_data.h"
#include "common/types.h"
#include "services/grants/grant_math.h"
#include "services/grants/words.h"

namespace mobility::grants {

absl::Status BudgetNotFound(const std::string& id) {
  return Error(absl::StatusCode::kNotFound, "BUDGET_NOT_FOUND",
               "no budget budgets/" + id, Text(words::BUDGET_NOT_FOUND));
}
namespace {

constexpr int64_t kMaxRealCostCents =
    100'000'000;  // 1 million euro: far above any real cost.
constexpr int kMaxOfficialDistanceKm =
    20'100;  // Half the Earth's circumference.
// Staff are paid a travel day before and one after the activity; green travel
// may fund more, up to its row of the call (GREEN_TRAVEL_DAYS).
constexpr int kStandardTravelDays = 2;
constexpr int kMaxTravelDays = 30;  // Far above any call's green travel days.

std::string Field(const std::string& prefix, absl::string_view name) {
  return prefix.empty() ? std::string(name) : absl::StrCat(prefix, ".", name);
}

bool IsStudent(v1::Activity activity) {
  return activity == v1::STUDENT_STUDIES || activity == v1::STUDENT_TRAINEESHIP;
}

ProgrammeGeneration ToGeneration(v1::Programme programme) {
  return programme == v1::KA107 ? ProgrammeGeneration::kKa107
                                : ProgrammeGeneration::kKa171;
}

bool CoversCall(const v1::Rate& rate,
                const v1::CalculateGrantRequest& request) {
  return rate.programme() == request.programme() &&
         request.call_year() >= rate.first_call_year() &&
         request.call_year() <= rate.last_call_year();
}

v1::ParticipantKind KindOf(v1::Activity activity) {
  return IsStudent(activity) ? v1::STUDENT : v1::STAFF;
}

// Rows for every participant apply to each kind.
bool CoversKind(const v1::Rate& rate, v1::ParticipantKind kind) {
  return rate.participant_kind() == v1::PARTICIPANT_KIND_UNSPECIFIED ||
         rate.participant_kind() == kind;
}

std::string CallText(const v1::CalculateGrantRequest& request) {
  return absl::StrCat("the ", v1::Programme_Name(request.programme()), " ",
                      request.call_year(), " call");
}

// Missing programme data is refused, never priced as nothing.
absl::Status Incomplete(absl::string_view what) {
  return Error(absl::StatusCode::kFailedPrecondition, "RATE_TABLE_INCOMPLETE",
               absl::StrCat(what, ": an administrator must add it"),
               Text(words::RATES_INCOMPLETE));
}

const v1::Rate* FindTravelRate(const std::vector<v1::Rate>& rates,
                               const v1::CalculateGrantRequest& request, int km,
                               bool green) {
  for (const auto& r : rates) {
    if (r.kind() == v1::Rate::TRAVEL && CoversCall(r, request) &&
        r.green_travel() == green && km >= r.min_km() &&
        (r.max_km() == 0 || km <= r.max_km())) {
      return &r;
    }
  }
  return nullptr;
}

const v1::Rate* FindCountryGroup(const std::vector<v1::Rate>& rates,
                                 const v1::CalculateGrantRequest& request,
                                 const Route& route) {
  for (const auto& r : rates) {
    if (r.kind() != v1::Rate::COUNTRY_GROUP || !CoversCall(r, request) ||
        !CoversKind(r, KindOf(request.activity()))) {
      continue;
    }
    const bool match =
        route.receiving_country.empty()
            ? r.country_group() == route.country_group
            : std::find(r.country_codes().begin(), r.country_codes().end(),
                        route.receiving_country) != r.country_codes().end();
    if (match) return &r;
  }
  return nullptr;
}

const v1::Rate* FindSupportRate(const std::vector<v1::Rate>& rates,
                                const v1::CalculateGrantRequest& request,
                                const Route& route) {
  for (const auto& r : rates) {
    if (r.kind() == v1::Rate::INDIVIDUAL_SUPPORT && CoversCall(r, request) &&
        r.direction() == route.direction &&
        r.participant_kind() == KindOf(request.activity()) &&
        (route.direction == v1::PROGRAMME_TO_PARTNER ||
         r.country_group() == route.country_group)) {
      return &r;
    }
  }
  return nullptr;
}

const v1::Rate* FindGreenTravelDays(const std::vector<v1::Rate>& rates,
                                    const v1::CalculateGrantRequest& request) {
  for (const auto& r : rates) {
    if (r.kind() == v1::Rate::GREEN_TRAVEL_DAYS && CoversCall(r, request) &&
        r.participant_kind() == KindOf(request.activity())) {
      return &r;
    }
  }
  return nullptr;
}

v1::LineItem* AddLine(v1::GrantQuote& quote, v1::LineItem::Heading heading,
                      const Text& description, int quantity, int64_t unit_cents,
                      int per_mille, int64_t amount_cents,
                      const v1::Rate* rate) {
  v1::LineItem* line = quote.add_line_items();
  line->set_heading(heading);
  line->set_description(description.In(Language::kEnglish));
  for (Language language : kLanguages) {
    (*line->mutable_descriptions())[std::string(LanguageTag(language))] =
        description.In(language);
  }
  line->set_quantity(quantity);
  *line->mutable_unit_amount() = Euros(unit_cents);
  line->set_per_mille(per_mille);
  *line->mutable_amount() = Euros(amount_cents);
  if (rate != nullptr) line->set_rate(rate->name());
  return line;
}

void Apply(v1::GrantQuote& quote, const v1::Rate* rate) {
  for (const auto& r : quote.applied_rates()) {
    if (r.name() == rate->name()) return;
  }
  *quote.add_applied_rates() = *rate;
}

// DOMAIN.md's limits for one mobility: months for students, activity days for
// staff.
absl::Status CheckDuration(const v1::CalculateGrantRequest& request,
                           const v1::GrantQuote& quote) {
  auto limits = MobilityDurationLimits(
      ToGeneration(request.programme()),
      static_cast<Activity>(request.activity()), request.call_year());
  if (!limits.ok()) return InvalidField("activity", limits.status());
  if (IsStudent(request.activity())) {
    // Checked on the Commission's days: 3 months = 90, 12 months = 360.
    const int days = quote.whole_months() * 30 + quote.extra_days();
    const bool too_short = days < limits->min * 30;
    const bool too_long = days > limits->max * 30;
    if (too_short || too_long) {
      return InvalidField("end_date", Text(common_words::STUDENT_STAY_RANGE,
                                           {{"min", limits->min},
                                            {"max", limits->max},
                                            {"months", quote.whole_months()},
                                            {"days", quote.extra_days()}}));
    }
  } else if (quote.activity_days() < limits->min ||
             quote.activity_days() > limits->max) {
    return InvalidField("end_date", Text(common_words::STAFF_STAY_RANGE,
                                         {{"min", limits->min},
                                          {"max", limits->max},
                                          {"days", quote.activity_days()}}));
  }
  return absl::OkStatus();
}

// The travel line: the green band amount with green travel where the band has
// one, else the standard one. No line below the first band.
absl::Status AddTravel(const v1::CalculateGrantRequest& request,
                       const Route& route, const std::vector<v1::Rate>& rates,
                       v1::GrantQuote& quote) {
  const int km = route.distance_km;
  const v1::Rate* band = nullptr;
  if (request.green_travel()) band = FindTravelRate(rates, request, km, true);
  const bool green_band = band != nullptr;
  if (band == nullptr) band = FindTravelRate(rates, request, km, false);
  if (band == nullptr) {
    int first_km = -1;
    for (const auto& r : rates) {
      if (r.kind() == v1::Rate::TRAVEL && !r.green_travel() &&
          CoversCall(r, request) && (first_km < 0 || r.min_km() < first_km)) {
        first_km = r.min_km();
      }
    }
    if (first_km < 0)
      return Incomplete(CallText(request) + " has no travel table");
    if (km < first_km) return absl::OkStatus();
    return Incomplete(absl::StrCat("no travel band of ", CallText(request),
                                   " covers ", km, " km"));
  }
  Apply(quote, band);
  const int64_t band_cents = band->amount().amount_minor();
  const Value band_text = Value::Phrase(
      band->max_km() == 0 ? Text(words::KM_AND_MORE, {{"min", band->min_km()}})
                          : Text(words::KM_BAND, {{"min", band->min_km()},
                                                  {"max", band->max_km()}}));
  const int64_t exceptional = ExceptionalTravelCents(
      band_cents, request.exceptional_travel_cost_cents());
  if (exceptional > 0) {
    AddLine(quote, v1::LineItem::TRAVEL,
            Text(words::EXCEPTIONAL_TRAVEL_LINE,
                 {{"cost", Value::Money(request.exceptional_travel_cost_cents(),
                                        "EUR")},
                  {"band", band_text}}),
            1, request.exceptional_travel_cost_cents(),
            kExceptionalTravelPaidPerMille, exceptional, nullptr);
    return absl::OkStatus();
  }
  const Words& kind = green_band               ? words::GREEN_TRAVEL
                      : request.green_travel() ? words::GREEN_AT_STANDARD
                                               : words::TRAVEL;
  AddLine(quote, v1::LineItem::TRAVEL,
          Text(words::TRAVEL_LINE, {{"kind", Value::Phrase(Text(kind))},
                                    {"band", band_text},
                                    {"km", km}}),
          1, band_cents, 1000, band_cents, band);
  return absl::OkStatus();
}

// Travel days beyond the standard ones (2 for staff, none for students) are
// funded only with green travel, up to the call's green-travel-days row.
absl::Status CheckGreenTravelDays(const v1::CalculateGrantRequest& request,
                                  const std::vector<v1::Rate>& rates,
                                  v1::GrantQuote& quote) {
  const int standard = IsStudent(request.activity()) ? 0 : kStandardTravelDays;
  if (request.travel_days() <= standard) return absl::OkStatus();
  const v1::Rate* row = FindGreenTravelDays(rates, request);
  if (row == nullptr) {
    return Incomplete(
        absl::StrCat(CallText(request), " has no green-travel days for ",
                     v1::ParticipantKind_Name(KindOf(request.activity()))));
  }
  if (request.travel_days() > row->max_days()) {
    return InvalidField(
        "travel_days",
        Text(IsStudent(request.activity()) ? words::GREEN_TRAVEL_STUDENT_MAX
                                           : words::GREEN_TRAVEL_STAFF_MAX,
             {{"max", row->max_days()}}));
  }
  Apply(quote, row);
  return absl::OkStatus();
}

}  // namespace

Endpoint EndpointOf(const agreements::v1::Institution& institution) {
  return Endpoint{institution.country_code(), institution.latitude(),
                  institution.longitude()};
}

void ValidateProgrammeCall(v1::Programme programme, int call_year,
                           const std::string& programme_field,
                           const std::string& call_year_field,
                           Violations& violations) {
  if (programme != v1::KA107 && programme != v1::KA171) {
    violations.Add(programme_field, Text(common_words::PROGRAMME_CODE));
    return;
  }
  const CallYearRange calls = ProgrammeCallYears(ToGeneration(programme));
  if (call_year < calls.first || call_year > calls.last) {
    violations.Add(call_year_field, Text(words::CALL_YEARS,
                                         {{"first", absl::StrCat(calls.first)},
                                          {"last", absl::StrCat(calls.last)}}));
  }
}

void ValidateCalculation(const v1::CalculateGrantRequest& request,
                         const std::string& prefix, Violations& violations) {
  ValidateProgrammeCall(request.programme(), request.call_year(),
                        Field(prefix, "programme"), Field(prefix, "call_year"),
                        violations);
  if (request.activity() == v1::ACTIVITY_UNSPECIFIED ||
      !v1::Activity_IsValid(request.activity())) {
    violations.Add(Field(prefix, "activity"), Text(common_words::REQUIRED));
  }
  for (const auto& [field, name] :
       {std::pair<const char*, const std::string*>{
            "sending_institution", &request.sending_institution()},
        {"receiving_institution", &request.receiving_institution()}}) {
    if (!ParseResourceName("", *name, "institutions").ok()) {
      violations.Add(Field(prefix, field),
                     Text(common_words::INSTITUTION_NAME));
    }
  }
  if (!request.sending_institution().empty() &&
      request.sending_institution() == request.receiving_institution()) {
    violations.Add(Field(prefix, "receiving_institution"),
                   Text(words::SAME_INSTITUTION));
  }
  if (request.official_distance_km() < 0 ||
      request.official_distance_km() > kMaxOfficialDistanceKm) {
    violations.Add(Field(prefix, "official_distance_km"),
                   Text(common_words::BETWEEN,
                        {{"min", 0}, {"max", kMaxOfficialDistanceKm}}));
  }
  const bool start_ok = IsValidDate(request.start_date());
  const bool end_ok = IsValidDate(request.end_date());
  if (!start_ok)
    violations.Add(Field(prefix, "start_date"),
                   Text(common_words::CALENDAR_DATE));
  if (!end_ok)
    violations.Add(Field(prefix, "end_date"),
                   Text(common_words::CALENDAR_DATE));
  if (start_ok && end_ok &&
      ToCivilDay(request.end_date()) < ToCivilDay(request.start_date())) {
    violations.Add(Field(prefix, "end_date"),
                   Text(common_words::END_BEFORE_START));
  }
  if (request.travel_days() < 0 || request.travel_days() > kMaxTravelDays) {
    violations.Add(
        Field(prefix, "travel_days"),
        Text(common_words::BETWEEN, {{"min", 0}, {"max", kMaxTravelDays}}));
  } else if (!request.green_travel() && IsStudent(request.activity()) &&
             request.travel_days() != 0) {
    violations.Add(Field(prefix, "travel_days"),
                   Text(words::STUDENT_TRAVEL_DAYS));
  } else if (!request.green_travel() &&
             request.travel_days() > kStandardTravelDays) {
    violations.Add(Field(prefix, "travel_days"),
                   Text(words::TRAVEL_DAYS_PLAIN));
  }
  if (request.green_travel() && request.programme() != v1::KA171) {
    violations.Add(Field(prefix, "green_travel"),
                   Text(words::GREEN_TRAVEL_KA171));
  }
  for (const auto& [field, cents] :
       {std::pair<const char*, int64_t>{"special_needs_cost_cents",
                                        request.special_needs_cost_cents()},
        {"exceptional_travel_cost_cents",
         request.exceptional_travel_cost_cents()}}) {
    if (cents < 0 || cents > kMaxRealCostCents) {
      violations.Add(Field(prefix, field),
                     Text(words::AMOUNT_AT_MOST,
                          {{"max", Value::Money(kMaxRealCostCents, "EUR")}}));
    }
  }
}

void CheckAgainstCondition(
    const v1::CalculateGrantRequest& request,
    const agreements::v1::CooperationCondition& condition,
    const std::string& prefix, Violations& violations) {
  if (request.sending_institution() != condition.sending_institution()) {
    violations.Add(Field(prefix, "sending_institution"),
                   Text(words::CONDITION_SENDING));
  }
  if (request.receiving_institution() != condition.receiving_institution()) {
    violations.Add(Field(prefix, "receiving_institution"),
                   Text(words::CONDITION_RECEIVING));
  }
  // The two enums list the same four activities under the same numbers.
  if (static_cast<int>(request.activity()) !=
      static_cast<int>(condition.mobility_type())) {
    violations.Add(Field(prefix, "activity"), Text(words::CONDITION_ACTIVITY));
  }
}

absl::StatusOr<Route> RouteBetween(const v1::CalculateGrantRequest& request,
                                   const Endpoint& sending,
                                   const Endpoint& receiving) {
  const CountryStatus from =
      StatusForCall(sending.country_code, request.call_year());
  const CountryStatus to =
      StatusForCall(receiving.country_code, request.call_year());
  Route route;
  if (from == CountryStatus::kPartner && to == CountryStatus::kProgramme) {
    route.direction = v1::PARTNER_TO_PROGRAMME;
    route.receiving_country = receiving.country_code;
  } else if (from == CountryStatus::kProgramme &&
             to == CountryStatus::kPartner) {
    route.direction = v1::PROGRAMME_TO_PARTNER;
  } else {
    return Error(
        absl::StatusCode::kFailedPrecondition,
        "NOT_INTERNATIONAL_CREDIT_MOBILITY",
        Text(words::NOT_ICM, {{"from", sending.country_code},
                              {"to", receiving.country_code},
                              {"year", absl::StrCat(request.call_year())}}));
  }
  // Only regions the programme's calls name are funded.
  const Endpoint& partner_side =
      route.direction == v1::PARTNER_TO_PROGRAMME ? sending : receiving;
  if (absl::Status s = CheckEligiblePartnerCountry(
          partner_side.country_code, ToGeneration(request.programme()));
      !s.ok()) {
    return s;
  }
  route.distance_km =
      request.official_distance_km() > 0
          ? request.official_distance_km()
          : GreatCircleKm(sending.latitude, sending.longitude,
                          receiving.latitude, receiving.longitude);
  return route;
}

absl::StatusOr<v1::GrantQuote> PriceMobility(
    const v1::CalculateGrantRequest& request, const Route& route,
    const std::vector<v1::Rate>& rates, bool enforce_duration_limits) {
  v1::GrantQuote quote;
  *quote.mutable_request() = request;
  quote.set_direction(route.direction);
  quote.set_country_group(route.country_group);
  quote.set_distance_km(route.distance_km);
  const absl::CivilDay start = ToCivilDay(request.start_date());
  const absl::CivilDay end = ToCivilDay(request.end_date());
  if (IsStudent(request.activity())) {
    StayLength stay = StudentStayLength(start, end);
    quote.set_whole_months(stay.whole_months);
    quote.set_extra_days(stay.extra_days);
  } else {
    quote.set_activity_days(InclusiveDays(start, end));
  }
  if (enforce_duration_limits) {
    if (absl::Status s = CheckDuration(request, quote); !s.ok()) return s;
  }
  if (request.zero_grant()) {
    *quote.mutable_total() =
        Euros(0);  // Counts against the agreement, pays nothing.
    return quote;
  }

  if (absl::Status s = AddTravel(request, route, rates, quote); !s.ok())
    return s;
  if (absl::Status s = CheckGreenTravelDays(request, rates, quote); !s.ok())
    return s;
  if (route.direction == v1::PARTNER_TO_PROGRAMME) {
    const v1::Rate* group = FindCountryGroup(rates, request, route);
    // Settlement repeats the agreed group; grants agreed before groups were
    // rows have none among their applied rates.
    const bool agreed_group = route.receiving_country.empty();
    if (group == nullptr && !agreed_group) {
      return Incomplete(
          absl::StrCat(CallText(request), " puts ",
                       route.receiving_country.empty()
                           ? absl::StrCat("group ", route.country_group)
                           : route.receiving_country,
                       " in no country group for ",
                       v1::ParticipantKind_Name(KindOf(request.activity()))));
    }
    if (group != nullptr) {
      Apply(quote, group);
      quote.set_country_group(group->country_group());
    }
  }
  const v1::Rate* support = FindSupportRate(
      rates, request, {route.direction, quote.country_group(), 0, ""});
  if (support == nullptr) {
    return Incomplete(
        absl::StrCat(CallText(request), " has no individual-support rate for ",
                     v1::ParticipantKind_Name(KindOf(request.activity())), " ",
                     v1::Direction_Name(route.direction),
                     route.direction == v1::PARTNER_TO_PROGRAMME
                         ? absl::StrCat(" group ", quote.country_group())
                         : ""));
  }
  Apply(quote, support);
  const int64_t rate = support->amount().amount_minor();
  if (IsStudent(request.activity())) {
    StudentSupport s =
        StudentSupportCents({quote.whole_months(), quote.extra_days()}, rate);
    if (quote.whole_months() > 0) {
      AddLine(quote, v1::LineItem::INDIVIDUAL_SUPPORT,
              Text(words::MONTHS_LINE, {{"months", quote.whole_months()},
                                        {"rate", Value::Money(rate, "EUR")}}),
              quote.whole_months(), rate, 1000, s.months_cents, support);
    }
    if (quote.extra_days() > 0) {
      AddLine(quote, v1::LineItem::INDIVIDUAL_SUPPORT,
              Text(words::DAYS_LINE, {{"days", quote.extra_days()},
                                      {"rate", Value::Money(rate, "EUR")}}),
              quote.extra_days(), rate, 1000, s.days_cents, support);
    }
    if (request.travel_days() > 0) {
      AddLine(
          quote, v1::LineItem::INDIVIDUAL_SUPPORT,
          Text(words::GREEN_DAYS_LINE, {{"days", request.travel_days()},
                                        {"rate", Value::Money(rate, "EUR")}}),
          request.travel_days(), rate, 1000,
          StudentSupportCents({0, request.travel_days()}, rate).days_cents,
          support);
    }
  } else {
    StaffSupport s =
        StaffSupportCents(quote.activity_days() + request.travel_days(), rate);
    AddLine(quote, v1::LineItem::INDIVIDUAL_SUPPORT,
            Text(words::STAFF_DAYS_LINE, {{"days", s.full_rate_days},
                                          {"activity", quote.activity_days()},
                                          {"travel", request.travel_days()},
                                          {"rate", Value::Money(rate, "EUR")}}),
            s.full_rate_days, rate, 1000, s.full_rate_cents, support);
    if (s.reduced_rate_days > 0) {
      AddLine(quote, v1::LineItem::INDIVIDUAL_SUPPORT,
              Text(words::STAFF_REDUCED_LINE,
                   {{"days", s.reduced_rate_days},
                    {"rate", Value::Money(rate, "EUR")}}),
              s.reduced_rate_days, rate, kStaffReducedPerMille,
              s.reduced_rate_cents, support);
    }
  }
  if (request.special_needs_cost_cents() > 0) {
    AddLine(quote, v1::LineItem::INCLUSION_SUPPORT,
            Text(words::SPECIAL_NEEDS_LINE), 1,
            request.special_needs_cost_cents(), 1000,
            request.special_needs_cost_cents(), nullptr);
  }
  int64_t total = 0;
  for (const auto& line : quote.line_items())
    total += line.amount().amount_minor();
  *quote.mutable_total() = Euros(total);
  return quote;
}

int64_t HeadingTotal(const v1::GrantQuote& quote,
                     v1::LineItem::Heading heading) {
  int64_t total = 0;
  for (const auto& line : quote.line_items()) {
    if (line.heading() == heading) total += line.amount().amount_minor();
  }
  return total;
}

}  // namespace mobility::grants
