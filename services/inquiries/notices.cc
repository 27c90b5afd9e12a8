#include "services/inquiries/notices.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/api.h"
#include "common/types.h"

namespace mobility::inquiries {
namespace {

struct MailText {
  const char* subject;
  const char* body;
};

// {number}, {date}, {due}, {link}, {body}, {text} are filled in.
struct Texts {
  MailText registered, already_registered, extended, forwarded, answered, reply,
      due_date_moved;
  const char* appeal;
};

const Texts kEnglish = {
    {"Your appeal {number} is registered",
     "Your appeal was registered on {date} under number {number}.\n"
     "The answer is due by {due}.\n\n"
     "Follow it and reply at {link}\n"
     "Keep this link: it holds your tracking code.\n"},
    {"Your appeal {number} is already registered",
     "Your appeal was already registered on {date} under number {number}; "
     "the answer is due by {due}.\n"
     "The same text came again, so no second appeal was registered.\n"
     "Follow it with the link in the first e-mail, at {link}\n"},
    {"Appeal {number}: the answer date is extended",
     "The rector's office extended the time to answer appeal {number} to "
     "{due}.\nReason: {text}\n"},
    {"Appeal {number} is forwarded",
     "Appeal {number} is outside the university's competence and was "
     "forwarded to {body}.\nReason: {text}\n"},
    {"Appeal {number} is answered",
     "Appeal {number} is answered:\n\n{text}\n\nRead it and reply at "
     "{link}\n"},
    {"Appeal {number}: a reply from the office",
     "The office replied to appeal {number}:\n\n{text}\n"},
    {"Appeal {number}: the answer date moved",
     "The holiday calendar changed for {text}, so the answer to appeal "
     "{number} is now due by {due}.\n"},
    "You may appeal this answer to a higher official or body in the "
    "pre-trial procedure, or to court, under the Administrative Procedural "
    "Code of the Republic of Kazakhstan."};

const Texts kRussian = {
    {"Обращение {number} зарегистрировано",
     "Ваше обращение зарегистрировано {date} под номером {number}.\n"
     "Срок рассмотрения: до {due}.\n\n"
     "Следить за ним и ответить можно по ссылке {link}\n"
     "Сохраните ссылку: в ней ваш код отслеживания.\n"},
    {"Обращение {number} уже зарегистрировано",
     "Ваше обращение уже зарегистрировано {date} под номером {number}; "
     "срок рассмотрения: до {due}.\n"
     "Тот же текст пришёл повторно, поэтому второе обращение не "
     "зарегистрировано.\n"
     "Следите за ним по ссылке из первого письма: {link}\n"},
    {"Обращение {number}: срок рассмотрения продлён",
     "Ректорат продлил срок рассмотрения обращения {number} до {due}.\n"
     "Основание: {text}\n"},
    {"Обращение {number} перенаправлено",
     "Обращение {number} не относится к компетенции университета и "
     "направлено в {body}.\nОснование: {text}\n"},
    {"Ответ на обращение {number}",
     "На обращение {number} дан ответ:\n\n{text}\n\nПрочитать и ответить: "
     "{link}\n"},
    {"Обращение {number}: сообщение от университета",
     "Университет ответил по обращению {number}:\n\n{text}\n"},
    {"Обращение {number}: срок рассмотрения перенесён",
     "В календаре праздничных дней изменён день {text}, поэтому срок "
     "рассмотрения обращения {number} перенесён: до {due}.\n"},
    "Вы вправе обжаловать этот ответ вышестоящему должностному лицу или в "
    "вышестоящий орган в досудебном порядке либо в суд в соответствии с "
    "Административным процедурно-процессуальным кодексом Республики "
    "Казахстан."};

const Texts kKazakh = {
    {"{number} өтініш тіркелді",
     "Сіздің өтінішіңіз {date} күні {number} нөмірімен тіркелді.\n"
     "Қарау мерзімі: {due} дейін.\n\n"
     "Өтінішті бақылау және жауап беру: {link}\n"
     "Сілтемені сақтаңыз: онда бақылау кодыңыз бар.\n"},
    {"{number} өтініш бұрын тіркелген",
     "Сіздің өтінішіңіз {date} күні {number} нөмірімен бұрын тіркелген; "
     "қарау мерзімі: {due} дейін.\n"
     "Сол мәтін қайта келді, сондықтан екінші өтініш тіркелмеді.\n"
     "Оны бірінші хаттағы сілтеме арқылы бақылаңыз: {link}\n"},
    {"{number} өтініш: қарау мерзімі ұзартылды",
     "Ректорат {number} өтінішті қарау мерзімін {due} дейін ұзартты.\n"
     "Негіздеме: {text}\n"},
    {"{number} өтініш жолданды",
     "{number} өтініш университеттің құзыретіне жатпайды және {body} "
     "жолданды.\nНегіздеме: {text}\n"},
    {"{number} өтінішке жауап",
     "{number} өтінішке жауап берілді:\n\n{text}\n\nОқу және жауап беру: "
     "{link}\n"},
    {"{number} өтініш: университеттен хабар",
     "Университет {number} өтініш бойынша жауап берді:\n\n{text}\n"},
    {"{number} өтініш: қарау мерзімі ауыстырылды",
     "Мереке күндерінің күнтізбесінде {text} күні өзгертілді, сондықтан "
     "{number} өтінішті қарау мерзімі ауыстырылды: {due} дейін.\n"},
    "Сіз бұл жауапқа Қазақстан Республикасының Әкімшілік рәсімдік-процестік "
    "кодексіне сәйкес жоғары тұрған лауазымды адамға немесе органға сотқа "
    "дейінгі тәртіппен не сотқа шағым жасай аласыз."};

const Texts& TextsFor(const std::string& language) {
  if (language == "kk") return kKazakh;
  if (language == "ru") return kRussian;
  return kEnglish;
}

}  // namespace

std::string AppealProcedure(const std::string& language) {
  return TextsFor(language).appeal;
}

std::optional<Notice> NoticeFor(NoticeKind kind, const v1::Inquiry& inquiry,
                                const std::string& public_url,
                                const std::string& tracking_code,
                                const std::string& day) {
  if (inquiry.author().email().empty()) return std::nullopt;
  const Texts& texts = TextsFor(inquiry.language());
  const MailText* text = nullptr;
  std::string detail;
  switch (kind) {
    case NoticeKind::kRegistered:
      text = &texts.registered;
      break;
    case NoticeKind::kAlreadyRegistered:
      text = &texts.already_registered;
      break;
    case NoticeKind::kExtended:
      text = &texts.extended;
      detail = inquiry.extensions().empty()
                   ? ""
                   : inquiry.extensions().rbegin()->reason();
      break;
    case NoticeKind::kForwarded:
      text = &texts.forwarded;
      detail = inquiry.forwarding().reason();
      break;
    case NoticeKind::kAnswered:
      text = &texts.answered;
      detail = absl::StrCat(inquiry.answer().text(), "\n\n",
                            inquiry.answer().appeal_procedure());
      break;
    case NoticeKind::kReply:
      text = &texts.reply;
      detail =
          inquiry.messages().empty() ? "" : inquiry.messages().rbegin()->text();
      break;
    case NoticeKind::kDueDateMoved:
      text = &texts.due_date_moved;
      detail = day;
      break;
  }
  // The fragment never reaches a server's logs: the tracking page reads it.
  const std::string link =
      tracking_code.empty()
          ? absl::StrCat(public_url, "/track")
          : absl::StrCat(public_url, "/track#", inquiry.registration_number(),
                         "/", tracking_code);
  const std::vector<std::pair<absl::string_view, std::string>> fields = {
      {"{number}", inquiry.registration_number()},
      {"{date}", FormatDate(inquiry.receipt().registration_date())},
      {"{due}", FormatDate(inquiry.legal_due_date())},
      {"{link}", link},
      {"{body}", inquiry.forwarding().body()},
  };
  Notice notice;
  notice.inquiry_id = ResourceIdOf(inquiry.name());
  notice.mail.recipient = inquiry.author().email();
  notice.mail.subject = absl::StrReplaceAll(text->subject, fields);
  // The free text goes in last, so braces in it are never read as fields.
  notice.mail.body = absl::StrReplaceAll(
      absl::StrReplaceAll(text->body, fields), {{"{text}", detail}});
  return notice;
}

}  // namespace mobility::inquiries
