// Our calls to partners' EWP endpoints: found in the registry catalogue by
// HEI and API, signed with our client key, and trusted only when the answer
// is signed by a server key the catalogue gives that partner's host.
#ifndef MOBILITY_SERVICES_EWP_EWP_CLIENT_H_
#define MOBILITY_SERVICES_EWP_EWP_CLIENT_H_

#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "services/ewp/http_client.h"
#include "services/ewp/keys.h"
#include "services/ewp/registry.h"

namespace mobility::ewp {

struct EwpApi {
  const char* name;  // The manifest entry: "iias".
  int major;         // 7
  const char* url;   // Its URL element: "get-url".
};
inline constexpr EwpApi kIiasGet{"iias", 7, "get-url"};
inline constexpr EwpApi kIiasApproval{"iias-approval", 2, "url"};
inline constexpr EwpApi kIiaCnr{"iia-cnr", 3, "url"};
inline constexpr EwpApi kIiaApprovalCnr{"iia-approval-cnr", 2, "url"};

class EwpClient {
 public:
  EwpClient(Registry* registry, RsaPrivateKey client_key, HttpLimits limits)
      : registry_(registry), key_(std::move(client_key)), limits_(limits) {}

  // POSTs `form` to `hei`'s `api` and returns the body of its signed 200
  // answer. NOT_FOUND when the catalogue lists no such API for the HEI;
  // UNAVAILABLE or DEADLINE_EXCEEDED when the partner does not answer (try
  // again later); UNAUTHENTICATED when the answer is not signed by the
  // partner's server key; FAILED_PRECONDITION for any other status.
  absl::StatusOr<std::string> Call(const std::string& hei, const EwpApi& api,
                                   const std::string& form) const;
  // The HEIs the catalogue lists.
  std::set<std::string> heis() const { return registry_->catalogue()->heis(); }

 private:
  Registry* const registry_;
  const RsaPrivateKey key_;
  const HttpLimits limits_;
};

}  // namespace mobility::ewp

#endif  // MOBILITY_SERVICES_EWP_EWP_CLIENT_H_
