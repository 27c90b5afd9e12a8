// Our agreements as the EWP IIAs API v7 serves them: an iias-get-response
// valid against ewp-specs-api-iias/endpoints/get-response.xsd (stable-v7),
// each IIA with the iia-hash of its cooperation conditions (iia_hash.h).
#ifndef MOBILITY_SERVICES_EWP_IIA_XML_H_
#define MOBILITY_SERVICES_EWP_IIA_XML_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "mobility/agreements/v1/agreements.pb.h"

namespace mobility::ewp {

inline constexpr char kIiasNamespace[] =
    "https://github.com/erasmus-without-paper/ewp-specs-api-iias/blob/"
    "stable-v7/endpoints/get-response.xsd";

// The get response for `agreements`, in their order, each partner named by
// the SCHAC id of its institution record in `institutions` (by resource
// name). FAILED_PRECONDITION naming the institution when one has no SCHAC
// id: the EWP network knows institutions by it alone.
absl::StatusOr<std::string> IiasGetResponse(
    const std::vector<agreements::v1::Agreement>& agreements,
    const std::map<std::string, agreements::v1::Institution>& institutions);

}  // namespace mobility::ewp

#endif  // MOBILITY_SERVICES_EWP_IIA_XML_H_
