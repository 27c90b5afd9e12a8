#include "services/agreements/agreements.h"

#include <google/protobuf/util/time_util.h>

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api.h"
#include "common/idempotency.h"
#include "common/reference_data.h"
#include "common/status.h"
#include "common/types.h"
#include "services/agreements/agreement_rules.h"
#include "services/agreements/agreements_store.h"

namespace mobility::agreements {
namespace {

constexpr size_t kMaxAllocationKey = 200;
constexpr size_t kMaxTerminationReason = 1000;

// The mutable fields of an institution, for update masks.
const std::set<std::string>& InstitutionMaskPaths() {
  static const auto* paths = new std::set<std::string>{
      "display_name", "erasmus_code", "schac_id", "country_code",
      "city",         "latitude",     "longitude"};
  return *paths;
}

const std::set<std::string>& AgreementMaskPaths() {
  static const auto* paths =
      new std::set<std::string>{"programme",
                                "reference_number",
                                "title",
                                "partners",
                                "first_academic_year",
                                "last_academic_year",
                                "cooperation_conditions"};
  return *paths;
}

// The paths of `mask`, all mutable ones when it is empty (a full replacement,
// AIP-134).
absl::StatusOr<std::set<std::string>> MaskPaths(
    const google::protobuf::FieldMask& mask,
    const std::set<std::string>& allowed) {
  if (mask.paths_size() == 0) return allowed;
  Violations violations;
  std::set<std::string> paths;
  for (int i = 0; i < mask.paths_size(); ++i) {
    if (mask.paths(i) == "*") return allowed;
    if (allowed.count(mask.paths(i)) == 0) {
      violations.Add(
          absl::StrCat("update_mask.paths[", i, "]"),
          absl::StrCat("must be one of: ", absl::StrJoin(allowed, ", ")));
    }
    paths.insert(mask.paths(i));
  }
  if (!violations.empty()) return violations.ToStatus("INVALID_UPDATE_MASK");
  return paths;
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

void CopyAgreementFields(const v1::Agreement& from,
                         const std::set<std::string>& paths,
                         v1::Agreement& to) {
  if (paths.count("programme")) to.set_programme(from.programme());
  if (paths.count("reference_number"))
    to.set_reference_number(from.reference_number());
  if (paths.count("title")) to.set_title(from.title());
  if (paths.count("partners")) *to.mutable_partners() = from.partners();
  if (paths.count("first_academic_year"))
    to.set_first_academic_year(from.first_academic_year());
  if (paths.count("last_academic_year"))
    to.set_last_academic_year(from.last_academic_year());
  if (paths.count("cooperation_conditions")) {
    *to.mutable_cooperation_conditions() = from.cooperation_conditions();
  }
}

std::vector<std::string> PartnerNames(const v1::Agreement& agreement) {
  std::vector<std::string> names;
  for (const auto& p : agreement.partners()) names.push_back(p.institution());
  return names;
}

absl::Status ValidateAgainstStore(AgreementsStore& store,
                                  const v1::Agreement& agreement) {
  Violations violations;
  ValidateAgreement(agreement,
                    store.InstitutionCountries(PartnerNames(agreement)),
                    "agreement", violations);
  return violations.ToStatus("INVALID_AGREEMENT");
}

// Stamps a new revision: hash, approval state, etag and update time.
void NewRevision(v1::Agreement& agreement, absl::Time now) {
  agreement.set_revision(agreement.revision() + 1);
  *agreement.mutable_update_time() = ToTimestamp(now);
  agreement.set_etag(Etag(agreement.name(), agreement.revision()));
}

const v1::CooperationCondition* FindCondition(const v1::Agreement& agreement,
                                              const std::string& id) {
  for (const auto& c : agreement.cooperation_conditions()) {
    if (c.id() == id) return &c;
  }
  return nullptr;
}

}  // namespace

absl::Time Agreements::Now() const {
  return absl::FromUnixMicros(absl::ToUnixMicros(clock_()));
}

absl::StatusOr<v1::Institution> Agreements::CreateInstitution(
    const v1::CreateInstitutionRequest& request, const CallContext& call) {
  Violations violations;
  ValidateInstitution(request.institution(), "institution", violations);
  if (!request.institution_id().empty() &&
      !IsValidResourceId(request.institution_id())) {
    violations.Add(
        "institution_id",
        "must be 4-63 characters of [a-z0-9-], starting with a letter");
  }
  if (!ValidateRequestId("request_id", request.request_id()).ok()) {
    violations.Add("request_id", "must be a UUID");
  }
  if (!violations.empty()) return violations.ToStatus("INVALID_INSTITUTION");

  const std::string id = request.institution_id().empty()
                             ? NewResourceId()
                             : request.institution_id();
  v1::Institution created;
  absl::Status status =
      store_->Transact(call.limit, [&](AgreementsStore& store) {
        return RunIdempotent(
            store, "CreateInstitution", request.request_id(), request, &created,
            [&] {
              created = request.institution();
              created.set_name("institutions/" + id);
              *created.mutable_create_time() = ToTimestamp(Now());
              *created.mutable_update_time() = created.create_time();
              created.set_etag(Etag(created.name(), 1));
              store.InsertInstitution(id, created, 1);
              return absl::OkStatus();
            });
      });
  if (status.code() == absl::StatusCode::kAlreadyExists) {
    return Error(
        absl::StatusCode::kAlreadyExists, "INSTITUTION_EXISTS",
        "an institution with this id, Erasmus code or SCHAC id exists");
  }
  if (!status.ok()) return status;
  return created;
}

absl::StatusOr<v1::Institution> Agreements::GetInstitution(
    const v1::GetInstitutionRequest& request, const CallContext& call) {
  auto id = ParseResourceName("name", request.name(), "institutions");
  if (!id.ok()) return id.status();
  return store_->ReadValue(
      call.limit,
      [&](AgreementsStore& store) -> absl::StatusOr<v1::Institution> {
        auto row = store.GetInstitution(*id, /*for_update=*/false);
        if (!row.ok()) return row.status();
        return row->first;
      });
}

absl::StatusOr<v1::ListInstitutionsResponse> Agreements::ListInstitutions(
    const v1::ListInstitutionsRequest& request, const CallContext& call) {
  auto page_size = EffectivePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  if (!request.country_code().empty() &&
      !CountryName(request.country_code()).has_value()) {
    return InvalidField("country_code",
                        "must be an ISO 3166-1 alpha-2 code like \"KZ\"");
  }
  const std::string query =
      absl::StrCat("institutions?country=", request.country_code());
  auto after = DecodePageToken(request.page_token(), query);
  if (!after.ok()) return after.status();
  // One row more than the page tells whether another page follows.
  auto rows = store_->ReadValue(
      call.limit,
      [&](AgreementsStore& store)
          -> absl::StatusOr<std::vector<std::pair<v1::Institution, int64_t>>> {
        return store.ListInstitutions(request.country_code(), *after,
                                      *page_size + 1);
      });
  if (!rows.ok()) return rows.status();
  v1::ListInstitutionsResponse response;
  response.set_next_page_token(TakePage(
      *rows, *page_size, query,
      [&](auto row) { *response.add_institutions() = std::move(row.first); },
      [](const auto& row) { return ResourceIdOf(row.first.name()); }));
  return response;
}

absl::StatusOr<v1::Institution> Agreements::UpdateInstitution(
    const v1::UpdateInstitutionRequest& request, const CallContext& call) {
  auto id = ParseResourceName("institution.name", request.institution().name(),
                              "institutions");
  if (!id.ok()) return id.status();
  if (auto s = ValidateRequestId("request_id", request.request_id()); !s.ok())
    return s;
  auto paths = MaskPaths(request.update_mask(), InstitutionMaskPaths());
  if (!paths.ok()) return paths.status();
  v1::Institution updated;
  absl::Status status =
      store_->Transact(call.limit, [&](AgreementsStore& store) {
        return RunIdempotent(
            store, "UpdateInstitution", request.request_id(), request, &updated,
            [&]() -> absl::Status {
              auto current = store.GetInstitution(*id, /*for_update=*/true);
              if (!current.ok()) return current.status();
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
              store.UpdateInstitution(*id, updated, revision);
              return absl::OkStatus();
            });
      });
  if (!status.ok()) return status;
  return updated;
}

absl::StatusOr<v1::Agreement> Agreements::CreateAgreement(
    const v1::CreateAgreementRequest& request, const CallContext& call) {
  const Principal& caller = call.principal;
  if (!request.agreement_id().empty() &&
      !IsValidResourceId(request.agreement_id())) {
    return InvalidField(
        "agreement_id",
        "must be 4-63 characters of [a-z0-9-], starting with a letter");
  }
  if (auto s = ValidateRequestId("request_id", request.request_id()); !s.ok())
    return s;
  const std::string id =
      request.agreement_id().empty() ? NewResourceId() : request.agreement_id();
  v1::Agreement created;
  absl::Status status =
      store_->Transact(call.limit, [&](AgreementsStore& store) {
        return RunIdempotent(
            store, "CreateAgreement", request.request_id(), request, &created,
            [&]() -> absl::Status {
              CopyAgreementFields(request.agreement(), AgreementMaskPaths(),
                                  created);
              AssignConditionIds(created);
              if (auto s = ValidateAgainstStore(store, created); !s.ok())
                return s;
              created.set_name("agreements/" + id);
              *created.mutable_create_time() = ToTimestamp(Now());
              NewRevision(created, Now());
              SettleApprovalState(created);
              store.InsertAgreement(id, created);
              return absl::OkStatus();
            });
      });
  if (status.code() == absl::StatusCode::kAlreadyExists) {
    return Error(absl::StatusCode::kAlreadyExists, "AGREEMENT_EXISTS",
                 absl::StrCat("agreements/", id, " exists"));
  }
  if (!status.ok()) return status;
  RedactForCaller(created, caller);
  return created;
}

absl::StatusOr<v1::Agreement> Agreements::GetAgreement(
    const v1::GetAgreementRequest& request, const CallContext& call) {
  const Principal& caller = call.principal;
  auto id = ParseResourceName("name", request.name(), "agreements");
  if (!id.ok()) return id.status();
  if (request.revision() < 0)
    return InvalidField("revision", "must not be negative");
  auto found = store_->ReadValue(call.limit, [&](AgreementsStore& store) {
    return request.revision() == 0
               ? store.GetAgreement(*id, /*for_update=*/false)
               : store.GetAgreementRevision(*id, request.revision());
  });
  if (!found.ok()) return found.status();
  RedactForCaller(*found, caller);
  return found;
}

absl::StatusOr<v1::ListAgreementsResponse> Agreements::ListAgreements(
    const v1::ListAgreementsRequest& request, const CallContext& call) {
  const Principal& caller = call.principal;
  auto page_size = EffectivePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  AgreementsStore::AgreementFilter filter;
  Violations violations;
  if (!request.partner_institution().empty()) {
    auto partner = ParseResourceName(
        "partner_institution", request.partner_institution(), "institutions");
    if (partner.ok()) {
      filter.partner_institution_id = *partner;
    } else {
      violations.Add("partner_institution",
                     "must be an institution name \"institutions/{id}\"");
    }
  }
  if (!request.academic_year().empty()) {
    auto year = ParseAcademicYear(request.academic_year());
    if (year.ok()) {
      filter.academic_year = *year;
    } else {
      violations.Add("academic_year", std::string(year.status().message()));
    }
  }
  if (request.state() != v1::Agreement::STATE_UNSPECIFIED) {
    if (v1::Agreement::State_IsValid(request.state())) {
      filter.state = v1::Agreement::State_Name(request.state());
    } else {
      violations.Add("state", "must be DRAFT, APPROVED or TERMINATED");
    }
  }
  if (!violations.empty()) return violations.ToStatus("INVALID_FILTER");
  const std::string query =
      absl::StrCat("agreements?partner=", filter.partner_institution_id,
                   "&year=", filter.academic_year, "&state=", filter.state);
  auto after = DecodePageToken(request.page_token(), query);
  if (!after.ok()) return after.status();
  auto rows = store_->ReadValue(
      call.limit,
      [&](AgreementsStore& store)
          -> absl::StatusOr<std::vector<v1::Agreement>> {
        return store.ListAgreements(filter, *after, *page_size + 1);
      });
  if (!rows.ok()) return rows.status();
  v1::ListAgreementsResponse response;
  response.set_next_page_token(TakePage(
      *rows, *page_size, query,
      [&](v1::Agreement a) {
        RedactForCaller(a, caller);
        *response.add_agreements() = std::move(a);
      },
      [](const v1::Agreement& a) { return ResourceIdOf(a.name()); }));
  return response;
}

absl::StatusOr<v1::Agreement> Agreements::UpdateAgreement(
    const v1::UpdateAgreementRequest& request, const CallContext& call) {
  const Principal& caller = call.principal;
  auto id = ParseResourceName("agreement.name", request.agreement().name(),
                              "agreements");
  if (!id.ok()) return id.status();
  if (auto s = ValidateRequestId("request_id", request.request_id()); !s.ok())
    return s;
  auto paths = MaskPaths(request.update_mask(), AgreementMaskPaths());
  if (!paths.ok()) return paths.status();
  v1::Agreement updated;
  absl::Status status =
      store_->Transact(call.limit, [&](AgreementsStore& store) {
        return RunIdempotent(
            store, "UpdateAgreement", request.request_id(), request, &updated,
            [&]() -> absl::Status {
              auto current = store.GetAgreement(*id, /*for_update=*/true);
              if (!current.ok()) return current.status();
              if (auto s =
                      CheckEtag(request.agreement().etag(), current->etag());
                  !s.ok())
                return s;
              if (auto s = CheckEditable(*current); !s.ok()) return s;
              updated = *current;
              CopyAgreementFields(request.agreement(), *paths, updated);
              AssignConditionIds(updated);
              if (auto s = ValidateAgainstStore(store, updated); !s.ok())
                return s;
              if (ContentHash(updated) == current->content_hash()) {
                updated = *current;  // Nothing changed: no new revision.
                return absl::OkStatus();
              }
              NewRevision(updated, Now());
              SettleApprovalState(updated);
              store.SaveAgreement(*id, updated);
              return absl::OkStatus();
            });
      });
  if (!status.ok()) return status;
  RedactForCaller(updated, caller);
  return updated;
}

absl::StatusOr<v1::Agreement> Agreements::ApproveAgreement(
    const v1::ApproveAgreementRequest& request, const CallContext& call) {
  const Principal& caller = call.principal;
  if (request.content_hash().empty()) {
    return InvalidField("content_hash",
                        "is required: the hash of the content being approved");
  }
  return ChangeState("ApproveAgreement", request, call,
                     [&](v1::Agreement& agreement, absl::Time now) {
                       return Approve(agreement, request.institution(),
                                      request.content_hash(), caller, now);
                     });
}

absl::StatusOr<v1::Agreement> Agreements::TerminateAgreement(
    const v1::TerminateAgreementRequest& request, const CallContext& call) {
  if (request.reason().size() > kMaxTerminationReason) {
    return InvalidField(
        "reason",
        absl::StrCat("must be at most ", kMaxTerminationReason, " characters"));
  }
  return ChangeState("TerminateAgreement", request, call,
                     [&](v1::Agreement& agreement, absl::Time now) {
                       return Terminate(agreement, request.reason(), now);
                     });
}

template <typename Request>
absl::StatusOr<v1::Agreement> Agreements::ChangeState(
    absl::string_view method, const Request& request, const CallContext& call,
    const std::function<absl::Status(v1::Agreement&, absl::Time)>& change) {
  auto id = ParseResourceName("name", request.name(), "agreements");
  if (!id.ok()) return id.status();
  if (auto s = ValidateRequestId("request_id", request.request_id()); !s.ok())
    return s;
  v1::Agreement changed;
  absl::Status status =
      store_->Transact(call.limit, [&](AgreementsStore& store) {
        return RunIdempotent(store, method, request.request_id(), request,
                             &changed, [&]() -> absl::Status {
                               auto current =
                                   store.GetAgreement(*id, /*for_update=*/true);
                               if (!current.ok()) return current.status();
                               changed = *std::move(current);
                               const absl::Time now = Now();
                               if (auto s = change(changed, now); !s.ok())
                                 return s;
                               NewRevision(changed, now);
                               store.SaveAgreement(*id, changed);
                               return absl::OkStatus();
                             });
      });
  if (!status.ok()) return status;
  RedactForCaller(changed, call.principal);
  return changed;
}

absl::StatusOr<v1::MobilityAllocation> Agreements::AllocateMobility(
    const v1::AllocateMobilityRequest& request, const CallContext& call) {
  Violations violations;
  auto id = ParseResourceName("agreement", request.agreement(), "agreements");
  if (!id.ok())
    violations.Add("agreement",
                   "must be an agreement name \"agreements/{id}\"");
  auto year = ParseAcademicYear(request.academic_year());
  if (!year.ok())
    violations.Add("academic_year", std::string(year.status().message()));
  if (request.condition_id().empty())
    violations.Add("condition_id", "is required");
  if (request.allocation_key().empty() ||
      request.allocation_key().size() > kMaxAllocationKey) {
    violations.Add("allocation_key",
                   absl::StrCat("is required, at most ", kMaxAllocationKey,
                                " characters"));
  }
  if (!violations.empty()) return violations.ToStatus("INVALID_ALLOCATION");

  v1::MobilityAllocation allocation;
  absl::Status status =
      store_->Transact(call.limit, [&](AgreementsStore& store) -> absl::Status {
        // Locking the agreement row serializes allocations on it, so the count
        // below stays true until commit, and keeps the agreement from being
        // terminated meanwhile.
        auto agreement = store.GetAgreement(*id, /*for_update=*/true);
        if (!agreement.ok()) return agreement.status();
        if (agreement->state() != v1::Agreement::APPROVED) {
          return Error(
              absl::StatusCode::kFailedPrecondition, "AGREEMENT_NOT_APPROVED",
              "mobilities are allocated only on an agreement approved by "
              "both partners");
        }
        const v1::CooperationCondition* condition =
            FindCondition(*agreement, request.condition_id());
        if (condition == nullptr) {
          return InvalidField("condition_id",
                              "no such cooperation condition in the agreement");
        }
        if (*year < *ParseAcademicYear(agreement->first_academic_year()) ||
            *year > *ParseAcademicYear(agreement->last_academic_year())) {
          return Error(absl::StatusCode::kFailedPrecondition,
                       "YEAR_OUTSIDE_AGREEMENT",
                       absl::StrCat("academic_year: the agreement runs from ",
                                    agreement->first_academic_year(), " to ",
                                    agreement->last_academic_year()));
        }
        auto existing = store.FindAllocation(*id, request.allocation_key());
        if (existing.has_value() &&
            existing->state() == v1::MobilityAllocation::ALLOCATED) {
          if (existing->condition_id() == request.condition_id() &&
              existing->academic_year() == request.academic_year()) {
            allocation =
                *existing;  // A retry: the key already holds this mobility.
            return absl::OkStatus();
          }
          return Error(absl::StatusCode::kAlreadyExists,
                       "ALLOCATION_KEY_IN_USE",
                       "allocation_key already holds a mobility of another "
                       "condition or year");
        }
        if (store.CountAllocated(*id, request.condition_id(), *year) >=
            condition->mobilities_per_year()) {
          return Error(
              absl::StatusCode::kResourceExhausted, "QUOTA_EXHAUSTED",
              absl::StrCat("all ", condition->mobilities_per_year(),
                           " mobilities of ", request.condition_id(), " in ",
                           request.academic_year(), " are taken"));
        }
        allocation.set_agreement(request.agreement());
        allocation.set_condition_id(request.condition_id());
        allocation.set_academic_year(request.academic_year());
        allocation.set_allocation_key(request.allocation_key());
        allocation.set_state(v1::MobilityAllocation::ALLOCATED);
        *allocation.mutable_allocate_time() = ToTimestamp(Now());
        store.SaveAllocation(*id, allocation, *year);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return allocation;
}

absl::StatusOr<v1::MobilityAllocation> Agreements::ReleaseMobility(
    const v1::ReleaseMobilityRequest& request, const CallContext& call) {
  auto id = ParseResourceName("agreement", request.agreement(), "agreements");
  if (!id.ok()) return id.status();
  if (request.allocation_key().empty() ||
      request.allocation_key().size() > kMaxAllocationKey) {
    return InvalidField("allocation_key",
                        absl::StrCat("is required, at most ", kMaxAllocationKey,
                                     " characters"));
  }
  v1::MobilityAllocation allocation;
  absl::Status status =
      store_->Transact(call.limit, [&](AgreementsStore& store) -> absl::Status {
        auto agreement = store.GetAgreement(*id, /*for_update=*/true);
        if (!agreement.ok()) return agreement.status();
        auto existing = store.FindAllocation(*id, request.allocation_key());
        if (!existing.has_value()) {
          return Error(absl::StatusCode::kNotFound, "ALLOCATION_NOT_FOUND",
                       "no mobility was allocated with this allocation_key");
        }
        allocation = *existing;
        if (allocation.state() == v1::MobilityAllocation::RELEASED)
          return absl::OkStatus();
        allocation.set_state(v1::MobilityAllocation::RELEASED);
        *allocation.mutable_release_time() = ToTimestamp(Now());
        store.SaveAllocation(*id, allocation,
                             *ParseAcademicYear(allocation.academic_year()));
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return allocation;
}

absl::StatusOr<v1::QuotaUsage> Agreements::GetQuotaUsage(
    const v1::GetQuotaUsageRequest& request, const CallContext& call) {
  auto id = ParseResourceName("agreement", request.agreement(), "agreements");
  if (!id.ok()) return id.status();
  int only_year = 0;
  if (!request.academic_year().empty()) {
    auto year = ParseAcademicYear(request.academic_year());
    if (!year.ok())
      return InvalidField("academic_year", year.status().message());
    only_year = *year;
  }
  auto read = store_->ReadValue(call.limit, [&](AgreementsStore& store) {
    return store.GetAgreementUsage(*id);
  });
  if (!read.ok()) return read.status();
  // One statement: the agreement and its counts from the same snapshot.
  const v1::Agreement& agreement = read->agreement;
  const int first = *ParseAcademicYear(agreement.first_academic_year());
  const int last = *ParseAcademicYear(agreement.last_academic_year());
  if (only_year != 0 && (only_year < first || only_year > last)) {
    return InvalidField("academic_year",
                        absl::StrCat("the agreement runs from ",
                                     agreement.first_academic_year(), " to ",
                                     agreement.last_academic_year()));
  }
  v1::QuotaUsage usage;
  usage.set_agreement(request.agreement());
  for (const auto& c : agreement.cooperation_conditions()) {
    for (int year = first; year <= last; ++year) {
      if (only_year != 0 && year != only_year) continue;
      auto* entry = usage.add_entries();
      entry->set_condition_id(c.id());
      entry->set_mobility_type(c.mobility_type());
      entry->set_academic_year(FormatAcademicYear(year));
      entry->set_mobilities_per_year(c.mobilities_per_year());
      auto it = read->allocated.find({c.id(), year});
      entry->set_used(it == read->allocated.end() ? 0 : it->second);
      entry->set_free(std::max(0, c.mobilities_per_year() - entry->used()));
    }
  }
  return usage;
}

}  // namespace mobility::agreements
