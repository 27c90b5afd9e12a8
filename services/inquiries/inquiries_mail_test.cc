// The author's e-mails through a real SMTP server (Debian's aiosmtpd writing a
// maildir), the retention job, and the published Q&A with text search.
#include <gmock/gmock.h>

#include "common/api.h"
#include "common/outbox.h"
#include "services/inquiries/inquiries_test_fixture.h"
#include "services/inquiries/retention.h"
#include "tests/e2e_support.h"

namespace mobility::inquiries {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;

class MailTest : public InquiriesTest {
 protected:
  std::unique_ptr<OutboxSender> Sender(const e2e::SmtpSink& sink) {
    SmtpSettings smtp;
    smtp.url = sink.url();
    smtp.from = "rector@kokshetau.example";
    return std::make_unique<OutboxSender>(db_.get(), smtp, settings_.clock);
  }
  int64_t Count(const std::string& sql) {
    int64_t n = -1;
    EXPECT_TRUE(db_->Transact(CallLimit::Within(absl::Seconds(10)),
                              [&](pqxx::transaction_base& txn) {
                                n = txn.exec1(sql)[0].as<int64_t>();
                                return absl::OkStatus();
                              })
                    .ok());
    return n;
  }
};

// Registered and answered: two mails, each sent once, even by a second
// sender after a restart; the registration mail carries the tracking link,
// and the outbox keeps no body once sent.
TEST_F(MailTest, NoticesGoOutOnceAcrossRestarts) {
  e2e::SmtpSink sink;
  sink.Start();
  v1::InquiryReceipt receipt = Submit(Question("When are grants paid?"));
  ASSERT_TRUE(Assign(receipt.inquiry()).ok());
  ASSERT_TRUE(Start(receipt.inquiry()).ok());
  v1::AddMessageRequest note;
  note.set_name(receipt.inquiry());
  note.mutable_message()->set_visibility(v1::Message::INTERNAL_NOTE);
  note.mutable_message()->set_text("Internal: check with finance first");
  v1::Inquiry noted;
  ASSERT_TRUE(Call(&Stub::AddMessage, note, &noted, Handler()).ok());
  ASSERT_TRUE(Answer(receipt.inquiry(), "Within 30 days of signing.").ok());
  EXPECT_EQ(*Sender(sink)->DrainOnce(), 2);  // No mail for the note.
  EXPECT_EQ(*Sender(sink)->DrainOnce(), 0);  // A restarted sender.

  std::vector<std::string> mails = sink.Mails(2);
  ASSERT_THAT(mails, SizeIs(2));
  // Registration first, then the answer.
  if (mails[0].find("under number") == std::string::npos)
    std::swap(mails[0], mails[1]);
  const std::string& registered = mails[0];
  EXPECT_THAT(registered, HasSubstr("X-RcptTo: aigerim@example.kz"));
  EXPECT_THAT(registered, HasSubstr("under number 2026-000001"));
  // Dates in the author's language, not ISO (issue 23).
  EXPECT_THAT(registered, HasSubstr("due by 16\u00a0December\u00a02026"));
  EXPECT_THAT(registered,
              HasSubstr(absl::StrCat("https://mobility.example/track#",
                                     "2026-000001/", receipt.tracking_code())));
  EXPECT_THAT(mails[1], HasSubstr("Within 30 days of signing."));
  EXPECT_THAT(mails[1], HasSubstr("Administrative Procedural Code"));
  for (const auto& mail : mails)
    EXPECT_THAT(mail, ::testing::Not(HasSubstr("check with finance")));
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE body IS NOT NULL"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE sent_time IS NULL"), 0);
}

// With the SMTP server down, registration still succeeds; the notice waits
// and goes out once the server is back and the backoff has passed.
TEST_F(MailTest, NoticesWaitWhileTheServerIsDown) {
  e2e::SmtpSink sink;
  v1::InquiryReceipt receipt = Submit(Question("Is anyone there?"));
  EXPECT_EQ(receipt.state(), v1::Inquiry::REGISTERED);
  EXPECT_EQ(*Sender(sink)->DrainOnce(), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE last_error <> '' AND "
                  "attempts = 1"),
            1);
  sink.Start();
  EXPECT_EQ(*Sender(sink)->DrainOnce(), 0);  // Backing off for a minute.
  Advance(absl::Minutes(1));
  EXPECT_EQ(*Sender(sink)->DrainOnce(), 1);
  EXPECT_THAT(sink.Mails(1), SizeIs(1));
  Advance(absl::Hours(1));
  EXPECT_EQ(*Sender(sink)->DrainOnce(), 0);
}

