// The demo's sign-in for staff: with a development signing key configured,
// POST /dev/token {"role": "inquiry_handler", "subject": "aigerim",
// "institution": "institutions/kokshetau-amu"} answers {"token": ...,
// "expiresInSeconds": ...}, a token signed with that key as mobilityctl signs
// them. Off unless configured: in production staff tokens come from the
// university's identity provider, and the services hold only its public key.
// Even on, it answers only this machine (a loopback peer sending no forwarding
// header), and never mints the roles that could do the most harm.
#ifndef MOBILITY_SERVICES_GATEWAY_DEV_SIGN_IN_H_
#define MOBILITY_SERVICES_GATEWAY_DEV_SIGN_IN_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/auth.h"

namespace mobility::gateway {

inline constexpr absl::Duration kDevTokenLifetime = absl::Hours(1);

// The answer's JSON for a request `body`; INVALID_ARGUMENT naming the field
// for a role that is not one of the office's everyday ones (admin, applicant,
// partner system and service tokens are not handed out here), a subject that
// is not 1-64 of [a-z0-9._-], or a missing institution: staff act for one.
absl::StatusOr<std::string> DevSignIn(const TokenSigner& signer,
                                      absl::string_view body, absl::Time now);

}  // namespace mobility::gateway

#endif  // MOBILITY_SERVICES_GATEWAY_DEV_SIGN_IN_H_
