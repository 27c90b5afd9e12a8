// The IIAs API v7 endpoints (index.md, get.md) for a partner whose HTTP
// signature held: our agreements with that partner, read from the agreements
// service as the partner's own system (DOMAIN.md, "Who acts for whom"), so an
// EWP call sees exactly what that partner's coordinator may.
#ifndef MOBILITY_SERVICES_EWP_IIAS_ENDPOINTS_H_
#define MOBILITY_SERVICES_EWP_IIAS_ENDPOINTS_H_

#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "mobility/agreements/v1/agreements.grpc.pb.h"
#include "services/ewp/iia_hash.h"

namespace mobility::ewp {

// The parameters of a request, in order (a name may repeat: iia_id).
using Parameters = std::vector<std::pair<std::string, std::string>>;

// The non-empty values of parameter `name`, in order.
std::vector<std::string> ParameterValues(const Parameters& parameters,
                                         absl::string_view name);

struct EwpAnswer {
  int status = 200;
  std::string xml;
};

// One of our agreements as a partner reads it over EWP: the agreement, and
// our IIA for it with its hash.
struct OurIia {
  agreements::v1::Agreement agreement;
  std::string partner_institution;  // "institutions/{id}" of the reader.
  std::string xml;                  // An iias-get-response holding it.
  IiaHash hash;
};

class IiasEndpoints {
 public:
  // `our_hei` is our SCHAC id; `signer` signs the partner-system tokens
  // (kEwpTokenIssuer) the agreements service is called with.
  IiasEndpoints(std::shared_ptr<grpc::Channel> agreements, TokenSigner signer,
                std::string our_hei, int max_iia_ids, absl::Duration deadline);

  // The iia-ids of our agreements with the caller's HEIs, limited to the
  // receiving academic years and the modified_since given.
  EwpAnswer Index(const std::set<std::string>& caller_heis,
                  const Parameters& parameters);
  // Those of `iia_id` (at most max_iia_ids) that are ours with the caller;
  // others are left out, as get.md asks.
  EwpAnswer Get(const std::set<std::string>& caller_heis,
                const Parameters& parameters);

  // Our agreements with each caller HEI we know, as its system reads them:
  // ours first among the partners, under our iia-id.
  absl::StatusOr<std::vector<agreements::v1::Agreement>> AgreementsWith(
      const std::set<std::string>& caller_heis, const std::string& request_id);
  // Each of our agreements with `partner_hei`, with our IIA and its hash.
  absl::StatusOr<std::vector<OurIia>> OurIiasWith(
      const std::string& partner_hei, const std::string& request_id);
  // Institutions by resource name, read at most once a minute, or sooner
  // when one of `heis` (SCHAC ids) is not among them.
  absl::StatusOr<std::map<std::string, agreements::v1::Institution>>
  Institutions(const std::string& request_id,
               const std::set<std::string>& heis = {}) ABSL_LOCKS_EXCLUDED(mu_);
  // Our institution's record ("institutions/{id}"), by our SCHAC id.
  absl::StatusOr<std::string> OurInstitution(const std::string& request_id);
  // The institution record of `hei`, NOT_FOUND when we have none.
  absl::StatusOr<std::string> InstitutionOf(const std::string& hei,
                                            const std::string& request_id);
  // A token for that institution's system (kEwpTokenIssuer), minted once
  // every few minutes.
  absl::StatusOr<std::string> TokenFor(const std::string& institution,
                                       const std::string& hei)
      ABSL_LOCKS_EXCLUDED(mu_);
  agreements::v1::AgreementsService::Stub& agreements() { return *stub_; }
  const std::string& our_hei() const { return our_hei_; }
  absl::Duration deadline() const { return deadline_; }

 private:
  const std::unique_ptr<agreements::v1::AgreementsService::Stub> stub_;
  const TokenSigner signer_;
  const std::string our_hei_;
  const int max_iia_ids_;
  const absl::Duration deadline_;
  absl::Mutex mu_;
  std::map<std::string, agreements::v1::Institution> institutions_
      ABSL_GUARDED_BY(mu_);
  absl::Time institutions_read_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  // Tokens by institution, with their expiry: one RSA signature per partner
  // every few minutes, not per call.
  std::map<std::string, std::pair<std::string, absl::Time>> tokens_
      ABSL_GUARDED_BY(mu_);
};

// Our iia-id for `agreement`: our own partner entry's agreement id, else the
// agreement's resource id.
std::string OurIiaId(const agreements::v1::Agreement& agreement,
                     const std::string& our_institution);

// <error-response> with the developer message (architecture, common-types).
std::string ErrorResponse(absl::string_view developer_message);

}  // namespace mobility::ewp

#endif  // MOBILITY_SERVICES_EWP_IIAS_ENDPOINTS_H_