// Closed longer than the retention period: the author's data goes, the
// history says so, and the rest of the record stays.
TEST_F(MailTest, RetentionAnonymisesLongClosedInquiries) {
  v1::InquiryReceipt old = Submit(Question("An old question"));
  ASSERT_TRUE(Assign(old.inquiry()).ok());
  ASSERT_TRUE(Start(old.inquiry()).ok());
  ASSERT_TRUE(Answer(old.inquiry(), "An old answer").ok());
  v1::CloseInquiryRequest close;
  close.set_name(old.inquiry());
  v1::Inquiry closed;
  ASSERT_TRUE(Call(&Stub::CloseInquiry, close, &closed, Handler()).ok());
  Advance(settings_.retention - absl::Hours(1));
  v1::InquiryReceipt recent = Submit(Question("A recent question"));

  Retention retention(store_.get(), &settings_);
  const CallLimit limit = CallLimit::Within(absl::Seconds(30));
  EXPECT_EQ(*retention.AnonymiseExpired(limit), 0);  // An hour early.
  Advance(absl::Hours(1) + absl::Seconds(1));
  EXPECT_EQ(*retention.AnonymiseExpired(limit), 1);
  EXPECT_EQ(*retention.AnonymiseExpired(limit), 0);

  v1::Inquiry anonymised = Get(old.inquiry());
  EXPECT_FALSE(anonymised.has_author());
  EXPECT_TRUE(anonymised.text().empty());
  EXPECT_TRUE(anonymised.answer().text().empty());
  EXPECT_TRUE(anonymised.has_anonymise_time());
  EXPECT_EQ(anonymised.registration_number(), "2026-000001");
  EXPECT_EQ(anonymised.history().rbegin()->action(), "personal data removed");
  EXPECT_EQ(anonymised.history().rbegin()->actor(), "retention");
  EXPECT_THAT(anonymised.DebugString(),
              ::testing::Not(HasSubstr("aigerim@example.kz")));
  EXPECT_EQ(Count(absl::StrCat("SELECT count(*) FROM outbox WHERE "
                               "inquiry_id = '",
                               ResourceIdOf(old.inquiry()), "'")),
            0);
  EXPECT_EQ(Get(recent.inquiry()).author().email(), "aigerim@example.kz");
}

// An answer left 30 days without a reply closes the appeal by itself, with
// the reason in its history; one answered a day later is still ANSWERED.
TEST_F(MailTest, AnAnswerLeftThirtyDaysWithoutAReplyClosesTheAppeal) {
  auto answered = [&](const std::string& text) {
    v1::InquiryReceipt receipt = Submit(Question(text));
    EXPECT_TRUE(Assign(receipt.inquiry()).ok());
    EXPECT_TRUE(Start(receipt.inquiry()).ok());
    EXPECT_TRUE(Answer(receipt.inquiry(), "An answer").ok());
    return receipt.inquiry();
  };
  const std::string first = answered("A first question");
  Advance(absl::Hours(24));
  const std::string second = answered("A second question");
  Retention retention(store_.get(), &settings_);
  const CallLimit limit = CallLimit::Within(absl::Seconds(30));
  Advance(absl::Hours(24 * 29) - absl::Seconds(1));
  EXPECT_EQ(*retention.CloseUnreplied(limit), 0);  // A second early.
  Advance(absl::Seconds(2));
  EXPECT_EQ(*retention.CloseUnreplied(limit), 1);
  const v1::Inquiry closed = Get(first);
  EXPECT_EQ(closed.state(), v1::Inquiry::CLOSED);
  EXPECT_TRUE(closed.has_close_time());
  EXPECT_EQ(closed.history().rbegin()->action(),
            "closed: no reply within 30 days");
  EXPECT_EQ(Get(second).state(), v1::Inquiry::ANSWERED);
  EXPECT_EQ(*retention.CloseUnreplied(limit), 0);
}

