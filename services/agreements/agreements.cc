#include "services/agreements/agreements.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api.h"
#include "common/common_words.h"
#include "common/idempotency.h"
#include "common/reference_data.h"
#include "common/status.h"
#include "common/types.h"
#include "services/agreements/agreement_lifecycle.h"
#include "services/agreements/agreement_rules.h"
#include "services/agreements/agreements_store.h"
#include "services/agreements/words.h"

namespace mobility::agreements {
namespace {

constexpr size_t kMaxTerminationReason = 1000;

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

// The content's rules, and that the caller stays one of the partners: an
// institution writes agreements of its own only.
absl::Status ValidateAgainstStore(AgreementsStore& store,
                                  const v1::Agreement& agreement,
                                  const Principal& caller) {
  MOBILITY_ASSIGN_OR_RETURN(const auto countries, store.InstitutionCountries(
                                                      PartnerNames(agreement)));
  Violations violations;
  ValidateAgreement(agreement, countries, "agreement", violations);
  if (!violations.empty()) return violations.ToStatus("INVALID_AGREEMENT");
  std::vector<std::string> codes;
  for (const auto& c : agreement.cooperation_conditions()) {
    for (const auto& area : c.subject_areas()) {
      if (!area.description().empty()) codes.push_back(area.isced_code());
    }
  }
  MOBILITY_ASSIGN_OR_RETURN(const auto isced_names,
                            store.IscedFieldNames(codes));
  ValidateIscedClarifications(agreement, isced_names, "agreement", violations);
  if (violations.empty() && !ReadsWhole(agreement, caller)) {
    violations.Add(
        "agreement.partners",
        Text(words::CALLER_A_PARTNER, {{"institution", caller.institution}}));
  }
  return violations.ToStatus("INVALID_AGREEMENT");
}

// Stamps a new revision: hash, approval state, etag and update time.
void NewRevision(v1::Agreement& agreement, absl::Time now) {
  agreement.set_revision(agreement.revision() + 1);
  *agreement.mutable_update_time() = ToTimestamp(now);
  agreement.set_etag(Etag(agreement.name(), agreement.revision()));
}

}  // namespace

absl::StatusOr<v1::Agreement> Agreements::CreateAgreement(
    const v1::CreateAgreementRequest& request, const CallContext& call) {
  const Principal& caller = call.principal;
  if (!request.agreement_id().empty() &&
      !IsValidResourceId(request.agreement_id())) {
    return InvalidField("agreement_id", Text(common_words::RESOURCE_ID));
  }
  if (auto s = ValidateRequestId("request_id", request.request_id()); !s.ok())
    return s;
  const std::string id =
      request.agreement_id().empty() ? NewResourceId() : request.agreement_id();
  v1::Agreement created;
  absl::Status status =
      store_->Transact(call.limit, [&](AgreementsStore& store) {
        return RunIdempotent(
            store, "CreateAgreement", call.principal, request.request_id(),
            request, &created, [&]() -> absl::Status {
              CopyAgreementFields(request.agreement(), AgreementMaskPaths(),
                                  created);
              AssignConditionIds(created);
              if (auto s = ValidateAgainstStore(store, created, caller);
                  !s.ok())
                return s;
              created.set_name("agreements/" + id);
              *created.mutable_create_time() = ToTimestamp(Now());
              NewRevision(created, Now());
              SettleApprovalState(created);
              MOBILITY_RETURN_IF_ERROR(store.InsertAgreement(id, created));
              return absl::OkStatus();
            });
      });
  if (status.code() == absl::StatusCode::kAlreadyExists) {
    return Error(absl::StatusCode::kAlreadyExists, "AGREEMENT_EXISTS",
                 absl::StrCat("agreements/", id, " exists"),
                 Text(words::AGREEMENT_EXISTS));
  }
  if (!status.ok()) return status;
  RedactForCaller(created, caller);
  return created;
}

namespace {

// What the public gets for a draft or an ended agreement: it sees only the
// revision in force, whose content both partners approved, even while an
// amendment awaits approval.
absl::Status NotInForce(const v1::Agreement& agreement) {
  return Error(absl::StatusCode::kNotFound, "AGREEMENT_NOT_FOUND",
               absl::StrCat("no agreement ", agreement.name()),
               Text(words::AGREEMENT_NOT_FOUND));
}

}  // namespace

void Agreements::GetAgreement(const v1::GetAgreementRequest& request,
                              const CallContext& call,
                              Then<v1::Agreement> reply) {
  const Principal& caller = call.principal;
  auto id = ParseResourceName("name", request.name(), "agreements");
  if (!id.ok()) return reply(id.status());
  const int64_t revision = request.revision();
  if (revision < 0)
    return reply(InvalidField("revision", Text(common_words::NOT_NEGATIVE)));
  // The public sees the agreements in force, as the university publishes
  // them; drafts, amendments awaiting approval and ended ones are the
  // office's.
  if (caller.IsPublic() && revision != 0) {
    return reply(InvalidField("revision", Text(words::PUBLIC_READS_IN_FORCE)));
  }
  const absl::CivilDay today = Today();
  // `call` outlives the reads: the call is answered only through `reply`.
  Then<v1::Agreement> answer = [&caller, today, reply = std::move(reply)](
                                   absl::StatusOr<v1::Agreement> found) {
    if (!found.ok()) return reply(found.status());
    ApplyTerminationDate(*found, today);
    RedactForCaller(*found, caller);
    reply(*std::move(found));
  };
  reads_->GetAgreement(
      call.limit, *id,
      [this, &call, id = *id, revision, today,
       answer = std::move(answer)](absl::StatusOr<v1::Agreement> agreement) {
        if (!agreement.ok()) return answer(agreement.status());
        if (ReadsWhole(*agreement, call.principal)) {
          if (revision == 0) return answer(std::move(agreement));
          return reads_->GetAgreementRevision(call.limit, id, revision, answer);
        }
        // Anyone but the partners reads what the public reads: the revision
        // in force.
        if (revision != 0) {
          return answer(
              InvalidField("revision", Text(words::PARTNERS_READ_REVISIONS)));
        }
        ApplyTerminationDate(*agreement, today);
        if (agreement->state() == v1::Agreement::AMENDED) {
          return reads_->GetAgreementRevision(
              call.limit, id, agreement->in_force_revision(), answer);
        }
        if (agreement->state() != v1::Agreement::APPROVED)
          return answer(NotInForce(*agreement));
        answer(std::move(agreement));
      });
}

void Agreements::RevisionsInForce(const CallLimit& limit,
                                  std::vector<v1::Agreement> rows,
                                  Then<std::vector<v1::Agreement>> then) {
  std::vector<AgreementsReads::RevisionKey> amended;
  for (const v1::Agreement& a : rows) {
    if (a.state() == v1::Agreement::AMENDED) {
      amended.emplace_back(ResourceIdOf(a.name()), a.in_force_revision());
    } else if (a.state() != v1::Agreement::APPROVED) {
      return then(NotInForce(a));
    }
  }
  if (amended.empty()) return then(std::move(rows));
  reads_->GetAgreementRevisions(
      limit, amended,
      [rows = std::move(rows), then = std::move(then)](
          absl::StatusOr<std::map<AgreementsReads::RevisionKey, v1::Agreement>>
              revisions) mutable {
        if (!revisions.ok()) return then(revisions.status());
        for (v1::Agreement& a : rows) {
          if (a.state() != v1::Agreement::AMENDED) continue;
          a = revisions->at({ResourceIdOf(a.name()), a.in_force_revision()});
        }
        then(std::move(rows));
      });
}

void Agreements::ListAgreements(const v1::ListAgreementsRequest& request,
                                const CallContext& call,
                                Then<v1::ListAgreementsResponse> reply) {
  const Principal& caller = call.principal;
  auto page_size = EffectivePageSize(request.page_size());
  if (!page_size.ok()) return reply(page_size.status());
  AgreementsStore::AgreementFilter filter;
  filter.today = Today();
  Violations violations;
  if (!request.partner_institution().empty()) {
    auto partner = ParseResourceName(
        "partner_institution", request.partner_institution(), "institutions");
    if (partner.ok()) {
      filter.partner_institution_id = *partner;
    } else {
      violations.Add(
          "partner_institution",
          Text(common_words::RESOURCE_NAME, {{"collection", "institutions"}}));
    }
  }
  if (!request.academic_year().empty()) {
    auto year = ParseAcademicYear(request.academic_year());
    if (year.ok()) {
      filter.academic_year = *year;
    } else {
      violations.Add("academic_year", year.status());
    }
  }
  if (request.state() != v1::Agreement::STATE_UNSPECIFIED) {
    if (v1::Agreement::State_IsValid(request.state())) {
      filter.state = v1::Agreement::State_Name(request.state());
    } else {
      violations.Add("state", Text(words::AGREEMENT_STATE));
    }
  }
  // Staff and partner systems list their institution's agreements whole;
  // everyone else, the agreements in force, as the public reads them.
  const bool member = !caller.institution.empty() && !caller.IsInternal();
  if (member) filter.member_institution_id = ResourceIdOf(caller.institution);
  if (!member && !caller.IsInternal()) {
    if (!filter.state.empty() && filter.state != "APPROVED") {
      violations.Add("state", Text(words::PUBLIC_SEES_APPROVED));
    }
    filter.state.clear();
    filter.in_force = true;
  }
  if (!violations.empty()) return reply(violations.ToStatus("INVALID_FILTER"));
  const std::string query = absl::StrCat(
      "agreements?partner=", filter.partner_institution_id,
      "&year=", filter.academic_year, "&state=", filter.state,
      "&in_force=", filter.in_force, "&member=", filter.member_institution_id);
  auto after = DecodePageToken(request.page_token(), query);
  if (!after.ok()) return reply(after.status());
  // `call` outlives the reads: the call is answered only through `reply`.
  Then<std::vector<v1::Agreement>> page =
      [&caller, today = filter.today, page_size = *page_size, query,
       reply =
           std::move(reply)](absl::StatusOr<std::vector<v1::Agreement>> rows) {
        if (!rows.ok()) return reply(rows.status());
        v1::ListAgreementsResponse response;
        response.set_next_page_token(TakePage(
            *rows, page_size, query,
            [&](v1::Agreement a) {
              ApplyTerminationDate(a, today);
              RedactForCaller(a, caller);
              *response.add_agreements() = std::move(a);
            },
            [](const v1::Agreement& a) { return ResourceIdOf(a.name()); }));
        reply(std::move(response));
      };
  // One row more than the page tells whether another page follows.
  reads_->ListAgreements(
      call.limit, filter, *after, *page_size + 1,
      [this, &call, in_force = filter.in_force, page = std::move(page)](
          absl::StatusOr<std::vector<v1::Agreement>> rows) mutable {
        if (!rows.ok() || !in_force) return page(std::move(rows));
        RevisionsInForce(call.limit, *std::move(rows), std::move(page));
      });
}

absl::StatusOr<v1::Agreement> Agreements::UpdateAgreement(
    const v1::UpdateAgreementRequest& request, const CallContext& call) {
  const Principal& caller = call.principal;
  auto id = ParseResourceName("agreement.name", request.agreement().name(),
                              "agreements");
  if (!id.ok()) return id.status();
  if (auto s = ValidateRequestId("request_id", request.request_id()); !s.ok())
    return s;
  auto paths = UpdateMaskPaths(request.update_mask(), AgreementMaskPaths());
  if (!paths.ok()) return paths.status();
  v1::Agreement updated;
  absl::Status status =
      store_->Transact(call.limit, [&](AgreementsStore& store) {
        return RunIdempotent(
            store, "UpdateAgreement", call.principal, request.request_id(),
            request, &updated, [&]() -> absl::Status {
              auto current =
                  store.GetAgreement(*id, AgreementsStore::RowLock::kUpdate);
              if (!current.ok()) return current.status();
              if (auto s = CheckPartner(*current, caller); !s.ok()) return s;
              if (auto s =
                      CheckEtag(request.agreement().etag(), current->etag());
                  !s.ok())
                return s;
              ApplyTerminationDate(*current, Today());
              if (auto s = CheckEditable(*current); !s.ok()) return s;
              updated = *current;
              CopyAgreementFields(request.agreement(), *paths, updated);
              AssignConditionIds(updated);
              if (auto s = ValidateAgainstStore(store, updated, caller);
                  !s.ok())
                return s;
              if (ContentHash(updated) == current->content_hash()) {
                updated = *current;  // Nothing changed: no new revision.
                return absl::OkStatus();
              }
              NewRevision(updated, Now());
              SettleApprovalState(updated);
              MOBILITY_RETURN_IF_ERROR(store.SaveAgreement(*id, updated));
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
    return InvalidField("content_hash", Text(words::CONTENT_HASH));
  }
  return ChangeState(
      "ApproveAgreement", request, call,
      [&](AgreementsStore&, v1::Agreement& agreement, absl::Time now) {
        return Approve(agreement, request.institution(), request.content_hash(),
                       caller, now);
      });
}

absl::StatusOr<v1::Agreement> Agreements::TerminateAgreement(
    const v1::TerminateAgreementRequest& request, const CallContext& call) {
  if (CharCount(request.reason()) > static_cast<int>(kMaxTerminationReason)) {
    return InvalidField(
        "reason", Text(common_words::AT_MOST_CHARACTERS,
                       {{"max", static_cast<int64_t>(kMaxTerminationReason)}}));
  }
  if (request.has_notice_date() && !IsValidDate(request.notice_date())) {
    return InvalidField("notice_date", Text(common_words::CALENDAR_DATE));
  }
  const absl::CivilDay today = Today();
  const absl::CivilDay notice_date =
      request.has_notice_date() ? ToCivilDay(request.notice_date()) : today;
  if (notice_date > today) {
    return InvalidField("notice_date", Text(common_words::NOT_IN_FUTURE));
  }
  return ChangeState(
      "TerminateAgreement", request, call,
      [&](AgreementsStore& store, v1::Agreement& agreement, absl::Time now) {
        Termination termination;
        termination.institution = request.institution();
        termination.notice_date = notice_date;
        termination.reason = request.reason();
        termination.immediately = request.immediately();
        MOBILITY_ASSIGN_OR_RETURN(
            const int held,
            store.CountAllocations(ResourceIdOf(agreement.name())));
        termination.mobility_took_place = held > 0;
        return Terminate(agreement, termination, call.principal, now);
      });
}

absl::StatusOr<google::protobuf::Empty> Agreements::DeleteAgreement(
    const v1::DeleteAgreementRequest& request, const CallContext& call) {
  auto id = ParseResourceName("name", request.name(), "agreements");
  if (!id.ok()) return id.status();
  absl::Status status =
      store_->Transact(call.limit, [&](AgreementsStore& store) -> absl::Status {
        auto current =
            store.GetAgreement(*id, AgreementsStore::RowLock::kUpdate);
        if (!current.ok()) return current.status();
        if (auto s = CheckPartner(*current, call.principal); !s.ok()) return s;
        if (auto s = CheckEtag(request.etag(), current->etag()); !s.ok())
          return s;
        if (current->state() != v1::Agreement::DRAFT ||
            current->in_force_revision() > 0) {
          return Error(absl::StatusCode::kFailedPrecondition,
                       "AGREEMENT_WAS_APPROVED",
                       Text(words::AGREEMENT_WAS_APPROVED));
        }
        MOBILITY_RETURN_IF_ERROR(store.DeleteAgreement(*id));
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return google::protobuf::Empty();
}

template <typename Request>
absl::StatusOr<v1::Agreement> Agreements::ChangeState(
    absl::string_view method, const Request& request, const CallContext& call,
    const std::function<absl::Status(AgreementsStore&, v1::Agreement&,
                                     absl::Time)>& change) {
  auto id = ParseResourceName("name", request.name(), "agreements");
  if (!id.ok()) return id.status();
  if (auto s = ValidateRequestId("request_id", request.request_id()); !s.ok())
    return s;
  v1::Agreement changed;
  absl::Status status =
      store_->Transact(call.limit, [&](AgreementsStore& store) {
        return RunIdempotent(
            store, method, call.principal, request.request_id(), request,
            &changed, [&]() -> absl::Status {
              auto current =
                  store.GetAgreement(*id, AgreementsStore::RowLock::kUpdate);
              if (!current.ok()) return current.status();
              if (auto s = CheckPartner(*current, call.principal); !s.ok())
                return s;
              changed = *std::move(current);
              const absl::Time now = Now();
              ApplyTerminationDate(changed, Today());
              if (auto s = change(store, changed, now); !s.ok()) return s;
              NewRevision(changed, now);
              ApplyTerminationDate(changed, Today());
              // What both partners approved is in force.
              if (changed.state() == v1::Agreement::APPROVED)
                changed.set_in_force_revision(changed.revision());
              MOBILITY_RETURN_IF_ERROR(store.SaveAgreement(*id, changed));
              return absl::OkStatus();
            });
      });
  if (!status.ok()) return status;
  RedactForCaller(changed, call.principal);
  return changed;
}

}  // namespace mobility::agreements
