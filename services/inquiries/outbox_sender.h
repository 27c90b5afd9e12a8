// Sends the outbox over SMTP (libcurl): notices due are leased in one
// transaction, sent, then marked sent (their body dropped) or retried with
// backoff. A notice is marked sent once, so it goes out once; should the
// process die between the server's acceptance and the mark, the lease expires
// and the notice goes again with the same Message-ID, for the receiving side
// to recognise.
#ifndef MOBILITY_SERVICES_INQUIRIES_OUTBOX_SENDER_H_
#define MOBILITY_SERVICES_INQUIRIES_OUTBOX_SENDER_H_

#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/transactor.h"
#include "common/types.h"
#include "services/inquiries/inquiries_store.h"

namespace mobility::inquiries {

struct SmtpSettings {
  // "smtp://127.0.0.1:2525", or "smtps://..." for TLS from the first byte.
  std::string url;
  std::string from = "rector-office@mobility.invalid";
  std::string username;
  std::string password;
  absl::Duration poll_interval = absl::Seconds(2);
};

// One e-mail: `notice` from `smtp.from`, with Message-ID
// <notice-{id}@mobility-office>. UNAVAILABLE when the server cannot be reached
// or refuses it.
absl::Status SendMail(const SmtpSettings& smtp, const Notice& notice,
                      absl::Time now);

class OutboxSender {
 public:
  OutboxSender(
      Transactor<InquiriesStore>* store, SmtpSettings smtp,
      Clock clock = [] { return absl::Now(); });
  // Stops the background loop, if started, after the notice in hand.
  ~OutboxSender();

  // Drains the outbox every poll interval on a thread of its own.
  void Start();
  // Sends every notice due now; returns how many went.
  absl::StatusOr<int> DrainOnce();

 private:
  Transactor<InquiriesStore>* store_;
  const SmtpSettings smtp_;
  Clock clock_;
  absl::Notification stopping_;
  std::thread thread_;
};

}  // namespace mobility::inquiries

#endif  // MOBILITY_SERVICES_INQUIRIES_OUTBOX_SENDER_H_