// Published in the moderator's words, found by English and Russian stems,
// read without an account, paged.
TEST_F(MailTest, PublishedQuestionsAreSearchedWithoutAnAccount) {
  auto answered = [&](const std::string& text, bool consent) {
    v1::CreateInquiryRequest r = Question(text);
    r.mutable_inquiry()->set_consent_to_publication(consent);
    v1::InquiryReceipt receipt = Submit(r, Handler());
    EXPECT_TRUE(Assign(receipt.inquiry()).ok());
    EXPECT_TRUE(Start(receipt.inquiry()).ok());
    EXPECT_TRUE(Answer(receipt.inquiry(), "answer").ok());
    return receipt.inquiry();
  };
  auto publish = [&](const std::string& inquiry, const std::string& title,
                     const std::string& question, const std::string& language) {
    v1::PublishQuestionRequest r;
    r.set_inquiry(inquiry);
    r.mutable_published_question()->set_title(title);
    r.mutable_published_question()->set_question(question);
    r.mutable_published_question()->set_answer("The office answers.");
    r.mutable_published_question()->set_language(language);
    v1::PublishedQuestion out;
    return Call(&Stub::PublishQuestion, r, &out, Handler());
  };
  const std::string grants = answered("grants", true);
  ASSERT_TRUE(publish(grants, "Erasmus+ grants",
                      "How are the grants for Latvia paid?", "en")
                  .ok());
  EXPECT_EQ(publish(grants, "again", "again", "en").code(),
            absl::StatusCode::kAlreadyExists);
  Advance(absl::Seconds(1));
  ASSERT_TRUE(publish(answered("стипендия", true), "Стипендия",
                      "Сохраняется ли стипендия во время обмена?", "ru")
                  .ok());
  EXPECT_EQ(publish(answered("private", false), "t", "q", "en").code(),
            absl::StatusCode::kFailedPrecondition);
  v1::InquiryReceipt open = Submit(Question("not yet answered"), Handler());
  EXPECT_EQ(publish(open.inquiry(), "t", "q", "en").code(),
            absl::StatusCode::kFailedPrecondition);

  auto search = [&](const std::string& query) {
    v1::ListPublishedQuestionsRequest r;
    r.set_query(query);
    v1::ListPublishedQuestionsResponse out;
    EXPECT_TRUE(Call(&Stub::ListPublishedQuestions, r, &out).ok());
    std::vector<std::string> titles;
    for (const auto& q : out.published_questions()) {
      EXPECT_TRUE(q.inquiry().empty());  // Not for the public.
      titles.push_back(q.title());
    }
    return titles;
  };
  EXPECT_THAT(search("grant"), ::testing::ElementsAre("Erasmus+ grants"));
  EXPECT_THAT(search("How is the grant paid?"),
              ::testing::ElementsAre("Erasmus+ grants"));
  EXPECT_THAT(search("стипендии"), ::testing::ElementsAre("Стипендия"));
  EXPECT_THAT(search("обмен"), ::testing::ElementsAre("Стипендия"));
  EXPECT_THAT(search("hostel"), ::testing::IsEmpty());
  EXPECT_THAT(search(""),
              ::testing::ElementsAre("Стипендия", "Erasmus+ grants"));

  v1::ListPublishedQuestionsRequest page;
  page.set_page_size(1);
  std::vector<std::string> titles;
  do {
    v1::ListPublishedQuestionsResponse out;
    ASSERT_TRUE(Call(&Stub::ListPublishedQuestions, page, &out).ok());
    for (const auto& q : out.published_questions()) titles.push_back(q.title());
    page.set_page_token(out.next_page_token());
  } while (!page.page_token().empty());
  EXPECT_THAT(titles, ::testing::ElementsAre("Стипендия", "Erasmus+ grants"));
}

