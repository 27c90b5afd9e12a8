#include "services/inquiries/outbox_sender.h"

#include <curl/curl.h>

#include <algorithm>
#include <mutex>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/status.h"

namespace mobility::inquiries {
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

absl::Status SendMail(const SmtpSettings& smtp, const Notice& notice,
                      absl::Time now) {
  static std::once_flag curl_initialised;
  std::call_once(curl_initialised, [] { curl_global_init(CURL_GLOBAL_ALL); });
  Payload payload;
  payload.data = absl::StrCat(
      "Date: ",
      absl::FormatTime("%a, %d %b %Y %H:%M:%S +0000", now, absl::UTCTimeZone()),
      "\r\nFrom: <", smtp.from, ">\r\nTo: <", notice.recipient,
      ">\r\nMessage-ID: <notice-", notice.id,
      "@mobility-office>\r\nSubject: ", EncodedHeader(notice.subject),
      "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; "
      "charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n",
      Base64Lines(notice.body));
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(),
                                                           curl_easy_cleanup);
  if (!curl) return absl::InternalError("cannot start libcurl");
  const std::string from = absl::StrCat("<", smtp.from, ">");
  curl_slist* recipients = curl_slist_append(
      nullptr, absl::StrCat("<", notice.recipient, ">").c_str());
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

OutboxSender::OutboxSender(Transactor<InquiriesStore>* store, SmtpSettings smtp,
                           Clock clock)
    : store_(store), smtp_(std::move(smtp)), clock_(std::move(clock)) {}

OutboxSender::~OutboxSender() {
  stopping_.Notify();
  if (thread_.joinable()) thread_.join();
}

void OutboxSender::Start() {
  thread_ = std::thread([this] {
    do {
      auto sent = DrainOnce();
      if (!sent.ok()) {
        Log(LogLevel::kWarning, "outbox_failed",
            {{"message", std::string(sent.status().message())}});
      } else if (*sent > 0) {
        Log(LogLevel::kInfo, "notices_sent",
            {{"count", std::to_string(*sent)}});
      }
    } while (!stopping_.WaitForNotificationWithTimeout(smtp_.poll_interval));
  });
}

absl::StatusOr<int> OutboxSender::DrainOnce() {
  int sent = 0;
  for (;;) {
    const CallLimit limit = CallLimit::Within(absl::Seconds(30));
    auto claimed = store_->TransactValue(
        limit,
        [&](InquiriesStore& store) -> absl::StatusOr<std::vector<Notice>> {
          return store.ClaimNotices(TruncatedNow(clock_), kBatch);
        });
    if (!claimed.ok()) return claimed.status();
    for (const Notice& notice : *claimed) {
      absl::Status mailed = SendMail(smtp_, notice, clock_());
      absl::Status marked = store_->Transact(limit, [&](InquiriesStore& store) {
        if (mailed.ok()) {
          store.MarkNoticeSent(notice.id, TruncatedNow(clock_));
        } else {
          store.MarkNoticeFailed(
              notice.id, std::string(mailed.message()),
              TruncatedNow(clock_) + Backoff(notice.attempts));
        }
        return absl::OkStatus();
      });
      if (!marked.ok()) return marked;
      if (mailed.ok()) {
        ++sent;
      } else {
        // The notice's id, never its recipient.
        Log(LogLevel::kWarning, "notice_failed",
            {{"notice", std::to_string(notice.id)},
             {"attempts", std::to_string(notice.attempts)},
             {"message", std::string(mailed.message())}});
      }
    }
    if (static_cast<int>(claimed->size()) < kBatch ||
        stopping_.HasBeenNotified())
      return sent;
  }
}

}  // namespace mobility::inquiries
