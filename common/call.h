// One call being served: who makes it, and when its work must end. Passed
// explicitly to the domain and the database (never through a thread-local), so
// work may move between threads.
#ifndef MOBILITY_COMMON_CALL_H_
#define MOBILITY_COMMON_CALL_H_

#include <atomic>
#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "common/words.h"

namespace mobility {

// Metadata key that carries the request id across calls and into every log
// line.
inline constexpr char kRequestIdHeader[] = "x-request-id";
// Metadata key of a calling service's own token, sent beside the end user's.
inline constexpr char kServiceTokenHeader[] = "x-service-authorization";
// Metadata key of the end user's address, as the gateway saw it; believed
// only from the gateway's internal identity (kGatewaySubject).
inline constexpr char kClientAddressHeader[] = "x-client-address";
// Metadata key of the reader's languages, as HTTP's Accept-Language: the
// gateway passes the browser's on, and services pass it to the services they
// call, so a refusal from any of them reads in the reader's language.
inline constexpr char kAcceptLanguageHeader[] = "accept-language";

// When a call's work must stop: at its deadline, or as soon as its client has
// gone away.
class CallLimit {
 public:
  explicit CallLimit(absl::Time deadline,
                     std::shared_ptr<const std::atomic<bool>> cancelled =
                         std::make_shared<std::atomic<bool>>(false))
      : deadline_(deadline), cancelled_(std::move(cancelled)) {}
  // A limit `timeout` from now, for tools, tests and background work.
  static CallLimit Within(absl::Duration timeout) {
    return CallLimit(absl::Now() + timeout);
  }

  absl::Time deadline() const { return deadline_; }
  bool cancelled() const { return cancelled_->load(std::memory_order_relaxed); }
  // True once the work must stop.
  bool Over(absl::Time now) const { return cancelled() || now >= deadline_; }

 private:
  absl::Time deadline_;
  std::shared_ptr<const std::atomic<bool>> cancelled_;
};

struct CallContext {
  Principal principal;
  // The service making the call on the principal's behalf, when it sends its
  // own token too; empty subject otherwise.
  Principal calling_service;
  std::string request_id;
  // The caller's verified token, forwarded on calls made on its behalf.
  std::string bearer_token;
  // The end user's network address (no port), for per-address limits: the
  // peer, or what a calling service vouches for. Personal data: never logged.
  std::string client_address;
  CallLimit limit = CallLimit::Within(absl::Seconds(30));
  // The language the caller reads (kAcceptLanguageHeader).
  Language language = Language::kEnglish;
};

}  // namespace mobility

#endif  // MOBILITY_COMMON_CALL_H_