// A published question read by its name: the public gets the Q&A alone,
// the office which appeal it came from and who published it.
TEST_F(MailTest, APublishedQuestionIsReadByName) {
  v1::InquiryReceipt receipt = Submit(Question("grants"), Handler());
  ASSERT_TRUE(Assign(receipt.inquiry()).ok());
  ASSERT_TRUE(Start(receipt.inquiry()).ok());
  ASSERT_TRUE(Answer(receipt.inquiry(), "answer").ok());
  v1::PublishQuestionRequest publish;
  publish.set_inquiry(receipt.inquiry());
  publish.mutable_published_question()->set_title("Erasmus+ grants");
  publish.mutable_published_question()->set_question("How are they paid?");
  publish.mutable_published_question()->set_answer("In two instalments.");
  publish.mutable_published_question()->set_language("en");
  v1::PublishedQuestion published;
  ASSERT_TRUE(
      Call(&Stub::PublishQuestion, publish, &published, Handler()).ok());

  v1::GetPublishedQuestionRequest get;
  get.set_name(published.name());
  v1::PublishedQuestion seen;
  ASSERT_TRUE(Call(&Stub::GetPublishedQuestion, get, &seen).ok());
  EXPECT_EQ(seen.title(), "Erasmus+ grants");
  EXPECT_EQ(seen.answer(), "In two instalments.");
  EXPECT_TRUE(seen.inquiry().empty());
  EXPECT_TRUE(seen.published_by().empty());
  ASSERT_TRUE(Call(&Stub::GetPublishedQuestion, get, &seen, Handler()).ok());
  EXPECT_EQ(seen.inquiry(), receipt.inquiry());
  EXPECT_FALSE(seen.published_by().empty());

  get.set_name("publishedQuestions/no-such-question");
  EXPECT_EQ(Call(&Stub::GetPublishedQuestion, get, &seen).code(),
            absl::StatusCode::kNotFound);
  get.set_name("inquiries/not-a-question");
  EXPECT_EQ(Call(&Stub::GetPublishedQuestion, get, &seen).code(),
            absl::StatusCode::kInvalidArgument);
}

// Issue 23: the published Q&A stayed English, and a Russian search for
// "грант" did not find the question about grants.
TEST_F(MailTest, AQuestionInSeveralLanguagesIsFoundInEach) {
  v1::InquiryReceipt receipt = Submit(Question("grants"), Handler());
  ASSERT_TRUE(Assign(receipt.inquiry()).ok());
  ASSERT_TRUE(Start(receipt.inquiry()).ok());
  ASSERT_TRUE(Answer(receipt.inquiry(), "answer").ok());
  v1::PublishQuestionRequest r;
  r.set_inquiry(receipt.inquiry());
  v1::PublishedQuestion* q = r.mutable_published_question();
  q->set_title("Erasmus+ grants");
  q->set_question("How are the grants for Latvia paid?");
  q->set_answer("In two instalments.");
  q->set_language("en");
  v1::PublishedQuestionText& ru = (*q->mutable_translations())["ru"];
  ru.set_title("Гранты Erasmus+");
  ru.set_question("Как выплачивают грант на поездку в Латвию?");
  ru.set_answer("Двумя частями.");
  v1::PublishedQuestionText& kk = (*q->mutable_translations())["kk"];
  kk.set_title("Erasmus+ гранттары");
  kk.set_question("Латвияға сапар гранты қалай төленеді?");
  v1::PublishedQuestion out;
  // Each text of a translation is required, named by its language.
  absl::Status incomplete = Call(&Stub::PublishQuestion, r, &out, Handler());
  ASSERT_EQ(incomplete.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(incomplete)[0].field,
            "published_question.translations[kk].answer");
  kk.set_answer("Екі бөлікпен.");
  (*q->mutable_translations())["en"].set_title("the question's own language");
  absl::Status own = Call(&Stub::PublishQuestion, r, &out, Handler());
  ASSERT_EQ(own.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(own)[0].field,
            "published_question.translations[en]");
  q->mutable_translations()->erase("en");
  ASSERT_TRUE(Call(&Stub::PublishQuestion, r, &out, Handler()).ok());
  EXPECT_EQ(out.translations().at("ru").title(), "Гранты Erasmus+");
  for (const std::string query : {"grant", "грант", "гранты", "гранттары"}) {
    v1::ListPublishedQuestionsRequest list;
    list.set_query(query);
    v1::ListPublishedQuestionsResponse found;
    ASSERT_TRUE(Call(&Stub::ListPublishedQuestions, list, &found).ok());
    ASSERT_EQ(found.published_questions_size(), 1) << query;
    EXPECT_EQ(found.published_questions(0).translations().at("kk").answer(),
              "Екі бөлікпен.");
  }
}

}  // namespace
}  // namespace mobility::inquiries
