#include "services/agreements/agreement_lifecycle.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/api.h"
#include "common/reference_data.h"
#include "common/types.h"
#include "services/agreements/agreement_rules.h"
#include "services/agreements/words.h"

namespace mobility::agreements {
namespace {

bool IsPartner(const v1::Agreement& agreement, absl::string_view institution) {
  for (const auto& p : agreement.partners()) {
    if (p.institution() == institution) return true;
  }
  return false;
}

}  // namespace

void SettleApprovalState(v1::Agreement& agreement) {
  agreement.set_content_hash(ContentHash(agreement));
  auto* approvals = agreement.mutable_approvals();
  approvals->erase(std::remove_if(approvals->begin(), approvals->end(),
                                  [&](const v1::Approval& a) {
                                    return a.content_hash() !=
                                           agreement.content_hash();
                                  }),
                   approvals->end());
  std::set<std::string> approving;
  for (const auto& a : agreement.approvals()) approving.insert(a.institution());
  bool both = agreement.partners_size() == 2;
  for (const auto& p : agreement.partners())
    both = both && approving.count(p.institution()) > 0;
  agreement.set_state(both ? v1::Agreement::APPROVED
                      : agreement.in_force_revision() > 0
                          ? v1::Agreement::AMENDED
                          : v1::Agreement::DRAFT);
}

absl::Status Approve(v1::Agreement& agreement, absl::string_view institution,
                     absl::string_view content_hash, const Principal& principal,
                     absl::Time now) {
  if (agreement.state() == v1::Agreement::TERMINATED) {
    return Error(absl::StatusCode::kFailedPrecondition, "AGREEMENT_TERMINATED",
                 Text(words::AGREEMENT_TERMINATED));
  }
  if (!IsPartner(agreement, institution))
    return InvalidField("institution", Text(words::PARTNER_OF_AGREEMENT));
  if (principal.institution != institution) {
    return Error(
        absl::StatusCode::kPermissionDenied, "NOT_YOUR_INSTITUTION",
        absl::StrCat("a partner approves only for itself: your token "
                     "acts for ",
                     principal.institution.empty() ? "no institution"
                                                   : principal.institution,
                     ", not ", institution),
        Text(words::ONLY_FOR_ITSELF));
  }
  if (content_hash != agreement.content_hash()) {
    return Error(absl::StatusCode::kAborted, "STALE_CONTENT_HASH",
                 Text(words::STALE_CONTENT_HASH));
  }
  auto* approvals = agreement.mutable_approvals();
  approvals->erase(std::remove_if(approvals->begin(), approvals->end(),
                                  [&](const v1::Approval& a) {
                                    return a.institution() == institution;
                                  }),
                   approvals->end());
  v1::Approval* approval = agreement.add_approvals();
  approval->set_institution(std::string(institution));
  approval->set_content_hash(std::string(content_hash));
  approval->set_approved_by(principal.subject);
  *approval->mutable_approve_time() = ToTimestamp(now);
  approval->set_by_partner_system(principal.Has(Role::kPartnerSystem));
  SettleApprovalState(agreement);
  return absl::OkStatus();
}

absl::Status CheckEditable(const v1::Agreement& agreement) {
  if (agreement.state() == v1::Agreement::TERMINATED) {
    return Error(absl::StatusCode::kFailedPrecondition, "AGREEMENT_TERMINATED",
                 Text(words::AGREEMENT_TERMINATED));
  }
  if (agreement.has_termination_effective_date()) {
    return Error(
        absl::StatusCode::kFailedPrecondition, "UNDER_NOTICE",
        absl::StrCat("notice of termination was given; the agreement "
                     "ends on ",
                     FormatDate(agreement.termination_effective_date()),
                     " and is no longer amended"),
        Text(words::UNDER_NOTICE,
             {{"date", Value::Date(ToCivilDay(
                           agreement.termination_effective_date()))}}));
  }
  return absl::OkStatus();
}

absl::CivilDay NoticeEffectiveDate(absl::CivilDay notice) {
  const absl::CivilDay first_september(notice.year(), 9, 1);
  return absl::CivilDay(notice.year() + (notice <= first_september ? 1 : 2), 9,
                        1);
}

absl::Status Terminate(v1::Agreement& agreement, const Termination& t,
                       const Principal& principal, absl::Time now) {
  if (agreement.state() != v1::Agreement::APPROVED &&
      agreement.state() != v1::Agreement::AMENDED) {
    return Error(absl::StatusCode::kFailedPrecondition,
                 "AGREEMENT_NOT_IN_FORCE", Text(words::NOT_IN_FORCE));
  }
  if (agreement.has_termination_effective_date()) {
    return Error(
        absl::StatusCode::kFailedPrecondition, "UNDER_NOTICE",
        Text(words::UNDER_NOTICE,
             {{"date", Value::Date(ToCivilDay(
                           agreement.termination_effective_date()))}}));
  }
  if (!IsPartner(agreement, t.institution)) {
    return InvalidField("institution", Text(words::PARTNER_OF_AGREEMENT));
  }
  if (principal.institution != t.institution) {
    return Error(absl::StatusCode::kPermissionDenied, "NOT_YOUR_INSTITUTION",
                 Text(words::ONLY_FOR_ITSELF));
  }
  if (t.immediately && t.mobility_took_place) {
    return Error(absl::StatusCode::kFailedPrecondition, "MOBILITIES_TOOK_PLACE",
                 Text(words::MOBILITIES_TOOK_PLACE));
  }
  const absl::CivilDay effective =
      t.immediately ? t.notice_date : NoticeEffectiveDate(t.notice_date);
  agreement.set_terminating_institution(t.institution);
  *agreement.mutable_notice_date() = ToDate(t.notice_date);
  *agreement.mutable_termination_effective_date() = ToDate(effective);
  agreement.set_termination_reason(t.reason);
  *agreement.mutable_terminate_time() = ToTimestamp(now);
  if (t.immediately) agreement.set_state(v1::Agreement::TERMINATED);
  return absl::OkStatus();
}

void ApplyTerminationDate(v1::Agreement& agreement, absl::CivilDay today) {
  if (agreement.has_termination_effective_date() &&
      ToCivilDay(agreement.termination_effective_date()) <= today) {
    agreement.set_state(v1::Agreement::TERMINATED);
  }
}

absl::Status CheckOpenForYear(const v1::Agreement& agreement, int year) {
  if (agreement.state() != v1::Agreement::APPROVED &&
      agreement.state() != v1::Agreement::AMENDED) {
    return Error(absl::StatusCode::kFailedPrecondition,
                 "AGREEMENT_NOT_APPROVED", Text(words::NOT_APPROVED));
  }
  // The academic year starting on or after the effective date is beyond it.
  if (agreement.has_termination_effective_date() &&
      absl::CivilDay(year, 9, 1) >=
          ToCivilDay(agreement.termination_effective_date())) {
    return Error(
        absl::StatusCode::kFailedPrecondition, "AGREEMENT_ENDING",
        Text(words::AGREEMENT_ENDING,
             {{"date",
               Value::Date(ToCivilDay(agreement.termination_effective_date()))},
              {"year", FormatAcademicYear(year)}}));
  }
  return absl::OkStatus();
}

bool ReadsWhole(const v1::Agreement& agreement, const Principal& principal) {
  if (principal.IsInternal()) return true;
  for (const auto& p : agreement.partners()) {
    if (principal.ActsFor(p.institution())) return true;
  }
  return false;
}

absl::Status CheckPartner(const v1::Agreement& agreement,
                          const Principal& principal) {
  for (const auto& p : agreement.partners()) {
    if (principal.ActsFor(p.institution())) return absl::OkStatus();
  }
  if (agreement.in_force_revision() == 0) {
    return Error(absl::StatusCode::kNotFound, "AGREEMENT_NOT_FOUND",
                 absl::StrCat("no agreement ", agreement.name()),
                 Text(words::AGREEMENT_NOT_FOUND));
  }
  return Error(absl::StatusCode::kPermissionDenied, "NOT_A_PARTNER",
               Text(words::NOT_A_PARTNER));
}

void RedactForCaller(v1::Agreement& agreement, const Principal& principal) {
  for (const auto& p : agreement.partners()) {
    if (principal.IsOfficeOf(p.institution())) return;
  }
  for (auto& p : *agreement.mutable_partners()) p.clear_signing_contact();
  for (auto& a : *agreement.mutable_approvals()) a.clear_approved_by();
}

}  // namespace mobility::agreements
