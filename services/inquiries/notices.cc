#include "services/inquiries/notices.h"

#include "absl/strings/str_cat.h"
#include "common/api.h"
#include "common/types.h"
#include "common/words.h"
#include "services/inquiries/words.h"

namespace mobility::inquiries {

std::string AppealProcedure(const std::string& language) {
  return Text(words::APPEAL_PROCEDURE)
      .In(ParseLanguage(language).value_or(Language::kEnglish));
}

std::optional<Notice> NoticeFor(NoticeKind kind, const v1::Inquiry& inquiry,
                                const std::string& public_url,
                                const std::string& tracking_code,
                                std::optional<absl::CivilDay> day) {
  if (inquiry.author().email().empty()) return std::nullopt;
  const Words* subject = nullptr;
  const Words* body = nullptr;
  Value detail("");
  switch (kind) {
    case NoticeKind::kRegistered:
      subject = &words::MAIL_REGISTERED_SUBJECT;
      body = &words::MAIL_REGISTERED_BODY;
      break;
    case NoticeKind::kAlreadyRegistered:
      subject = &words::MAIL_ALREADY_REGISTERED_SUBJECT;
      body = &words::MAIL_ALREADY_REGISTERED_BODY;
      break;
    case NoticeKind::kExtended:
      subject = &words::MAIL_EXTENDED_SUBJECT;
      body = &words::MAIL_EXTENDED_BODY;
      detail = inquiry.extensions().empty()
                   ? ""
                   : inquiry.extensions().rbegin()->reason();
      break;
    case NoticeKind::kForwarded:
      subject = &words::MAIL_FORWARDED_SUBJECT;
      body = &words::MAIL_FORWARDED_BODY;
      detail = inquiry.forwarding().reason();
      break;
    case NoticeKind::kAnswered:
      subject = &words::MAIL_ANSWERED_SUBJECT;
      body = &words::MAIL_ANSWERED_BODY;
      detail = absl::StrCat(inquiry.answer().text(), "\n\n",
                            inquiry.answer().appeal_procedure());
      break;
    case NoticeKind::kReply:
      subject = &words::MAIL_REPLY_SUBJECT;
      body = &words::MAIL_REPLY_BODY;
      detail =
          inquiry.messages().empty() ? "" : inquiry.messages().rbegin()->text();
      break;
    case NoticeKind::kDueDateMoved:
      subject = &words::MAIL_DUE_DATE_MOVED_SUBJECT;
      body = &words::MAIL_DUE_DATE_MOVED_BODY;
      if (day) detail = Value::Date(*day);
      break;
  }
  // The fragment never reaches a server's logs: the tracking page reads it.
  // Later e-mails hold the number alone, the code being stored only hashed.
  const std::string link = absl::StrCat(
      public_url, "/track#", inquiry.registration_number(),
      tracking_code.empty() ? "" : absl::StrCat("/", tracking_code));
  const Language language =
      ParseLanguage(inquiry.language()).value_or(Language::kEnglish);
  // Values are never read as placeholders, so the author's and the office's
  // free text goes in as it is.
  const std::initializer_list<std::pair<absl::string_view, Value>> values = {
      {"number", inquiry.registration_number()},
      {"date", Value::Date(ToCivilDay(inquiry.receipt().registration_date()))},
      {"due", Value::Date(ToCivilDay(inquiry.legal_due_date()))},
      {"link", link},
      {"body", inquiry.forwarding().body()},
      {"text", detail}};
  Notice notice;
  notice.inquiry_id = ResourceIdOf(inquiry.name());
  notice.mail.recipient = inquiry.author().email();
  notice.mail.subject = Text(*subject, values).In(language);
  notice.mail.body = Text(*body, values).In(language);
  return notice;
}

}  // namespace mobility::inquiries
