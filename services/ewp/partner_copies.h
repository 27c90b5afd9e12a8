// The partners' copies of our agreements and the notifications both ways
// (IIA CNR, IIA Approval CNR), kept in the `ewp` schema:
// - a partner's CNR is recorded at once and fetched by Work(), with backoff
//   while the partner cannot be reached, so none is lost;
// - a partner's IIA is stored beside ours and compared condition by
//   condition; our coordinator approves it by its iia-hash, which also
//   approves ours and notifies the partner from an outbox;
// - a partner's approval of ours is fetched from its Approval API and
//   recorded on our agreement when it names our current hash;
// - a change of ours (a new revision) is notified to the partner.
#ifndef MOBILITY_SERVICES_EWP_PARTNER_COPIES_H_
#define MOBILITY_SERVICES_EWP_PARTNER_COPIES_H_

#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "common/call.h"
#include "common/db.h"
#include "mobility/ewp/v1/ewp.pb.h"
#include "services/ewp/ewp_client.h"
#include "services/ewp/iias_endpoints.h"
#include "services/ewp/schemas.h"

namespace mobility::ewp {

// The request ids every replica has seen, in PostgreSQL; forgotten past the
// replay window by PartnerCopies::Work.
class PgReplayGuard : public ReplayGuard {
 public:
  explicit PgReplayGuard(Database* db) : db_(db) {}
  absl::StatusOr<bool> FirstUse(const std::string& key_id,
                                const std::string& request_id,
                                absl::Time now) override;

 private:
  Database* const db_;
};

// A copy's resource id ("partnerAgreements/{id}"): the same for the same
// partner IIA on every replica.
std::string CopyId(const std::string& hei, const std::string& iia_id);

class PartnerCopies {
 public:
  PartnerCopies(Database* db, IiasEndpoints* ours, const EwpClient* client,
                const Schemas* schemas)
      : db_(db), ours_(ours), client_(client), schemas_(schemas) {}

  // IIA CNR and IIA Approval CNR from a verified partner: recorded for
  // Work(), answered at once.
  EwpAnswer ReceiveIiaCnr(const std::set<std::string>& caller_heis,
                          const Parameters& parameters);
  EwpAnswer ReceiveApprovalCnr(const std::set<std::string>& caller_heis,
                               const Parameters& parameters);
  // The IIAs Approval API: our approvals of the caller's IIAs named by
  // their iia_id.
  EwpAnswer Approvals(const std::set<std::string>& caller_heis,
                      const Parameters& parameters);

  absl::StatusOr<v1::ListPartnerAgreementsResponse> ListPartnerAgreements(
      const v1::ListPartnerAgreementsRequest& request, const CallContext& call);
  absl::StatusOr<v1::PartnerAgreement> GetPartnerAgreement(
      const v1::GetPartnerAgreementRequest& request, const CallContext& call);
  absl::StatusOr<v1::PartnerAgreement> RefreshPartnerAgreement(
      const v1::RefreshPartnerAgreementRequest& request,
      const CallContext& call);
  absl::StatusOr<v1::PartnerAgreement> ApprovePartnerAgreement(
      const v1::ApprovePartnerAgreementRequest& request,
      const CallContext& call);

  // One pass over what is due: partners' notifications to fetch, ours to
  // send, and our agreements changed since their partners were told.
  void Work();

 private:
  // A CNR of `kind` ('iia', 'approval') recorded for each HEI of the caller,
  // answered with an empty `response` element.
  EwpAnswer Receive(const std::string& kind, const std::set<std::string>& heis,
                    const Parameters& parameters, absl::string_view response,
                    absl::string_view response_namespace);
  absl::Status FetchIia(const std::string& hei, const std::string& iia_id);
  absl::Status FetchApproval(const std::string& hei, const std::string& iia_id);
  void FetchReceived();
  void SendOwed();
  void NotifyChanges();
  // The copy with our agreement beside it compared; PERMISSION_DENIED unless
  // the caller is of our office.
  absl::StatusOr<v1::PartnerAgreement> Read(const std::string& name,
                                            const CallContext& call,
                                            bool compare);
  absl::Status CheckOffice(const CallContext& call, bool approves);

  Database* const db_;
  IiasEndpoints* const ours_;
  const EwpClient* const client_;
  const Schemas* const schemas_;
};

}  // namespace mobility::ewp

#endif  // MOBILITY_SERVICES_EWP_PARTNER_COPIES_H_
