// A service's e-mails: written to the `outbox` table of its schema in the
// transaction of the change they tell of, and sent over SMTP (libcurl) by an
// OutboxSender. Mail due is leased in one transaction, sent, then marked sent
// or retried with backoff, at most kMaxMailAttempts times; then it is DEAD,
// with the reason. A mail that outlived its purpose (a sign-in code that
// expired) is never sent: it is DEAD at once. Sent or dead, its recipient and
// body are dropped, and the row itself goes kFinishedMailRetention later. A
// mail is marked sent once, so it goes out once; should the process die
// between the server's acceptance and the mark, the lease expires and the
// mail goes again with the same Message-ID, for the receiving side to
// recognise.
#ifndef MOBILITY_COMMON_OUTBOX_H_
#define MOBILITY_COMMON_OUTBOX_H_

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/db.h"
#include "common/mail.h"
#include "common/metrics.h"
#include "common/types.h"

namespace mobility {

struct SmtpSettings {
  // "smtp://127.0.0.1:2525", or "smtps://..." for TLS from the first byte.
  std::string url;
  std::string from;
  std::string username;
  std::string password;
  absl::Duration poll_interval = absl::Seconds(2);
};

// The SMTP server of --smtp_url (env MOBILITY_SMTP_URL), logging in with
// MOBILITY_SMTP_USERNAME and MOBILITY_SMTP_PASSWORD, sending from --mail_from
// (env MOBILITY_MAIL_FROM) or `default_from`; nullopt when none is
// configured, and mail waits in the outbox.
std::optional<SmtpSettings> SmtpSettingsFromConfig(
    absl::string_view default_from);

// The sender's statements, prepared on every connection of a service whose
// schema has an outbox (id, recipient, subject, body, create_time, attempts,
// next_attempt_time, sent_time, last_error, expire_time, dead_time), and
// "outbox_insert" for EnqueueMail.
std::vector<PreparedStatement> OutboxStatements();

// Queues `mail` in the transaction's outbox, due at once.
void EnqueueMail(pqxx::transaction_base& txn, const Mail& mail, absl::Time now);

// One e-mail from `smtp.from` with Message-ID <{message_id}@mobility-office>.
// UNAVAILABLE when the server cannot be reached or refuses it.
absl::Status SendMail(const SmtpSettings& smtp, const Mail& mail,
                      absl::string_view message_id, absl::Time now);

// The outbox's backlog on the metrics port, read from `db` at each scrape:
// e-mails waiting to be sent and the age of the oldest.
void AddOutboxMetrics(Database* db, metrics::Registry* registry);

class OutboxSender {
 public:
  // Sends the outbox of `db`'s schema; Message-IDs name the schema and the
  // mail's id.
  OutboxSender(
      Database* db, SmtpSettings smtp,
      Clock clock = [] { return absl::Now(); });
  // Stops the background loop, if started, after the mail in hand.
  ~OutboxSender();

  // Drains the outbox every poll interval on a thread of its own.
  void Start();
  // Sends every mail due now; returns how many went. Mail past its expiry or
  // its last attempt becomes DEAD.
  absl::StatusOr<int> DrainOnce();
  // Deletes the rows of mail sent or dead more than kFinishedMailRetention
  // ago; returns how many went.
  absl::StatusOr<int64_t> PurgeFinished();

 private:
  Database* db_;
  const SmtpSettings smtp_;
  Clock clock_;
  absl::Notification stopping_;
  std::thread thread_;
};

}  // namespace mobility

#endif  // MOBILITY_COMMON_OUTBOX_H_
