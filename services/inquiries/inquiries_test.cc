// Registration, tracking and handling of appeals through gRPC against a real
// PostgreSQL, on the legal clock of the Administrative Procedural Code.
#include <gmock/gmock.h>

#include <pqxx/pqxx>
#include <set>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "services/inquiries/authors.h"
#include "services/inquiries/inquiries_test_fixture.h"

namespace mobility::inquiries {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

std::vector<std::string> Fields(const absl::Status& status) {
  std::vector<std::string> out;
  for (const auto& v : FieldViolationsOf(status)) out.push_back(v.field);
  return out;
}

TEST_F(InquiriesTest, WebFormRegistersWithReceiptDueDatesAndTrackingCode) {
  v1::InquiryReceipt receipt = Submit(Question("How is the grant paid?"));
  EXPECT_EQ(receipt.receipt().registration_number(), "2026-000001");
  EXPECT_EQ(receipt.state(), v1::Inquiry::REGISTERED);
  EXPECT_EQ(receipt.receipt().channel(), v1::WEB);
  EXPECT_EQ(receipt.receipt().accepted_by_name(), "web form");
  EXPECT_EQ(FormatDate(receipt.receipt().registration_date()), "2026-11-25");
  // 15 working days after Wednesday 25 November: 16 December is Independence
  // Day only once the table says so; without it, Wednesday 16 December.
  EXPECT_EQ(FormatDate(receipt.receipt().legal_due_date()), "2026-12-16");
  EXPECT_EQ(receipt.tracking_code().size(), 24u);

  v1::Inquiry inquiry = Get(receipt.inquiry());
  EXPECT_EQ(FormatDate(inquiry.forward_due_date()), "2026-11-30");
  ASSERT_THAT(inquiry.history(), SizeIs(1));
  EXPECT_EQ(inquiry.history(0).actor(), "web");
  EXPECT_EQ(inquiry.history(0).action(), "registered");

  // The next one takes the next number.
  EXPECT_EQ(Submit(Question("And the travel?")).receipt().registration_number(),
            "2026-000002");
}

// Received after the working day or on a day off, an appeal is registered on
// the next working day, and holidays the admins enter move the due date.
TEST_F(InquiriesTest, AfterHoursAndHolidaysMoveRegistrationAndDueDates) {
  v1::SetHolidayRequest holiday;
  holiday.mutable_holiday()->set_name("holidays/2026-12-16");
  holiday.mutable_holiday()->set_kind(v1::Holiday::DAY_OFF);
  holiday.mutable_holiday()->set_description("Independence Day");
  v1::Holiday set;
  ASSERT_TRUE(Call(&Stub::SetHoliday, holiday, &set, Admin()).ok());
  // Only admins keep the table.
  EXPECT_EQ(Call(&Stub::SetHoliday, holiday, &set, Handler()).code(),
            absl::StatusCode::kPermissionDenied);

  SetNow(Local(2026, 11, 27, 17, 59));  // Friday, a minute before six.
  v1::InquiryReceipt friday = Submit(Question("Friday before six"));
  EXPECT_EQ(FormatDate(friday.receipt().registration_date()), "2026-11-27");
  EXPECT_EQ(FormatDate(friday.receipt().legal_due_date()), "2026-12-21");

  SetNow(Local(2026, 11, 27, 18, 0));  // Friday at six: Monday's.
  v1::InquiryReceipt evening = Submit(Question("Friday at six"));
  EXPECT_EQ(FormatDate(evening.receipt().registration_date()), "2026-11-30");
  // 15 working days from Monday 30 November skip 16 December.
  EXPECT_EQ(FormatDate(evening.receipt().legal_due_date()), "2026-12-22");

  SetNow(Local(2026, 11, 28, 11, 0));  // Saturday.
  EXPECT_EQ(
      FormatDate(Submit(Question("Saturday")).receipt().registration_date()),
      "2026-11-30");

  // The eve of Independence Day ends at 17:00: at 17:30 the appeal is the
  // next working day's, the 17th.
  holiday.mutable_holiday()->set_name("holidays/2026-12-15");
  holiday.mutable_holiday()->set_kind(v1::Holiday::DAY_OFF);
  holiday.mutable_holiday()->set_working_hours("09:00-17:00");
  EXPECT_EQ(
      FieldViolationsOf(Call(&Stub::SetHoliday, holiday, &set, Admin()))[0]
          .field,
      "holiday.working_hours");  // A day off has no hours.
  holiday.mutable_holiday()->set_kind(v1::Holiday::WORKING_DAY);
  holiday.mutable_holiday()->set_description("Eve of Independence Day");
  ASSERT_TRUE(Call(&Stub::SetHoliday, holiday, &set, Admin()).ok());
  SetNow(Local(2026, 12, 15, 17, 30));
  EXPECT_EQ(
      FormatDate(Submit(Question("On the eve")).receipt().registration_date()),
      "2026-12-17");

  v1::ListHolidaysRequest list;
  list.set_year(2026);
  v1::ListHolidaysResponse holidays;
  ASSERT_TRUE(Call(&Stub::ListHolidays, list, &holidays).ok());  // Public.
  ASSERT_THAT(holidays.holidays(), SizeIs(2));
  EXPECT_EQ(holidays.holidays(0).working_hours(), "09:00-17:00");
  EXPECT_EQ(holidays.holidays(1).description(), "Independence Day");
}

// Numbers are gap-free per year: concurrent registrations take 1..n, and one
// that fails inside its transaction gives its number back.
TEST_F(InquiriesTest, RegistrationNumbersAreGapFreeUnderConcurrency) {
  v1::CreateInquiryRequest bad = Question("to an office that is gone");
  bad.mutable_inquiry()->set_addressee("offices/no-such-office");
  v1::InquiryReceipt ignored;
  EXPECT_EQ(Call(&Stub::CreateInquiry, bad, &ignored).code(),
            absl::StatusCode::kInvalidArgument);

  constexpr int kThreads = 12;
  std::vector<std::string> numbers(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      v1::CreateInquiryRequest r = Question(absl::StrCat("question ", i));
      r.mutable_inquiry()->mutable_author()->set_email(
          absl::StrCat("author", i, "@example.kz"));
      v1::InquiryReceipt receipt;
      EXPECT_TRUE(Call(&Stub::CreateInquiry, r, &receipt).ok());
      numbers[i] = receipt.receipt().registration_number();
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> expected;
  for (int i = 1; i <= kThreads; ++i)
    expected.insert(absl::StrCat("2026-", absl::StrFormat("%06d", i)));
  EXPECT_EQ(std::set<std::string>(numbers.begin(), numbers.end()), expected);

  // A new year starts at 1, by the registration date: 31 December at seven
  // in the evening is registered in January.
  SetNow(Local(2026, 12, 31, 19, 0));
  v1::InquiryReceipt january = Submit(Question("Happy New Year"));
  EXPECT_EQ(january.receipt().registration_number(), "2027-000001");
  EXPECT_EQ(FormatDate(january.receipt().registration_date()), "2027-01-01");
}

// A registration takes its number in its last statement, so one still under
// way holds no other back: the year's counter row is held for that statement
// and the commit alone. Here the first registration cannot write its notice
// (the outbox is locked); an oral appeal without an e-mail address writes
// none, and is registered meanwhile under the first number.
TEST_F(InquiriesTest, ARegistrationStillUnderWayHoldsNoOtherBack) {
  pqxx::connection holder(database_.url());
  pqxx::work lock(holder);
  lock.exec("LOCK TABLE inquiries.outbox IN SHARE MODE");
  v1::InquiryReceipt by_web;
  std::thread web([&] { by_web = Submit(Question("the first to come")); });
  ASSERT_TRUE(testing::Eventually(absl::Seconds(10), [&] {
    return Sql("SELECT count(*) FROM pg_stat_activity WHERE datname = "
               "current_database() AND wait_event_type = 'Lock' AND query "
               "LIKE 'INSERT INTO outbox%'") == "1";
  }));

  v1::CreateInquiryRequest phoned = Question("Called about the visa");
  phoned.mutable_inquiry()->set_channel(v1::PHONE);
  phoned.mutable_inquiry()->set_protocol("Asked about the visa fee.");
  phoned.mutable_inquiry()->mutable_author()->clear_email();
  phoned.set_accepted_by_name("Seitkali A.");
  phoned.set_accepted_by_position("Specialist, International Office");
  v1::InquiryReceipt by_phone;
  const absl::Status registered =
      Call(&Stub::CreateInquiry, phoned, &by_phone, Handler());
  lock.commit();
  web.join();
  ASSERT_TRUE(registered.ok()) << registered;
  EXPECT_EQ(by_phone.receipt().registration_number(), "2026-000001");
  EXPECT_EQ(by_web.receipt().registration_number(), "2026-000002");
  // The notice, written before the number was taken, names it.
  EXPECT_THAT(LastOutboxSubject(), ::testing::HasSubstr("2026-000002"));
  EXPECT_EQ(Get(by_web.inquiry()).registration_number(), "2026-000002");
}

// "2026-000123": the year and the year's sequence, at least six digits.
TEST_F(InquiriesTest, ANumberHasSixDigitsAtLeast) {
  pqxx::connection connection(database_.url());
  pqxx::work counters(connection);
  counters.exec(
      "INSERT INTO inquiries.registration_counters VALUES (2026, 122)");
  counters.commit();
  EXPECT_EQ(Submit(Question("the 123rd")).receipt().registration_number(),
            "2026-000123");
  pqxx::work more(connection);
  more.exec(
      "UPDATE inquiries.registration_counters SET last_sequence = 999999");
  more.commit();
  EXPECT_EQ(Submit(Question("the millionth")).receipt().registration_number(),
            "2026-1000000");
}

// No transaction commits an inquiry without its number: the database refuses.
TEST_F(InquiriesTest, AnUnnumberedInquiryIsNeverCommitted) {
  const std::string number =
      Submit(Question("numbered")).receipt().registration_number();
  pqxx::connection connection(database_.url());
  pqxx::work copy(connection);
  copy.exec(
      "INSERT INTO inquiries.inquiries (id, registration_year, tracking_hash, "
      "state, legal_due_date, receive_time, body) SELECT 'unnumbered', "
      "registration_year, tracking_hash, state, legal_due_date, receive_time, "
      "body FROM inquiries.inquiries WHERE registration_number = " +
      copy.quote(number));
  EXPECT_THROW(copy.commit(), pqxx::integrity_constraint_violation);
  EXPECT_EQ(CountRows("inquiries"), 1);
}

TEST_F(InquiriesTest, MalformedAppealsAreRefusedWithTheirFields) {
  v1::CreateInquiryRequest r = Question(std::string(10001, 'x'));
  r.mutable_inquiry()->set_kind(v1::INQUIRY_KIND_UNSPECIFIED);
  r.mutable_inquiry()->set_language("de");
  r.mutable_inquiry()->set_consent_to_processing(false);
  r.mutable_inquiry()->mutable_author()->set_iin("900101300001");
  r.mutable_inquiry()->mutable_author()->set_email("not-an-address");
  r.mutable_inquiry()->set_channel(v1::PHONE);
  v1::InquiryReceipt receipt;
  absl::Status s = Call(&Stub::CreateInquiry, r, &receipt);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(s),
              ::testing::UnorderedElementsAre(
                  "inquiry.kind", "inquiry.text", "inquiry.language",
                  "inquiry.consent_to_processing", "inquiry.author.iin",
                  "inquiry.author.email", "inquiry.channel", "accepted_by_name",
                  "accepted_by_position", "inquiry.protocol"));
  // 10,000 characters of Cyrillic (20,000 bytes) are within the limit.
  std::string cyrillic;
  for (int i = 0; i < 10000; ++i) cyrillic += "ж";
  EXPECT_EQ(Submit(Question(cyrillic)).state(), v1::Inquiry::REGISTERED);
  EXPECT_THAT(
      Fields(Call(&Stub::CreateInquiry, Question(cyrillic + "ж"), &receipt)),
      ::testing::ElementsAre("inquiry.text"));
  // A valid IIN passes.
  v1::CreateInquiryRequest with_iin = Question("with my IIN");
  with_iin.mutable_inquiry()->mutable_author()->set_iin("900101300007");
  EXPECT_TRUE(Call(&Stub::CreateInquiry, with_iin, &receipt).ok());
}

// Staff register oral and written appeals on the author's behalf; the receipt
// names who accepted them.
TEST_F(InquiriesTest, StaffRegisterOralAppealsWithProtocolAndAcceptor) {
  v1::CreateInquiryRequest r = Question("Called about the visa");
  r.mutable_inquiry()->set_channel(v1::PHONE);
  r.mutable_inquiry()->set_protocol(
      "Caller asked whether the grant covers "
      "the Latvian visa fee.");
  r.set_accepted_by_name("Seitkali A.");
  r.set_accepted_by_position("Specialist, International Office");
  v1::InquiryReceipt receipt = Submit(r, Handler());
  EXPECT_EQ(receipt.receipt().channel(), v1::PHONE);
  EXPECT_EQ(receipt.receipt().accepted_by_name(), "Seitkali A.");
  EXPECT_EQ(receipt.receipt().accepted_by_position(),
            "Specialist, International Office");
  EXPECT_EQ(Get(receipt.inquiry()).history(0).actor(), "handler-aigerim");
}

// Anonymous appeals are registered (registration is never refused) as not
// considered, unless a handler marks one as a report to pass on.
TEST_F(InquiriesTest, AnonymousAppealIsNotConsideredUnlessMarkedAsReport) {
  v1::CreateInquiryRequest r = Question("Someone threatens the dormitory");
  r.mutable_inquiry()->clear_author();
  v1::InquiryReceipt receipt = Submit(r);
  EXPECT_EQ(receipt.state(), v1::Inquiry::NOT_CONSIDERED);
  EXPECT_THAT(receipt.not_considered_reason(), HasSubstr("anonymous"));

  v1::MarkAsReportRequest mark;
  mark.set_name(receipt.inquiry());
  v1::Inquiry marked;
  EXPECT_EQ(Call(&Stub::MarkAsReport, mark, &marked, Handler()).code(),
            absl::StatusCode::kInvalidArgument);  // Needs a reason.
  mark.set_reason("threat to public safety: pass to the police");
  ASSERT_TRUE(Call(&Stub::MarkAsReport, mark, &marked, Handler()).ok());
  EXPECT_EQ(marked.state(), v1::Inquiry::REGISTERED);
  EXPECT_EQ(marked.kind(), v1::REPORT);
  EXPECT_FALSE(marked.has_close_time());
}

// A complaint against an administrative act: 3 months from learning of it is
// in time; a day more is registered but not considered.
TEST_F(InquiriesTest, AdministrativeComplaintHasAThreeMonthWindow) {
  auto complaint = [&](int y, int m, int d) {
    v1::CreateInquiryRequest r =
        Question(absl::StrCat("The dean refused my transfer ", y, m, d));
    r.mutable_inquiry()->set_kind(v1::ADMINISTRATIVE_COMPLAINT);
    *r.mutable_inquiry()->mutable_act_learned_date() =
        ToDate(absl::CivilDay(y, m, d));
    return Submit(r);
  };
  EXPECT_EQ(complaint(2026, 8, 25).state(), v1::Inquiry::REGISTERED);
  v1::InquiryReceipt late = complaint(2026, 8, 24);
  EXPECT_EQ(late.state(), v1::Inquiry::NOT_CONSIDERED);
  EXPECT_THAT(late.not_considered_reason(), HasSubstr("3 months"));

  v1::CreateInquiryRequest missing = Question("no date");
  missing.mutable_inquiry()->set_kind(v1::ADMINISTRATIVE_COMPLAINT);
  v1::InquiryReceipt receipt;
  EXPECT_THAT(Fields(Call(&Stub::CreateInquiry, missing, &receipt)),
              ::testing::ElementsAre("inquiry.act_learned_date"));
}

// With number and code the author reads the inquiry and the public replies,
// never the internal notes; a wrong code and an unknown number look alike.
TEST_F(InquiriesTest, TrackingShowsPublicRepliesAndNothingForAWrongCode) {
  v1::InquiryReceipt receipt = Submit(Question("When is the deadline?"));
  ASSERT_TRUE(Assign(receipt.inquiry()).ok());
  ASSERT_TRUE(Start(receipt.inquiry()).ok());
  for (auto [visibility, text] :
       {std::pair{v1::Message::INTERNAL_NOTE, "Ask the dean first; secret"},
        std::pair{v1::Message::PUBLIC_REPLY, "Which faculty are you in?"}}) {
    v1::AddMessageRequest m;
    m.set_name(receipt.inquiry());
    m.mutable_message()->set_visibility(visibility);
    m.mutable_message()->set_text(text);
    v1::Inquiry out;
    ASSERT_TRUE(Call(&Stub::AddMessage, m, &out, Handler()).ok());
  }
  v1::WaitForAuthorRequest wait;
  wait.set_name(receipt.inquiry());
  *wait.mutable_follow_up_date() = ToDate(absl::CivilDay(2026, 12, 2));
  v1::Inquiry waiting;
  ASSERT_TRUE(Call(&Stub::WaitForAuthor, wait, &waiting, Handler()).ok());
  EXPECT_EQ(waiting.state(), v1::Inquiry::WAITING_FOR_AUTHOR);
  EXPECT_EQ(waiting.legal_due_date().day(), 16);  // Unmoved.

  v1::TrackInquiryRequest track;
  track.set_registration_number(receipt.receipt().registration_number());
  // Typed in lower case and without dashes, the code still works.
  std::string typed;
  for (char c : receipt.tracking_code())
    if (c != '-') typed.push_back(absl::ascii_tolower(c));
  track.set_tracking_code(typed);
  v1::TrackedInquiry tracked;
  ASSERT_TRUE(Call(&Stub::TrackInquiry, track, &tracked).ok());
  EXPECT_EQ(tracked.state(), v1::Inquiry::IN_PROGRESS);  // Not WAITING.
  ASSERT_THAT(tracked.messages(), SizeIs(1));
  EXPECT_EQ(tracked.messages(0).text(), "Which faculty are you in?");
  EXPECT_EQ(tracked.messages(0).sender(), "office");
  EXPECT_THAT(tracked.DebugString(), ::testing::Not(HasSubstr("secret")));

  // The author's reply resumes the work; the reply's view has no notes.
  v1::ReplyToInquiryRequest reply;
  reply.set_registration_number(track.registration_number());
  reply.set_tracking_code(receipt.tracking_code());
  reply.set_text("Faculty of Education.");
  ASSERT_TRUE(Call(&Stub::ReplyToInquiry, reply, &tracked).ok());
  EXPECT_THAT(tracked.messages(), SizeIs(2));
  EXPECT_THAT(tracked.DebugString(), ::testing::Not(HasSubstr("secret")));
  EXPECT_EQ(Get(receipt.inquiry()).state(), v1::Inquiry::IN_PROGRESS);

  v1::TrackInquiryRequest wrong = track;
  wrong.set_tracking_code("AAAA-AAAA-AAAA-AAAA-AAAA");
  absl::Status wrong_code = Call(&Stub::TrackInquiry, wrong, &tracked);
  wrong.set_registration_number("2026-999999");
  wrong.set_tracking_code(receipt.tracking_code());
  absl::Status unknown = Call(&Stub::TrackInquiry, wrong, &tracked);
  EXPECT_EQ(wrong_code.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(wrong_code, unknown);
  reply.set_tracking_code("AAAA-AAAA-AAAA-AAAA-AAAA");
  EXPECT_EQ(Call(&Stub::ReplyToInquiry, reply, &tracked), wrong_code);
}

// Issue 20: track and reply by code are throttled per client address, so
// codes cannot be guessed at leisure; the right code from elsewhere still
// works.
TEST_F(InquiriesTest, GuessingTrackingCodesIsThrottledPerClient) {
  v1::InquiryReceipt receipt = Submit(Question("When is the grant paid?"));
  v1::TrackInquiryRequest guess;
  guess.set_registration_number(receipt.receipt().registration_number());
  guess.set_tracking_code("AAAA-AAAA-AAAA-AAAA-AAAA");
  v1::TrackedInquiry tracked;
  const std::string guesser = "198.51.100.23";
  for (int i = 0; i < kFailedLookupsPerHour; ++i) {
    ASSERT_EQ(Call(&Stub::TrackInquiry, guess, &tracked, "", guesser).code(),
              absl::StatusCode::kNotFound)
        << i;
  }
  v1::TrackInquiryRequest right = guess;
  right.set_tracking_code(receipt.tracking_code());
  absl::Status limited =
      Call(&Stub::TrackInquiry, right, &tracked, "", guesser);
  EXPECT_EQ(limited.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_GT(RetryDelayOf(limited), absl::ZeroDuration());
  v1::ReplyToInquiryRequest reply;
  reply.set_registration_number(right.registration_number());
  reply.set_tracking_code(right.tracking_code());
  reply.set_text("Any news?");
  EXPECT_EQ(Call(&Stub::ReplyToInquiry, reply, &tracked, "", guesser).code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(
      Call(&Stub::TrackInquiry, right, &tracked, "", "203.0.113.50").ok());
  // The hour passes.
  Advance(absl::Minutes(61));
  EXPECT_TRUE(Call(&Stub::TrackInquiry, right, &tracked, "", guesser).ok());
}

// The whole-inquiry reads are the office's: an author's or applicant's token
// gets nothing, and no token is UNAUTHENTICATED.
TEST_F(InquiriesTest, OnlyTheOfficeReadsWholeInquiries) {
  v1::InquiryReceipt receipt = Submit(Question("Private question"));
  v1::GetInquiryRequest get;
  get.set_name(receipt.inquiry());
  v1::Inquiry out;
  EXPECT_EQ(Call(&Stub::GetInquiry, get, &out).code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Call(&Stub::GetInquiry, get, &out,
                 testing::TokenFor("student", {Role::kApplicant}))
                .code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(Call(&Stub::GetInquiry, get, &out, Rector()).ok());
  // DOMAIN.md: an inquiry belongs to the institution it is addressed to; a
  // handler or rector's office of another sees none of its appeals.
  for (Role role : {Role::kInquiryHandler, Role::kRectorOffice, Role::kAdmin}) {
    const std::string elsewhere =
        testing::TokenFor("lv", {role}, "institutions/vidzeme-via");
    EXPECT_EQ(Call(&Stub::GetInquiry, get, &out, elsewhere).code(),
              absl::StatusCode::kPermissionDenied)
        << RoleName(role);
    v1::ListInquiriesResponse listed;
    EXPECT_EQ(Call(&Stub::ListInquiries, v1::ListInquiriesRequest(), &listed,
                   elsewhere)
                  .code(),
              absl::StatusCode::kPermissionDenied);
  }
  // A bad token on a public method is still refused.
  v1::InquiryReceipt r;
  EXPECT_EQ(Call(&Stub::CreateInquiry, Question("x"), &r, "not-a-token").code(),
            absl::StatusCode::kUnauthenticated);
}

// A handler whose token names offices sees and handles only the appeals
// assigned to them (another's or an unassigned one is NOT_FOUND), may hand
// one over to another office, and withdraws only its offices' published
// questions; the rector's office and unlimited handlers see all.
TEST_F(InquiriesTest, HandlersLimitedToTheirOfficesSeeOnlyTheirs) {
  v1::CreateOfficeRequest office;
  office.set_office_id("academic-affairs");
  office.mutable_office()->set_display_name("Office of Academic Affairs");
  office.mutable_office()->set_active(true);
  v1::Office created;
  ASSERT_TRUE(Call(&Stub::CreateOffice, office, &created, Admin()).ok());
  auto assigned = [&](const std::string& text, const std::string& to) {
    const std::string name = Submit(Question(text)).inquiry();
    v1::AssignInquiryRequest r;
    r.set_name(name);
    r.set_office(to);
    r.set_handler("handler-aigerim");
    v1::Inquiry out;
    EXPECT_TRUE(Call(&Stub::AssignInquiry, r, &out, Handler()).ok());
    return name;
  };
  const std::string ours = assigned("ours", "offices/international-office");
  const std::string theirs = assigned("theirs", "offices/academic-affairs");
  const std::string unassigned = Submit(Question("unassigned")).inquiry();
  const std::string dana = testing::OfficeHandlerToken(
      "handler-dana", {"offices/international-office"});

  auto listed = [&](const std::string& token, const std::string& office) {
    v1::ListInquiriesRequest r;
    r.set_office(office);
    v1::ListInquiriesResponse out;
    absl::Status s = Call(&Stub::ListInquiries, r, &out, token);
    std::set<std::string> names;
    for (const auto& i : out.inquiries()) names.insert(i.name());
    return std::make_pair(s.code(), names);
  };
  EXPECT_EQ(listed(dana, ""),
            std::make_pair(absl::StatusCode::kOk, std::set<std::string>{ours}));
  EXPECT_EQ(listed(dana, "offices/international-office").second,
            std::set<std::string>{ours});
  EXPECT_EQ(listed(dana, "offices/academic-affairs").first,
            absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(listed(Rector(), "").second, SizeIs(3));
  EXPECT_THAT(listed(Handler(), "").second, SizeIs(3));

  auto get = [&](const std::string& name) {
    v1::GetInquiryRequest r;
    r.set_name(name);
    v1::Inquiry out;
    return Call(&Stub::GetInquiry, r, &out, dana).code();
  };
  auto start = [&](const std::string& name) {
    v1::StartInquiryRequest r;
    r.set_name(name);
    v1::Inquiry out;
    return Call(&Stub::StartInquiry, r, &out, dana).code();
  };
  EXPECT_EQ(get(ours), absl::StatusCode::kOk);
  EXPECT_EQ(get(theirs), absl::StatusCode::kNotFound);
  EXPECT_EQ(get(unassigned), absl::StatusCode::kNotFound);
  EXPECT_EQ(start(theirs), absl::StatusCode::kNotFound);
  EXPECT_EQ(start(ours), absl::StatusCode::kOk);

  // Answered and published by academic affairs: Dana can neither publish
  // its appeal again nor withdraw the question.
  ASSERT_TRUE(Start(theirs).ok());
  ASSERT_TRUE(Answer(theirs, "Credits are recognised by the dean.").ok());
  v1::PublishQuestionRequest publish;
  publish.set_inquiry(theirs);
  publish.mutable_published_question()->set_title("Credits");
  publish.mutable_published_question()->set_question("Are credits recognised?");
  publish.mutable_published_question()->set_answer("Yes, by the dean.");
  publish.mutable_published_question()->set_language("en");
  v1::PublishedQuestion question;
  EXPECT_EQ(Call(&Stub::PublishQuestion, publish, &question, dana).code(),
            absl::StatusCode::kNotFound);
  ASSERT_TRUE(Call(&Stub::PublishQuestion, publish, &question, Handler()).ok());
  v1::DeletePublishedQuestionRequest withdraw;
  withdraw.set_name(question.name());
  google::protobuf::Empty empty;
  EXPECT_EQ(Call(&Stub::DeletePublishedQuestion, withdraw, &empty, dana).code(),
            absl::StatusCode::kPermissionDenied);

  // Handed over to academic affairs, the appeal leaves Dana's queue.
  v1::AssignInquiryRequest hand_over;
  hand_over.set_name(ours);
  hand_over.set_office("offices/academic-affairs");
  hand_over.set_handler("handler-aigerim");
  v1::Inquiry out;
  ASSERT_TRUE(Call(&Stub::AssignInquiry, hand_over, &out, dana).ok());
  EXPECT_EQ(get(ours), absl::StatusCode::kNotFound);
  EXPECT_THAT(listed(dana, "").second, IsEmpty());
}

}  // namespace
}  // namespace mobility::inquiries
