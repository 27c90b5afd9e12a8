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

namespace mobility::ewp {

// The parameters of a request, in order (a name may repeat: iia_id).
using Parameters = std::vector<std::pair<std::string, std::string>>;

struct EwpAnswer {
  int status = 200;
  std::string xml;
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

 private:
  struct Partner {
    std::string institution;  // "institutions/{id}".
    std::string token;        // Its system's token, minted by us.
  };
  // Our agreements with each caller HEI we know, as its system reads them.
  absl::StatusOr<std::vector<agreements::v1::Agreement>> AgreementsWith(
      const std::set<std::string>& caller_heis, const std::string& request_id);
  // Institutions by resource name, read at most once a minute.
  absl::StatusOr<std::map<std::string, agreements::v1::Institution>>
  Institutions(const std::string& request_id) ABSL_LOCKS_EXCLUDED(mu_);
  absl::StatusOr<std::string> TokenFor(const std::string& institution,
                                       const std::string& hei)
      ABSL_LOCKS_EXCLUDED(mu_);

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
