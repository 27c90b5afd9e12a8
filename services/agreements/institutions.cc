#include "services/agreements/institutions.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api.h"
#include "common/common_words.h"
#include "common/idempotency.h"
#include "common/reference_data.h"
#include "common/status.h"
#include "common/types.h"
#include "services/agreements/agreement_rules.h"
#include "services/agreements/agreements_store.h"
#include "services/agreements/words.h"

namespace mobility::agreements {
namespace {

// The mutable fields of an institution, for update masks.
const std::set<std::string>& InstitutionMaskPaths() {
  static const auto* paths = new std::set<std::string>{
      "display_name", "erasmus_code", "schac_id", "country_code",
      "city",         "latitude",     "longitude"};
  return *paths;
}

void CopyInstitutionFields(const v1::Institution& from,
                           const std::set<std::string>& paths,
                           v1::Institution& to) {
  if (paths.count("display_name")) to.set_display_name(from.display_name());
  if (paths.count("erasmus_code")) to.set_erasmus_code(from.erasmus_code());
  if (paths.count("schac_id")) to.set_schac_id(from.schac_id());
  if (paths.count("country_code")) to.set_country_code(from.country_code());
  if (paths.count("city")) to.set_city(from.city());
  if (paths.count("latitude")) to.set_latitude(from.latitude());
  if (paths.count("longitude")) to.set_longitude(from.longitude());
}

}  // namespace

absl::StatusOr<v1::Institution> Institutions::CreateInstitution(
    const v1::CreateInstitutionRequest& request, const CallContext& call) {
  Violations violations;
  ValidateInstitution(request.institution(), "institution", violations);
  if (!request.institution_id().empty() &&
      !IsValidResourceId(request.institution_id())) {
    violations.Add("institution_id", Text(common_words::RESOURCE_ID));
  }
  if (!ValidateRequestId("request_id", request.request_id()).ok()) {
    violations.Add("request_id", Text(common_words::REQUEST_ID));
  }
  if (!violations.empty()) return violations.ToStatus("INVALID_INSTITUTION");

  const std::string id = request.institution_id().empty()
                             ? NewResourceId()
                             : request.institution_id();
  v1::Institution created;
  absl::Status status =
      store_->Transact(call.limit, [&](AgreementsStore& store) {
        return RunIdempotent(
            store, "CreateInstitution", call.principal, request.request_id(),
            request, &created, [&] {
              created = request.institution();
              created.set_name("institutions/" + id);
              created.set_entered_by(call.principal.institution);
              *created.mutable_create_time() = ToTimestamp(Now());
              *created.mutable_update_time() = created.create_time();
              created.set_etag(Etag(created.name(), 1));
              MOBILITY_RETURN_IF_ERROR(store.InsertInstitution(id, created, 1));
              return absl::OkStatus();
            });
      });
  if (status.code() == absl::StatusCode::kAlreadyExists) {
    return Error(absl::StatusCode::kAlreadyExists, "INSTITUTION_EXISTS",
                 Text(words::INSTITUTION_EXISTS));
  }
  if (!status.ok()) return status;
  return created;
}

void Institutions::GetInstitution(const v1::GetInstitutionRequest& request,
                                  const CallContext& call,
                                  Then<v1::Institution> reply) {
  auto id = ParseResourceName("name", request.name(), "institutions");
  if (!id.ok()) return reply(id.status());
  reads_->GetInstitution(call.limit, *id, std::move(reply));
}

void Institutions::ListInstitutions(const v1::ListInstitutionsRequest& request,
                                    const CallContext& call,
                                    Then<v1::ListInstitutionsResponse> reply) {
  auto page_size = EffectivePageSize(request.page_size());
  if (!page_size.ok()) return reply(page_size.status());
  if (!request.country_code().empty() &&
      !CountryName(request.country_code()).has_value()) {
    return reply(
        InvalidField("country_code", Text(common_words::COUNTRY_CODE)));
  }
  const std::string query =
      absl::StrCat("institutions?country=", request.country_code());
  auto after = DecodePageToken(request.page_token(), query);
  if (!after.ok()) return reply(after.status());
  // One row more than the page tells whether another page follows.
  reads_->ListInstitutions(
      call.limit, request.country_code(), *after, *page_size + 1,
      [page_size = *page_size, query, reply = std::move(reply)](
          absl::StatusOr<std::vector<v1::Institution>> rows) {
        if (!rows.ok()) return reply(rows.status());
        v1::ListInstitutionsResponse response;
        response.set_next_page_token(TakePage(
            *rows, page_size, query,
            [&](v1::Institution i) {
              *response.add_institutions() = std::move(i);
            },
            [](const v1::Institution& i) { return ResourceIdOf(i.name()); }));
        reply(std::move(response));
      });
}

absl::StatusOr<v1::Institution> Institutions::UpdateInstitution(
    const v1::UpdateInstitutionRequest& request, const CallContext& call) {
  auto id = ParseResourceName("institution.name", request.institution().name(),
                              "institutions");
  if (!id.ok()) return id.status();
  if (auto s = ValidateRequestId("request_id", request.request_id()); !s.ok())
    return s;
  auto paths = UpdateMaskPaths(request.update_mask(), InstitutionMaskPaths());
  if (!paths.ok()) return paths.status();
  v1::Institution updated;
  absl::Status status =
      store_->Transact(call.limit, [&](AgreementsStore& store) {
        return RunIdempotent(
            store, "UpdateInstitution", call.principal, request.request_id(),
            request, &updated, [&]() -> absl::Status {
              auto current = store.GetInstitution(*id, /*for_update=*/true);
              if (!current.ok()) return current.status();
              // The institution is the authority on its own record; the one
              // that entered a partner's record may correct it.
              const Principal& caller = call.principal;
              if (!caller.ActsFor(current->first.name()) &&
                  !caller.ActsFor(current->first.entered_by())) {
                return Error(absl::StatusCode::kPermissionDenied,
                             "NOT_YOUR_RECORD",
                             absl::StrCat("only ", current->first.name(),
                                          " or the institution that entered "
                                          "its record changes it"),
                             Text(words::NOT_YOUR_RECORD));
              }
              if (auto s = CheckEtag(request.institution().etag(),
                                     current->first.etag());
                  !s.ok()) {
                return s;
              }
              updated = current->first;
              CopyInstitutionFields(request.institution(), *paths, updated);
              Violations violations;
              ValidateInstitution(updated, "institution", violations);
              if (!violations.empty())
                return violations.ToStatus("INVALID_INSTITUTION");
              const int64_t revision = current->second + 1;
              *updated.mutable_update_time() = ToTimestamp(Now());
              updated.set_etag(Etag(updated.name(), revision));
              MOBILITY_RETURN_IF_ERROR(
                  store.UpdateInstitution(*id, updated, revision));
              return absl::OkStatus();
            });
      });
  if (!status.ok()) return status;
  return updated;
}

}  // namespace mobility::agreements
