// Settlement from the real stay (DOMAIN.md "Grants"): days outside the agreed
// period earn nothing, and a stay below the programme minimum earns nothing
// unless the funder accepted force majeure.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/reference_data.h"
#include "common/status.h"
#include "common/types.h"
#include "services/grants/grant_math.h"
#include "services/grants/grant_rules.h"
#include "services/grants/words.h"

namespace mobility::grants {

namespace {

// Why a real stay is not eligible: shorter than the programme minimum of the
// grant's call, counted as DOMAIN.md counts stays. nullopt when long enough.
std::optional<Text> ShorterThanMinimum(const v1::CalculateGrantRequest& agreed,
                                       absl::CivilDay actual_start,
                                       absl::CivilDay actual_end) {
  const Activity activity = static_cast<Activity>(agreed.activity());
  auto limits = MobilityDurationLimits(agreed.programme() == v1::KA107
                                           ? ProgrammeGeneration::kKa107
                                           : ProgrammeGeneration::kKa171,
                                       activity, agreed.call_year());
  if (!limits.ok()) return std::nullopt;  // Agreed, so it was eligible.
  if (IsStudentActivity(activity)) {
    const int days = StudentStayDays(actual_start, actual_end);
    if (days >= limits->min * 30) return std::nullopt;
    return Text(words::STAY_SHORTER_STUDENT,
                {{"days", days}, {"min", limits->min * 30}});
  }
  const int days = InclusiveDays(actual_start, actual_end);
  if (days >= limits->min) return std::nullopt;
  return Text(words::STAY_SHORTER_STAFF,
              {{"days", days}, {"min", limits->min}});
}

}  // namespace

absl::StatusOr<v1::GrantQuote> SettleQuote(const v1::GrantQuote& agreed,
                                           absl::CivilDay actual_start,
                                           absl::CivilDay actual_end,
                                           bool force_majeure) {
  const std::optional<Text> too_short =
      ShorterThanMinimum(agreed.request(), actual_start, actual_end);
  if (force_majeure && !too_short.has_value()) {
    return InvalidField("force_majeure", Text(words::FORCE_MAJEURE_NOT_SHORT));
  }
  const absl::CivilDay start =
      std::max(actual_start, ToCivilDay(agreed.request().start_date()));
  const absl::CivilDay end =
      std::min(actual_end, ToCivilDay(agreed.request().end_date()));
  v1::CalculateGrantRequest request = agreed.request();
  *request.mutable_start_date() = ToDate(start);
  *request.mutable_end_date() = ToDate(end);
  if (end < start || (too_short.has_value() && !force_majeure)) {
    // Not eligible, or no day of the real stay in the agreed period: nothing
    // is due, and what was paid is recovered.
    v1::GrantQuote nothing;
    *nothing.mutable_request() = request;
    *nothing.mutable_total() = Euros(0);
    const Text why = too_short.value_or(Text(words::NO_DAY_IN_PERIOD));
    nothing.set_not_eligible_reason(why.In(Language::kEnglish));
    for (Language language : kLanguages) {
      (*nothing.mutable_not_eligible_reasons())[std::string(
          LanguageTag(language))] = why.In(language);
    }
    return nothing;
  }
  Route route{agreed.direction(), agreed.country_group(), agreed.distance_km(),
              ""};
  std::vector<v1::Rate> rates(agreed.applied_rates().begin(),
                              agreed.applied_rates().end());
  return PriceMobility(request, route, rates,
                       /*enforce_duration_limits=*/false);
}

}  // namespace mobility::grants
