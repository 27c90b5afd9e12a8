// An e-mail as the domain writes it into a service's outbox: the type alone,
// so domain code and store interfaces name it without the database library
// (the outbox's table and its sender are common/outbox.h).
#ifndef MOBILITY_COMMON_MAIL_H_
#define MOBILITY_COMMON_MAIL_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"

namespace mobility {

inline constexpr int kMaxMailAttempts = 10;  // About four hours of backoff.
inline constexpr absl::Duration kFinishedMailRetention = absl::Hours(24 * 30);

struct Mail {
  int64_t id = 0;
  std::string recipient;
  std::string subject;
  std::string body;
  int attempts = 0;
  // After this, sending it would only mislead: it is dropped unsent.
  absl::Time expire_time = absl::InfiniteFuture();
};

}  // namespace mobility

#endif  // MOBILITY_COMMON_MAIL_H_
