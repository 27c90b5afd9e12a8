// The e-mails an author is sent, in the language of their appeal: when it is
// registered, extended, forwarded, answered, when the office replies, and when
// a change to the holiday calendar moves the answer date later.
#ifndef MOBILITY_SERVICES_INQUIRIES_NOTICES_H_
#define MOBILITY_SERVICES_INQUIRIES_NOTICES_H_

#include <optional>
#include <string>

#include "absl/time/civil_time.h"
#include "mobility/inquiries/v1/inquiries.pb.h"
#include "services/inquiries/inquiries_store.h"

namespace mobility::inquiries {

// kAlreadyRegistered: the same appeal sent again; the first registration's
// receipt, to its author alone.
enum class NoticeKind {
  kRegistered,
  kAlreadyRegistered,
  kExtended,
  kForwarded,
  kAnswered,
  kReply,
  kDueDateMoved
};

// The notice of `kind` about `inquiry` (its current state), or nullopt when the
// author gave no e-mail. The registration notice carries the tracking link
// with `tracking_code`, later ones the number alone; the outbox drops its body
// once it is sent. The kDueDateMoved notice names the holiday's `day`. Words
// and dates are in the appeal's language.
std::optional<Notice> NoticeFor(NoticeKind kind, const v1::Inquiry& inquiry,
                                const std::string& public_url,
                                const std::string& tracking_code = "",
                                std::optional<absl::CivilDay> day = {});

// How to appeal an answer, in `language` (kk, ru or en): the office's
// standard text the answer carries when the handler gives none.
std::string AppealProcedure(const std::string& language);

}  // namespace mobility::inquiries

#endif  // MOBILITY_SERVICES_INQUIRIES_NOTICES_H_
