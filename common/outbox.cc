#include "common/outbox.h"

#include <curl/curl.h>

#include <algorithm>
#include <mutex>

#include "absl/flags/flag.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/config.h"
#include "common/log.h"
#include "common/status.h"

MOBILITY_FLAG(std::string, smtp_url, "", "MOBILITY_SMTP_URL",
              "SMTP server for the e-mails, e.g. smtp://127.0.0.1:2525; none: "
              "e-mails wait in the outbox");
MOBILITY_FLAG(std::string, smtp_username, "", "MOBILITY_SMTP_USERNAME",
              "SMTP login, over TLS");
// Secrets come from the environment, never the command line (ps shows it).
MOBILITY_FLAG(std::string, smtp_password, "", "MOBILITY_SMTP_PASSWORD",
              "SMTP password, over TLS; give it in the environment");
MOBILITY_FLAG(std::string, mail_from, "", "MOBILITY_MAIL_FROM",
              "sender address of the e-mails; none: the service's own");

namespace mobility {
namespace {

constexpr int kBatch = 20;

// RFC 2047: a UTF-8 header as base64 encoded-words.
std::string EncodedHeader(absl::string_view text) {
  return absl::StrCat("=?UTF-8?B?", absl::Base64Escape(text), "?=");
}

// Base64 in lines of 76 characters (RFC 2045).
std::string Base64Lines(absl::string_view text) {
  const std::string encoded = absl::Base64Escape(text);
  std::string out;
  for (size_t i = 0; i < encoded.size(); i += 76)
    absl::StrAppend(&out, encoded.substr(i, 76), "\r\n");
  return out;
}

struct Payload {
  std::string data;
  size_t sent = 0;
};

size_t ReadPayload(char* buffer, size_t size, size_t count, void* user) {
  auto* payload = static_cast<Payload*>(user);
  const size_t n = std::min(size * count, payload->data.size() - payload->sent);
  payload->data.copy(buffer, n, payload->sent);
  payload->sent += n;
  return n;
}

// 1, 2, 4, ... minutes, at most an hour.
absl::Duration Backoff(int attempts) {
  return std::min(absl::Minutes(1) * (1 << std::min(attempts - 1, 6)),
                  absl::Hours(1));
}

}  // namespace

std::optional<SmtpSettings> SmtpSettingsFromConfig(
    absl::string_view default_from) {
  SmtpSettings smtp;
  smtp.url = absl::GetFlag(FLAGS_smtp_url);
  if (smtp.url.empty()) return std::nullopt;
  smtp.from = absl::GetFlag(FLAGS_mail_from);
  if (smtp.from.empty()) smtp.from = std::string(default_from);
  smtp.username = absl::GetFlag(FLAGS_smtp_username);
  smtp.password = absl::GetFlag(FLAGS_smtp_password);
  return smtp;
}

std::vector<PreparedStatement> OutboxStatements() {
  return {
      {"outbox_insert",
       absl::StrCat("INSERT INTO outbox (recipient, subject, body, "
                    "create_time, next_attempt_time, expire_time) VALUES ($1, "
                    "$2, $3, ",
                    TimestampParam(4), ", ", TimestampParam(4), ", ",
                    TimestampParam(5), ")")},
      // Mail past its expiry goes unsent, its recipient and body with it.
      {"outbox_expire",
       absl::StrCat("UPDATE outbox SET dead_time = ", TimestampParam(1),
                    ", recipient = NULL, body = NULL, last_error = 'expired "
                    "before it could be sent' WHERE sent_time IS NULL AND "
                    "dead_time IS NULL AND expire_time <= ",
                    TimestampParam(1))},
      // Claimed mail is leased for ten minutes: a sender that dies while
      // sending leaves it to be taken again after the lease.
      {"outbox_claim",
       absl::StrCat(
           "UPDATE outbox SET attempts = attempts + 1, next_attempt_time = ",
           TimestampParam(1),
           " + interval '10 minutes' WHERE id IN (SELECT id FROM outbox WHERE "
           "sent_time IS NULL AND dead_time IS NULL AND next_attempt_time <= ",
           TimestampParam(1),
           " ORDER BY next_attempt_time, id LIMIT $2 FOR UPDATE SKIP LOCKED) "
           "RETURNING id, recipient, subject, body, attempts")},
      {"outbox_sent",
       absl::StrCat("UPDATE outbox SET sent_time = ", TimestampParam(2),
                    ", recipient = NULL, body = NULL, last_error = '' WHERE "
                    "id = $1")},
      {"outbox_dead",
       absl::StrCat("UPDATE outbox SET dead_time = ", TimestampParam(3),
                    ", recipient = NULL, body = NULL, last_error = $2 WHERE "
                    "id = $1 AND sent_time IS NULL")},
      {"outbox_purge",
       absl::StrCat(
           "DELETE FROM outbox WHERE coalesce(sent_time, dead_time) < ",
           TimestampParam(1))},
      {"outbox_backlog",
       "SELECT count(*), coalesce(extract(epoch FROM now() - "
       "min(create_time)), 0)::float8 FROM outbox WHERE sent_time IS NULL AND "
       "dead_time IS NULL"},
      {"outbox_failed",
       absl::StrCat("UPDATE outbox SET last_error = $2, next_attempt_time = ",
                    TimestampParam(3), " WHERE id = $1 AND sent_time IS NULL")},
  };
}

void EnqueueMail(pqxx::transaction_base& txn, const Mail& mail,
                 absl::Time now) {
  txn.exec_prepared("outbox_insert", mail.recipient, mail.subject, mail.body,
                    absl::ToUnixMicros(now),
                    mail.expire_time == absl::InfiniteFuture()
                        ? std::optional<int64_t>()
                        : absl::ToUnixMicros(mail.expire_time));
}

absl::Status SendMail(const SmtpSettings& smtp, const Mail& mail,
                      absl::string_view message_id, absl::Time now) {
  static std::once_flag curl_initialised;
  std::call_once(curl_initialised, [] { curl_global_init(CURL_GLOBAL_ALL); });
  Payload payload;
  payload.data = absl::StrCat(
      "Date: ",
      absl::FormatTime("%a, %d %b %Y %H:%M:%S +0000", now, absl::UTCTimeZone()),
      "\r\nFrom: <", smtp.from, ">\r\nTo: <", mail.recipient,
      ">\r\nMessage-ID: <", message_id,
      "@mobility-office>\r\nSubject: ", EncodedHeader(mail.subject),
      "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; "
      "charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n",
      Base64Lines(mail.body));
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(),
                                                           curl_easy_cleanup);
  if (!curl) return absl::InternalError("cannot start libcurl");
  const std::string from = absl::StrCat("<", smtp.from, ">");
  curl_slist* recipients = curl_slist_append(
      nullptr, absl::StrCat("<", mail.recipient, ">").c_str());
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, smtp.url.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients);
  if (!smtp.username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, smtp.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, smtp.password.c_str());
    curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  }
  curl_easy_setopt(c, CURLOPT_READFUNCTION, ReadPayload);
  curl_easy_setopt(c, CURLOPT_READDATA, &payload);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  const CURLcode result = curl_easy_perform(c);
  curl_slist_free_all(recipients);
  if (result != CURLE_OK) {
    return Error(absl::StatusCode::kUnavailable, "SMTP_FAILED",
                 curl_easy_strerror(result));
  }
  return absl::OkStatus();
}

