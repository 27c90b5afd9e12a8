// GET over HTTP(S) with libcurl, for the documents a service reads from
// another system at run time (the identity provider's keys).
#ifndef MOBILITY_COMMON_HTTP_FETCH_H_
#define MOBILITY_COMMON_HTTP_FETCH_H_

#include "absl/time/time.h"
#include "common/oidc.h"

namespace mobility {

// Certificates verified; up to 1 MiB within `timeout`.
HttpFetch CurlFetch(absl::Duration timeout);

}  // namespace mobility

#endif  // MOBILITY_COMMON_HTTP_FETCH_H_
