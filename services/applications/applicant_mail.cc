#include "services/applications/applicant_mail.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/words.h"
#include "services/applications/words.h"

namespace mobility::applications {

std::optional<Mail> ApplicantMail(const v1::Application& a,
                                  const v1::Call& call,
                                  absl::string_view public_url) {
  const Words* subject = nullptr;
  const Words* body = nullptr;
  switch (a.state()) {
    case v1::Application::SUBMITTED:
      subject = &words::MAIL_SUBMITTED_SUBJECT;
      body = &words::MAIL_SUBMITTED_BODY;
      break;
    case v1::Application::SELECTED:
      subject = &words::MAIL_SELECTED_SUBJECT;
      body = &words::MAIL_SELECTED_BODY;
      break;
    case v1::Application::RESERVE:
      subject = &words::MAIL_RESERVE_SUBJECT;
      body = &words::MAIL_RESERVE_BODY;
      break;
    case v1::Application::REJECTED:
      subject = &words::MAIL_REJECTED_SUBJECT;
      body = &words::MAIL_REJECTED_BODY;
      break;
    case v1::Application::NOMINATED:
      subject = &words::MAIL_NOMINATED_SUBJECT;
      body = &words::MAIL_NOMINATED_BODY;
      break;
    default:
      return std::nullopt;
  }
  const Language language =
      ParseLanguage(a.language()).value_or(Language::kEnglish);
  const std::string tag(LanguageTag(language));
  auto title = call.title_translations().find(tag);
  Mail mail;
  mail.recipient = a.applicant().email();
  mail.subject = Text(*subject).In(language);
  mail.body = absl::StrCat(
      Text(*body,
           {{"call", title != call.title_translations().end() ? title->second
                                                              : call.title()}})
          .In(language),
      "\r\n\r\n",
      Text(words::MAIL_FOLLOW, {{"link", absl::StrCat(public_url, "/apply")}})
          .In(language),
      "\r\n");
  return mail;
}

}  // namespace mobility::applications