void AddOutboxMetrics(Database* db, metrics::Registry* registry) {
  // Column `column` of the backlog: 0 how many, 1 the oldest's age.
  auto backlog = [db](int column) {
    return [db, column]() -> absl::StatusOr<std::vector<metrics::Sample>> {
      return db->ReadValue(
          CallLimit::Within(absl::Seconds(5)),
          [&](pqxx::transaction_base& txn)
              -> absl::StatusOr<std::vector<metrics::Sample>> {
            const double value =
                txn.exec_prepared1("outbox_backlog")[column].as<double>();
            return std::vector<metrics::Sample>{{{}, value}};
          });
    };
  };
  registry->AddGauge("mobility_outbox_pending", "E-mails waiting to be sent.",
                     {}, backlog(0));
  registry->AddGauge(
      "mobility_outbox_oldest_pending_age_seconds",
      "Age of the oldest e-mail waiting to be sent (0 when none waits).", {},
      backlog(1));
}

OutboxSender::OutboxSender(Database* db, SmtpSettings smtp, Clock clock)
    : db_(db), smtp_(std::move(smtp)), clock_(std::move(clock)) {}

OutboxSender::~OutboxSender() {
  stopping_.Notify();
  if (thread_.joinable()) thread_.join();
}

void OutboxSender::Start() {
  thread_ = std::thread([this] {
    absl::Time next_purge = absl::Now();
    do {
      auto sent = DrainOnce();
      if (!sent.ok()) {
        Log(LogLevel::kWarning, "outbox_failed",
            {{"message", std::string(sent.status().message())}});
      } else if (*sent > 0) {
        Log(LogLevel::kInfo, "mail_sent", {{"count", std::to_string(*sent)}});
      }
      if (absl::Now() >= next_purge) {
        next_purge = absl::Now() + absl::Hours(1);
        auto purged = PurgeFinished();
        if (purged.ok() && *purged > 0) {
          Log(LogLevel::kInfo, "mail_purged",
              {{"count", std::to_string(*purged)}});
        }
      }
    } while (!stopping_.WaitForNotificationWithTimeout(smtp_.poll_interval));
  });
}

