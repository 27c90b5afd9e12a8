#include "services/grants/rates.h"

#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/api.h"
#include "common/common_words.h"
#include "common/idempotency.h"
#include "common/reference_data.h"
#include "common/status.h"
#include "common/types.h"
#include "services/grants/grant_math.h"
#include "services/grants/grant_rules.h"
#include "services/grants/words.h"

namespace mobility::grants {

void Rates::ListRates(const v1::ListRatesRequest& request,
                      const CallContext& call,
                      Then<v1::ListRatesResponse> reply) {
  auto page_size = EffectivePageSize(request.page_size());
  if (!page_size.ok()) return reply(page_size.status());
  if (!v1::Programme_IsValid(request.programme())) {
    return reply(InvalidField("programme", Text(common_words::PROGRAMME_CODE)));
  }
  std::string query =
      absl::StrCat("rates?programme=", request.programme(),
                   "&check=", request.needs_confirmation_only());
  auto after = DecodePageToken(request.page_token(), query);
  if (!after.ok()) return reply(after.status());
  reads_->ListRates(
      request.programme(), request.needs_confirmation_only(), call.limit,
      *after, *page_size + 1,
      [page_size = *page_size, query = std::move(query),
       reply = std::move(reply)](absl::StatusOr<std::vector<v1::Rate>> rows) {
        if (!rows.ok()) return reply(rows.status());
        v1::ListRatesResponse response;
        response.set_next_page_token(TakePage(
            *rows, page_size, query,
            [&](v1::Rate r) { *response.add_rates() = std::move(r); },
            [](const v1::Rate& r) { return ResourceIdOf(r.name()); }));
        reply(std::move(response));
      });
}

namespace {

void ValidateRate(const v1::Rate& r, Violations& v) {
  if (r.kind() == v1::Rate::KIND_UNSPECIFIED ||
      !v1::Rate::Kind_IsValid(r.kind())) {
    v.Add("rate.kind", Text(words::RATE_KIND));
  }
  ValidateProgrammeCall(r.programme(), r.first_call_year(), "rate.programme",
                        "rate.first_call_year", v);
  if (r.last_call_year() < r.first_call_year()) {
    v.Add("rate.last_call_year", Text(words::LAST_CALL_BEFORE_FIRST));
  }
  CheckEuros(r.amount(), "rate.amount", v);
  const bool kind_required = r.kind() == v1::Rate::INDIVIDUAL_SUPPORT ||
                             r.kind() == v1::Rate::GREEN_TRAVEL_DAYS;
  if (kind_required && r.participant_kind() != v1::STUDENT &&
      r.participant_kind() != v1::STAFF) {
    v.Add("rate.participant_kind", Text(common_words::PARTICIPANT_KIND));
  }
  switch (r.kind()) {
    case v1::Rate::TRAVEL:
      if (r.min_km() < 0)
        v.Add("rate.min_km", Text(common_words::NOT_NEGATIVE));
      if (r.max_km() != 0 && r.max_km() < r.min_km()) {
        v.Add("rate.max_km", Text(words::MAX_KM));
      }
      break;
    case v1::Rate::INDIVIDUAL_SUPPORT:
      if (r.direction() == v1::PARTNER_TO_PROGRAMME &&
          (r.country_group() < 1 || r.country_group() > 4)) {
        v.Add("rate.country_group", Text(words::GROUP_TO_PROGRAMME));
      } else if (r.direction() == v1::PROGRAMME_TO_PARTNER &&
                 r.country_group() != 0) {
        v.Add("rate.country_group", Text(words::GROUP_TO_PARTNER));
      } else if (r.direction() != v1::PARTNER_TO_PROGRAMME &&
                 r.direction() != v1::PROGRAMME_TO_PARTNER) {
        v.Add("rate.direction", Text(common_words::REQUIRED));
      }
      break;
    case v1::Rate::COUNTRY_GROUP:
      if (r.country_group() < 1 || r.country_group() > 4) {
        v.Add("rate.country_group", Text(words::GROUP_RANGE));
      }
      if (r.country_codes().empty()) {
        v.Add("rate.country_codes", Text(words::NAME_A_COUNTRY));
      }
      for (int i = 0; i < r.country_codes_size(); ++i) {
        const std::string& code = r.country_codes(i);
        if (!CountryName(code).has_value() ||
            StatusForCall(code, r.last_call_year()) !=
                CountryStatus::kProgramme) {
          v.Add(absl::StrCat("rate.country_codes[", i, "]"),
                Text(words::PROGRAMME_COUNTRY_OF_CALL,
                     {{"year", absl::StrCat(r.last_call_year())}}));
        }
      }
      break;
    case v1::Rate::GREEN_TRAVEL_DAYS:
      if (r.programme() != v1::KA171) {
        v.Add("rate.programme", Text(words::GREEN_FROM_KA171));
      }
      if (r.max_days() < 1 || r.max_days() > 30) {
        v.Add("rate.max_days",
              Text(common_words::BETWEEN, {{"min", 1}, {"max", 30}}));
      }
      break;
    default:
      break;
  }
}

// FAILED_PRECONDITION when another row would apply to the same mobilities: a
// quote must find exactly one rate.
absl::Status CheckNoOverlap(GrantsStore& store, const std::string& id,
                            const v1::Rate& rate) {
  MOBILITY_RETURN_IF_ERROR(store.LockRates());
  MOBILITY_ASSIGN_OR_RETURN(const std::string other,
                            store.OverlappingRate(id, rate));
  if (other.empty()) return absl::OkStatus();
  return Error(absl::StatusCode::kFailedPrecondition, "RATES_OVERLAP",
               absl::StrCat("the row would apply to mobilities ", other,
                            " already covers; correct that row instead"),
               Text(words::RATES_OVERLAP));
}

}  // namespace

absl::StatusOr<v1::Rate> Rates::CreateRate(const v1::CreateRateRequest& request,
                                           const CallContext& call) {
  Violations violations;
  ValidateRate(request.rate(), violations);
  if (!ValidateRequestId("request_id", request.request_id()).ok()) {
    violations.Add("request_id", Text(common_words::REQUEST_ID));
  }
  if (!violations.empty()) return violations.ToStatus("INVALID_RATE");
  v1::Rate created;
  absl::Status status = store_->Transact(call.limit, [&](GrantsStore& store) {
    return RunIdempotent(
        store, "CreateRate", call.principal, request.request_id(), request,
        &created, [&] {
          const std::string id = NewResourceId();
          created = request.rate();
          created.set_name("rates/" + id);
          *created.mutable_update_time() = ToTimestamp(Now());
          created.set_etag(Etag(created.name(), 1));
          if (auto s = CheckNoOverlap(store, id, created); !s.ok()) return s;
          MOBILITY_RETURN_IF_ERROR(store.InsertRate(id, created));
          return absl::OkStatus();
        });
  });
  rate_tables_->Forget("");
  if (!status.ok()) return status;
  return created;
}

absl::StatusOr<v1::Rate> Rates::UpdateRate(const v1::UpdateRateRequest& request,
                                           const CallContext& call) {
  auto id = ParseResourceName("rate.name", request.rate().name(), "rates");
  if (!id.ok()) return id.status();
  if (auto s = ValidateRequestId("request_id", request.request_id()); !s.ok())
    return s;
  static const std::set<std::string> kPaths = {
      "amount",          "needs_confirmation",
      "first_call_year", "last_call_year",
      "min_km",          "max_km",
      "country_codes",   "max_days"};
  for (int i = 0; i < request.update_mask().paths_size(); ++i) {
    if (kPaths.count(request.update_mask().paths(i)) == 0) {
      return InvalidField(absl::StrCat("update_mask.paths[", i, "]"),
                          Text(common_words::ONE_OF,
                               {{"allowed", absl::StrJoin(kPaths, ", ")}}));
    }
  }
  if (request.update_mask().paths_size() == 0) {
    return InvalidField("update_mask", Text(common_words::UPDATE_MASK_EMPTY));
  }
  v1::Rate updated;
  absl::Status status = store_->Transact(call.limit, [&](GrantsStore& store) {
    return RunIdempotent(
        store, "UpdateRate", call.principal, request.request_id(), request,
        &updated, [&]() -> absl::Status {
          auto current = store.GetRate(*id);
          if (!current.ok()) return current.status();
          if (auto s = CheckEtag(request.rate().etag(), current->first.etag());
              !s.ok())
            return s;
          updated = current->first;
          for (const auto& path : request.update_mask().paths()) {
            if (path == "amount")
              *updated.mutable_amount() = request.rate().amount();
            if (path == "needs_confirmation") {
              updated.set_needs_confirmation(
                  request.rate().needs_confirmation());
            }
            if (path == "first_call_year")
              updated.set_first_call_year(request.rate().first_call_year());
            if (path == "last_call_year")
              updated.set_last_call_year(request.rate().last_call_year());
            if (path == "min_km") updated.set_min_km(request.rate().min_km());
            if (path == "max_km") updated.set_max_km(request.rate().max_km());
            if (path == "country_codes") {
              *updated.mutable_country_codes() = request.rate().country_codes();
            }
            if (path == "max_days")
              updated.set_max_days(request.rate().max_days());
          }
          Violations violations;
          ValidateRate(updated, violations);
          if (!violations.empty()) return violations.ToStatus("INVALID_RATE");
          *updated.mutable_update_time() = ToTimestamp(Now());
          updated.set_etag(Etag(updated.name(), current->second + 1));
          if (auto s = CheckNoOverlap(store, *id, updated); !s.ok()) return s;
          MOBILITY_RETURN_IF_ERROR(
              store.UpdateRate(*id, updated, current->second + 1));
          return absl::OkStatus();
        });
  });
  rate_tables_->Forget("");
  if (!status.ok()) return status;
  return updated;
}

}  // namespace mobility::grants
