// The e-mails an applicant gets as their application moves: submitted,
// selected, on the reserve list, rejected, nominated to the host.
#ifndef MOBILITY_SERVICES_APPLICATIONS_APPLICANT_MAIL_H_
#define MOBILITY_SERVICES_APPLICATIONS_APPLICANT_MAIL_H_

#include <optional>

#include "absl/strings/string_view.h"
#include "common/mail.h"
#include "mobility/applications/v1/applications.pb.h"

namespace mobility::applications {

// The e-mail telling the applicant that `a` reached its state, in the
// language they applied in (a.language(), English when unset), naming the
// call in it, with the link to their applications under `public_url`; none
// for a state they are not written about.
std::optional<Mail> ApplicantMail(const v1::Application& a,
                                  const v1::Call& call,
                                  absl::string_view public_url);

}  // namespace mobility::applications

#endif  // MOBILITY_SERVICES_APPLICATIONS_APPLICANT_MAIL_H_
