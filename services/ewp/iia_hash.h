// The hash partners approve an inter-institutional agreement by (EWP IIAs API
// v7): the `text-to-hash` that the specification's XSLT
// (ewp-specs-api-iias, resources/xsltKit/transform_version_7.xsl) builds from
// an IIA, and its SHA-256. Both sides compute it from the XML they exchange,
// so it must match that XSLT byte for byte.
#ifndef MOBILITY_SERVICES_EWP_IIA_HASH_H_
#define MOBILITY_SERVICES_EWP_IIA_HASH_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace mobility::ewp {

// One cooperation condition as the hash reads it: its kind
// ("student-studies-mobility-spec"), sending and receiving HEI, and each
// element it hashes with its value, in document order.
struct IiaCondition {
  std::string kind;
  std::string sending_hei;
  std::string receiving_hei;
  std::vector<std::pair<std::string, std::string>> fields;
};

struct IiaHash {
  // The first partner's iia-id.
  std::string iia_id;
  std::string text_to_hash;
  // SHA-256 of text_to_hash, as 64 lowercase hex digits.
  std::string iia_hash;
  // False when the IIA holds an element marked not-yet-defined or an ISCED
  // code with a v6-value: it lacks what v7 requires and is not approved.
  bool valid_for_approval = true;
  std::vector<IiaCondition> conditions;
  // The partners' HEI ids and iia-ids, in document order (the owner first).
  std::vector<std::pair<std::string, std::string>> partners;
};

// One entry per <iia> of `xml` (an IIAs get response, or any document holding
// IIA elements), in document order. INVALID_ARGUMENT when `xml` does not
// parse.
absl::StatusOr<std::vector<IiaHash>> HashIias(absl::string_view xml);

}  // namespace mobility::ewp

#endif  // MOBILITY_SERVICES_EWP_IIA_HASH_H_
