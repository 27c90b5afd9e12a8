// PartnerCopies as the gRPC API serves it to our office: the copies, each
// compared with ours, and our approval of one.
#include <google/protobuf/util/time_util.h>

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/api.h"
#include "common/common_words.h"
#include "common/grpc_status.h"
#include "common/status.h"
#include "services/ewp/iia_compare.h"
#include "services/ewp/partner_copies.h"
#include "services/ewp/words.h"

namespace mobility::ewp {
namespace {

namespace av1 = agreements::v1;

constexpr char kSelectCopy[] =
    "SELECT id, partner_hei_id, partner_iia_id, agreement, iia_xml, iia_hash, "
    "valid_for_approval, approved_iia_hash, approved_by, "
    "(extract(epoch FROM approve_time) * 1000000)::bigint AS approve_us, "
    "(extract(epoch FROM fetch_time) * 1000000)::bigint AS fetch_us FROM "
    "partner_agreements";

}  // namespace

v1::PartnerAgreement PartnerCopyFromRow(const pqxx::row& row);

absl::Status PartnerCopies::CheckOffice(const CallContext& call,
                                        bool approves) {
  MOBILITY_ASSIGN_OR_RETURN(std::string ours,
                            ours_->OurInstitution(call.request_id));
  const Principal& p = call.principal;
  if (approves ? p.IsCoordinatorOf(ours) : p.IsOfficeOf(ours))
    return absl::OkStatus();
  return Error(absl::StatusCode::kPermissionDenied, "NOT_OUR_OFFICE",
               Text(common_words::NOT_YOURS));
}

absl::StatusOr<v1::PartnerAgreement> PartnerCopies::Read(
    const std::string& name, const CallContext& call, bool compare) {
  MOBILITY_RETURN_IF_ERROR(CheckOffice(call, false));
  MOBILITY_ASSIGN_OR_RETURN(
      std::string id, ParseResourceName("name", name, "partnerAgreements"));
  MOBILITY_ASSIGN_OR_RETURN(
      v1::PartnerAgreement copy,
      db_->ReadValue(call.limit,
                     [&](pqxx::transaction_base& txn)
                         -> absl::StatusOr<v1::PartnerAgreement> {
                       const pqxx::result rows = txn.exec_params(
                           absl::StrCat(kSelectCopy, " WHERE id = $1"), id);
                       if (rows.empty()) {
                         return Error(absl::StatusCode::kNotFound, "NOT_FOUND",
                                      Text(common_words::NOT_FOUND));
                       }
                       return PartnerCopyFromRow(rows[0]);
                     }));
  if (!compare || copy.agreement().empty()) return copy;
  MOBILITY_ASSIGN_OR_RETURN(
      auto ours, ours_->OurIiasWith(copy.partner_hei_id(), call.request_id));
  MOBILITY_ASSIGN_OR_RETURN(auto theirs, HashIias(copy.iia_xml()));
  for (const OurIia& our : ours) {
    if (our.agreement.name() != copy.agreement()) continue;
    for (const IiaHash& their : theirs) {
      if (their.partners.empty() ||
          their.partners.front().second != copy.partner_iia_id())
        continue;
      for (auto& d : CompareConditions(our.hash.conditions, their.conditions))
        *copy.add_differences() = std::move(d);
    }
  }
  return copy;
}

absl::StatusOr<v1::ListPartnerAgreementsResponse>
PartnerCopies::ListPartnerAgreements(
    const v1::ListPartnerAgreementsRequest& request, const CallContext& call) {
  MOBILITY_RETURN_IF_ERROR(CheckOffice(call, false));
  MOBILITY_ASSIGN_OR_RETURN(int page_size,
                            EffectivePageSize(request.page_size()));
  MOBILITY_ASSIGN_OR_RETURN(
      std::string after,
      DecodePageToken(request.page_token(), "partnerAgreements"));
  MOBILITY_ASSIGN_OR_RETURN(
      auto rows,
      db_->ReadValue(call.limit,
                     [&](pqxx::transaction_base& txn)
                         -> absl::StatusOr<std::vector<v1::PartnerAgreement>> {
                       std::vector<v1::PartnerAgreement> out;
                       for (const auto& row : txn.exec_params(
                                absl::StrCat(kSelectCopy,
                                             " WHERE id > $1 ORDER BY id "
                                             "LIMIT $2"),
                                after, page_size + 1)) {
                         out.push_back(PartnerCopyFromRow(row));
                       }
                       return out;
                     }));
  v1::ListPartnerAgreementsResponse response;
  response.set_next_page_token(TakePage(
      rows, page_size, "partnerAgreements",
      [&](v1::PartnerAgreement copy) {
        copy.clear_iia_xml();  // Get gives the document.
        *response.add_partner_agreements() = std::move(copy);
      },
      [](const v1::PartnerAgreement& copy) {
        return std::string(
            absl::StripPrefix(copy.name(), "partnerAgreements/"));
      }));
  return response;
}

absl::StatusOr<v1::PartnerAgreement> PartnerCopies::GetPartnerAgreement(
    const v1::GetPartnerAgreementRequest& request, const CallContext& call) {
  return Read(request.name(), call, /*compare=*/true);
}

absl::StatusOr<v1::PartnerAgreement> PartnerCopies::RefreshPartnerAgreement(
    const v1::RefreshPartnerAgreementRequest& request,
    const CallContext& call) {
  MOBILITY_RETURN_IF_ERROR(CheckOffice(call, true));
  Violations violations;
  if (request.partner_hei_id().empty())
    violations.Add("partner_hei_id", Text(common_words::REQUIRED));
  if (request.partner_iia_id().empty())
    violations.Add("partner_iia_id", Text(common_words::REQUIRED));
  if (!violations.empty()) return violations.ToStatus("INVALID_ARGUMENT");
  if (auto fetched =
          FetchIia(request.partner_hei_id(), request.partner_iia_id());
      !fetched.ok()) {
    return Error(absl::StatusCode::kUnavailable, "PARTNER_UNREACHABLE",
                 fetched.message(), Text(words::PARTNER_UNREACHABLE));
  }
  return Read(
      absl::StrCat("partnerAgreements/",
                   CopyId(request.partner_hei_id(), request.partner_iia_id())),
      call, /*compare=*/true);
}

absl::StatusOr<v1::PartnerAgreement> PartnerCopies::ApprovePartnerAgreement(
    const v1::ApprovePartnerAgreementRequest& request,
    const CallContext& call) {
  MOBILITY_RETURN_IF_ERROR(CheckOffice(call, true));
  MOBILITY_RETURN_IF_ERROR(
      ValidateRequestId("request_id", request.request_id()));
  MOBILITY_ASSIGN_OR_RETURN(v1::PartnerAgreement copy,
                            Read(request.name(), call, /*compare=*/true));
  if (request.iia_hash() != copy.iia_hash()) {
    return Error(absl::StatusCode::kFailedPrecondition, "IIA_HASH_CHANGED",
                 Text(words::PARTNER_COPY_CHANGED));
  }
  if (!copy.valid_for_approval()) {
    return Error(absl::StatusCode::kFailedPrecondition,
                 "NOT_VALID_FOR_APPROVAL",
                 Text(words::PARTNER_COPY_INCOMPLETE));
  }
  if (copy.agreement().empty()) {
    return Error(absl::StatusCode::kFailedPrecondition, "NOT_MAPPED",
                 Text(words::PARTNER_COPY_UNMATCHED));
  }
  if (copy.differences_size() > 0) {
    return Error(absl::StatusCode::kFailedPrecondition, "COPIES_DIFFER",
                 Text(words::PARTNER_COPY_DIFFERS,
                      {{"count", copy.differences_size()}}));
  }
  if (copy.approved_iia_hash() == copy.iia_hash()) return copy;  // A retry.
  // The same conditions: approving theirs approves ours, as the caller.
  MOBILITY_ASSIGN_OR_RETURN(std::string ours,
                            ours_->OurInstitution(call.request_id));
  av1::GetAgreementRequest get;
  get.set_name(copy.agreement());
  av1::Agreement agreement;
  auto read = NewClientContext({call.bearer_token, call.request_id,
                                call.limit.deadline() - absl::Now()});
  MOBILITY_RETURN_IF_ERROR(FromGrpcStatus(
      ours_->agreements().GetAgreement(read.get(), get, &agreement)));
  bool approved = false;
  for (const auto& a : agreement.approvals())
    approved |=
        a.institution() == ours && a.content_hash() == agreement.content_hash();
  if (!approved) {
    av1::ApproveAgreementRequest approve;
    approve.set_name(copy.agreement());
    approve.set_institution(ours);
    approve.set_content_hash(agreement.content_hash());
    approve.set_request_id(request.request_id());
    auto write = NewClientContext({call.bearer_token, call.request_id,
                                   call.limit.deadline() - absl::Now()});
    MOBILITY_RETURN_IF_ERROR(
        FromGrpcStatus(ours_->agreements().ApproveAgreement(
            write.get(), approve, &agreement)));
  }
  MOBILITY_RETURN_IF_ERROR(
      db_->Transact(call.limit, [&](pqxx::transaction_base& txn) {
        const pqxx::result updated = txn.exec_params(
            "UPDATE partner_agreements SET approved_iia_hash = $2, "
            "approve_time = now(), approved_by = $3 WHERE id = $1 AND "
            "iia_hash = $2",
            std::string(absl::StripPrefix(copy.name(), "partnerAgreements/")),
            copy.iia_hash(), call.principal.subject);
        if (updated.affected_rows() == 0) {
          return Error(absl::StatusCode::kAborted, "IIA_HASH_CHANGED",
                       Text(words::PARTNER_COPY_CHANGED));
        }
        // The partner hears of it from the outbox, once this commits.
        txn.exec_params(
            "INSERT INTO sent_notifications (kind, partner_hei_id, iia_id, "
            "next_attempt, create_time) VALUES ('approval', $1, $2, now(), "
            "now())",
            copy.partner_hei_id(), copy.partner_iia_id());
        return absl::OkStatus();
      }));
  return Read(request.name(), call, /*compare=*/true);
}

}  // namespace mobility::ewp