absl::StatusOr<int64_t> OutboxSender::PurgeFinished() {
  return db_->TransactValue(
      CallLimit::Within(absl::Minutes(1)),
      [&](pqxx::transaction_base& txn) -> absl::StatusOr<int64_t> {
        return txn
            .exec_prepared(
                "outbox_purge",
                absl::ToUnixMicros(clock_() - kFinishedMailRetention))
            .affected_rows();
      });
}

absl::StatusOr<int> OutboxSender::DrainOnce() {
  int sent = 0;
  for (;;) {
    const CallLimit limit = CallLimit::Within(absl::Seconds(30));
    std::vector<Mail> claimed;
    absl::Status claim = db_->Transact(limit, [&](pqxx::transaction_base& txn) {
      claimed.clear();  // Replaced, not appended to, on a rerun.
      const int64_t now = absl::ToUnixMicros(TruncatedNow(clock_));
      txn.exec_prepared("outbox_expire", now);
      for (const auto& row : txn.exec_prepared("outbox_claim", now, kBatch)) {
        Mail& m = claimed.emplace_back();
        m.id = row["id"].as<int64_t>();
        m.recipient = row["recipient"].as<std::string>();
        m.subject = row["subject"].as<std::string>();
        m.body = row["body"].as<std::string>("");
        m.attempts = row["attempts"].as<int>();
      }
      return absl::OkStatus();
    });
    if (!claim.ok()) return claim;
    for (const Mail& mail : claimed) {
      absl::Status mailed =
          SendMail(smtp_, mail,
                   absl::StrCat(db_->options().schema, "-", mail.id), clock_());
      absl::Status marked =
          db_->Transact(limit, [&](pqxx::transaction_base& txn) {
            const absl::Time now = TruncatedNow(clock_);
            if (mailed.ok()) {
              txn.exec_prepared("outbox_sent", mail.id,
                                absl::ToUnixMicros(now));
            } else if (mail.attempts >= kMaxMailAttempts) {
              txn.exec_prepared("outbox_dead", mail.id,
                                absl::StrCat("gave up after ", mail.attempts,
                                             " attempts: ", mailed.message()),
                                absl::ToUnixMicros(now));
            } else {
              txn.exec_prepared(
                  "outbox_failed", mail.id, std::string(mailed.message()),
                  absl::ToUnixMicros(now + Backoff(mail.attempts)));
            }
            return absl::OkStatus();
          });
      if (!marked.ok()) return marked;
      if (mailed.ok()) {
        ++sent;
      } else {
        // The mail's id, never its recipient.
        Log(LogLevel::kWarning, "mail_failed",
            {{"mail", std::to_string(mail.id)},
             {"attempts", std::to_string(mail.attempts)},
             {"message", std::string(mailed.message())}});
      }
    }
    if (static_cast<int>(claimed.size()) < kBatch ||
        stopping_.HasBeenNotified())
      return sent;
  }
}

}  // namespace mobility
