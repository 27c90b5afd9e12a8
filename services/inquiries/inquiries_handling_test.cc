// Handling: every step from every state, extensions and their limits,
// reopening, the overdue view, the public form's limits and duplicates,
// retries, and the append-only history.
#include <gmock/gmock.h>

#include <functional>
#include <map>
#include <thread>

#include "services/inquiries/inquiries_test_fixture.h"

namespace mobility::inquiries {
namespace {

using ::testing::SizeIs;
using State = v1::Inquiry::State;

struct Made {
  std::string name;
  std::string number;
  std::string code;
};

class HandlingTest : public InquiriesTest {
 protected:
  // An inquiry brought to `state` through the API.
  Made InState(State state, const std::string& text) {
    v1::CreateInquiryRequest r = Question(text);
    if (state == v1::Inquiry::NOT_CONSIDERED)
      r.mutable_inquiry()->clear_author();
    v1::InquiryReceipt receipt = Submit(r, Handler());
    Made made{receipt.inquiry(), receipt.receipt().registration_number(),
              receipt.tracking_code()};
    auto step = [&](absl::Status s) { EXPECT_TRUE(s.ok()) << s; };
    switch (state) {
      case v1::Inquiry::REGISTERED:
      case v1::Inquiry::NOT_CONSIDERED:
        break;
      case v1::Inquiry::FORWARDED:
        step(Forward(made.name));
        break;
      default:
        step(Assign(made.name));
        if (state == v1::Inquiry::ASSIGNED) break;
        step(Start(made.name));
        if (state == v1::Inquiry::IN_PROGRESS) break;
        if (state == v1::Inquiry::WAITING_FOR_AUTHOR) {
          step(Wait(made.name));
          break;
        }
        step(Answer(made.name, "The grant is paid in two instalments."));
        if (state == v1::Inquiry::CLOSED) step(Close(made.name));
        if (state == v1::Inquiry::REOPENED) step(Reply(made, "Thank you, but"));
    }
    EXPECT_EQ(Get(made.name).state(), state) << text;
    return made;
  }

  absl::Status Wait(const std::string& name) {
    v1::WaitForAuthorRequest r;
    r.set_name(name);
    *r.mutable_follow_up_date() = ToDate(absl::CivilDay(2026, 12, 1));
    v1::Inquiry out;
    return Call(&Stub::WaitForAuthor, r, &out, Handler());
  }
  absl::Status Forward(const std::string& name) {
    v1::ForwardInquiryRequest r;
    r.set_name(name);
    r.mutable_forwarding()->set_body(
        "Ministry of Science and Higher Education");
    r.mutable_forwarding()->set_reason("visa policy is the ministry's");
    v1::Inquiry out;
    return Call(&Stub::ForwardInquiry, r, &out, Handler());
  }
  absl::Status Close(const std::string& name) {
    v1::CloseInquiryRequest r;
    r.set_name(name);
    v1::Inquiry out;
    return Call(&Stub::CloseInquiry, r, &out, Handler());
  }
  absl::Status Message(const std::string& name,
                       v1::Message::Visibility visibility) {
    v1::AddMessageRequest r;
    r.set_name(name);
    r.mutable_message()->set_visibility(visibility);
    r.mutable_message()->set_text("A message");
    v1::Inquiry out;
    return Call(&Stub::AddMessage, r, &out, Handler());
  }
  absl::Status Extend(const std::string& name, absl::CivilDay due) {
    v1::ExtendInquiryRequest r;
    r.set_name(name);
    *r.mutable_extension()->mutable_due_date() = ToDate(due);
    r.mutable_extension()->set_reason("the partner university must reply");
    r.mutable_extension()->set_decision_reference("Order 45-p");
    v1::Inquiry out;
    return Call(&Stub::ExtendInquiry, r, &out, Rector());
  }
  absl::Status MarkAsReport(const std::string& name) {
    v1::MarkAsReportRequest r;
    r.set_name(name);
    r.set_reason("a threat to pass on");
    v1::Inquiry out;
    return Call(&Stub::MarkAsReport, r, &out, Handler());
  }
  absl::Status Reply(const Made& made, const std::string& text) {
    v1::ReplyToInquiryRequest r;
    r.set_registration_number(made.number);
    r.set_tracking_code(made.code);
    r.set_text(text);
    v1::TrackedInquiry out;
    return Call(&Stub::ReplyToInquiry, r, &out);
  }
};

TEST_F(HandlingTest, EveryStepFromEveryState) {
  const State R = v1::Inquiry::REGISTERED, A = v1::Inquiry::ASSIGNED,
              P = v1::Inquiry::IN_PROGRESS, W = v1::Inquiry::WAITING_FOR_AUTHOR,
              N = v1::Inquiry::ANSWERED, C = v1::Inquiry::CLOSED,
              O = v1::Inquiry::REOPENED, F = v1::Inquiry::FORWARDED,
              X = v1::Inquiry::NOT_CONSIDERED;
  const std::vector<State> all = {R, A, P, W, N, C, O, F, X};
  struct Step {
    const char* name;
    std::function<absl::Status(const Made&)> run;
    std::set<State> allowed;
  };
  const std::vector<Step> steps = {
      {"assign",
       [&](const Made& m) { return Assign(m.name); },
       {R, O, A, P, W}},
      {"start", [&](const Made& m) { return Start(m.name); }, {A, W}},
      {"wait", [&](const Made& m) { return Wait(m.name); }, {P}},
      {"public reply",
       [&](const Made& m) {
         return Message(m.name, v1::Message::PUBLIC_REPLY);
       },
       {R, A, P, W, O}},
      {"internal note",
       [&](const Made& m) {
         return Message(m.name, v1::Message::INTERNAL_NOTE);
       },
       {R, A, P, W, N, C, O, F, X}},
      {"answer",
       [&](const Made& m) { return Answer(m.name, "Yes."); },
       {P, W, O}},
      {"forward", [&](const Made& m) { return Forward(m.name); }, {R, A, P, W}},
      {"extend",
       [&](const Made& m) {
         return Extend(m.name, absl::CivilDay(2027, 1, 15));
       },
       {R, A, P, W, O}},
      {"close", [&](const Made& m) { return Close(m.name); }, {N, F, X}},
      {"mark as report",
       [&](const Made& m) { return MarkAsReport(m.name); },
       {X}},
      {"author reply",
       [&](const Made& m) { return Reply(m, "More detail"); },
       {R, A, P, W, N, C, O}},
  };
  for (const Step& step : steps) {
    for (State from : all) {
      const std::string label =
          absl::StrCat(step.name, " from ", v1::Inquiry::State_Name(from));
      Made made = InState(from, label);
      absl::Status s = step.run(made);
      if (step.allowed.count(from)) {
        EXPECT_TRUE(s.ok()) << label << ": " << s;
      } else {
        EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition)
            << label << ": " << s;
        // A refused step leaves no trace.
        EXPECT_EQ(Get(made.name).state(), from) << label;
      }
    }
  }
}

// A handler asks; the request waits on the inquiry, hidden from the author,
// until the rector's office extends or declines; only the office decides.
TEST_F(HandlingTest, AHandlerAsksTheRectorsOfficeForAnExtension) {
  Made made = InState(v1::Inquiry::IN_PROGRESS, "Question for a partner");
  const std::string due = FormatDate(Get(made.name).legal_due_date());
  v1::RequestExtensionRequest ask;
  ask.set_name(made.name);
  *ask.mutable_extension_request()->mutable_due_date() =
      ToDate(absl::CivilDay(2027, 1, 26));  // A day past the 2 months.
  ask.mutable_extension_request()->set_reason("the host must reply first");
  v1::Inquiry out;
  absl::Status too_late = Call(&Stub::RequestExtension, ask, &out, Handler());
  EXPECT_EQ(FieldViolationsOf(too_late).at(0).field,
            "extension_request.due_date");
  *ask.mutable_extension_request()->mutable_due_date() =
      ToDate(absl::CivilDay(2027, 1, 25));
  ASSERT_TRUE(Call(&Stub::RequestExtension, ask, &out, Handler()).ok());
  EXPECT_EQ(out.extension_request().requested_by(), "handler-aigerim");
  EXPECT_EQ(FormatDate(out.legal_due_date()), due);  // Not yet.
  EXPECT_EQ(out.history().rbegin()->action(), "extension requested");

  v1::DeclineExtensionRequest decline;
  decline.set_name(made.name);
  decline.set_reason("the answer can be given without the host");
  EXPECT_EQ(Call(&Stub::DeclineExtension, decline, &out, Handler()).code(),
            absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(Call(&Stub::DeclineExtension, decline, &out, Rector()).ok());
  EXPECT_FALSE(out.has_extension_request());
  EXPECT_EQ(FormatDate(out.legal_due_date()), due);
  EXPECT_EQ(Call(&Stub::DeclineExtension, decline, &out, Rector()).code(),
            absl::StatusCode::kFailedPrecondition);  // Nothing waits.

  // Asked again, and granted: the extension decides the request.
  ASSERT_TRUE(Call(&Stub::RequestExtension, ask, &out, Handler()).ok());
  ASSERT_TRUE(Extend(made.name, absl::CivilDay(2027, 1, 20)).ok());
  v1::Inquiry extended = Get(made.name);
  EXPECT_FALSE(extended.has_extension_request());
  EXPECT_EQ(FormatDate(extended.legal_due_date()), "2027-01-20");
}

// The rector's office extends by a reasoned decision, to at most 2 months
// from registration; nothing else moves the legal due date.
TEST_F(HandlingTest, ExtensionIsTheRectorsToAtMostTwoMonths) {
  Made made = InState(v1::Inquiry::IN_PROGRESS, "Long question");
  // Registered Wednesday 25 November 2026: at most 25 January 2027.
  v1::ExtendInquiryRequest r;
  r.set_name(made.name);
  *r.mutable_extension()->mutable_due_date() =
      ToDate(absl::CivilDay(2027, 1, 25));
  r.mutable_extension()->set_reason("the host university must confirm");
  v1::Inquiry out;
  EXPECT_EQ(Call(&Stub::ExtendInquiry, r, &out, Handler()).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Call(&Stub::ExtendInquiry, r, &out, Admin()).code(),
            absl::StatusCode::kPermissionDenied);
  absl::Status past_limit = Extend(made.name, absl::CivilDay(2027, 1, 26));
  EXPECT_EQ(past_limit.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(past_limit)[0].field, "extension.due_date");
  EXPECT_EQ(Extend(made.name, absl::CivilDay(2026, 12, 16)).code(),
            absl::StatusCode::kInvalidArgument);  // Not after the due date.
  r.mutable_extension()->clear_reason();
  EXPECT_EQ(Call(&Stub::ExtendInquiry, r, &out, Rector()).code(),
            absl::StatusCode::kInvalidArgument);  // Unreasoned.

  ASSERT_TRUE(Extend(made.name, absl::CivilDay(2027, 1, 25)).ok());
  v1::Inquiry extended = Get(made.name);
  EXPECT_EQ(FormatDate(extended.legal_due_date()), "2027-01-25");
  ASSERT_THAT(extended.extensions(), SizeIs(1));
  EXPECT_EQ(extended.extensions(0).decided_by(), "vice-rector");
  // Told within 3 working days: by Monday 30 November.
  EXPECT_EQ(FormatDate(extended.extensions(0).notice_due_date()), "2026-11-30");
  EXPECT_EQ(extended.history().rbegin()->action(), "extended");

  // Waiting for the author, and the reply, leave it where it is.
  ASSERT_TRUE(Wait(made.name).ok());
  ASSERT_TRUE(Reply(made, "Here is the letter").ok());
  EXPECT_EQ(FormatDate(Get(made.name).legal_due_date()), "2027-01-25");
}

// The author's reply within 30 days of the answer reopens it; later, it
// is refused with the reason.
// A holiday entered or removed after registration moves the due dates of the
// open appeals whose periods run over it, each with a history entry; the
// author is told only of a later date. Extended, answered and later appeals
// keep theirs.
TEST_F(HandlingTest, HolidayChangesMoveTheDueDatesOfOpenAppeals) {
  // Registered Wednesday 25 November: forward by 30 November, answer by 16
  // December.
  v1::CreateInquiryRequest russian = Question("Когда выплачивается грант?");
  russian.mutable_inquiry()->set_language("ru");
  const std::string open = Submit(russian).inquiry();
  const Made extended = InState(v1::Inquiry::IN_PROGRESS, "extended");
  ASSERT_TRUE(Extend(extended.name, absl::CivilDay(2027, 1, 15)).ok());
  const Made answered = InState(v1::Inquiry::ANSWERED, "answered");
  const int outbox = CountRows("outbox");
  auto holiday = [&](const std::string& day, v1::Holiday::Kind kind) {
    v1::SetHolidayRequest r;
    r.mutable_holiday()->set_name("holidays/" + day);
    r.mutable_holiday()->set_kind(kind);
    r.mutable_holiday()->set_description("Government decree");
    v1::Holiday out;
    return Call(&Stub::SetHoliday, r, &out, Admin());
  };
  auto dates = [&](const std::string& name) {
    const v1::Inquiry i = Get(name);
    return FormatDate(i.forward_due_date()) + " " +
           FormatDate(i.legal_due_date());
  };

  // Friday 27 November becomes a day off: both periods end a day later.
  ASSERT_TRUE(holiday("2026-11-27", v1::Holiday::DAY_OFF).ok());
  EXPECT_EQ(dates(open), "2026-12-01 2026-12-17");
  const v1::Inquiry moved = Get(open);
  const v1::HistoryEntry& entry = *moved.history().rbegin();
  EXPECT_EQ(entry.actor(), "admin");
  EXPECT_EQ(entry.action(), "due dates moved");
  EXPECT_EQ(entry.detail(),
            "holiday table: 2026-11-27 set as DAY_OFF; due 2026-12-16 -> "
            "2026-12-17, forward by 2026-11-30 -> 2026-12-01");
  EXPECT_EQ(CountRows("outbox"), outbox + 1);
  EXPECT_EQ(LastOutboxSubject(), "Обращение " + moved.registration_number() +
                                     ": срок рассмотрения перенесён");
  EXPECT_THAT(
      Sql("SELECT body FROM outbox ORDER BY id DESC LIMIT 1"),
      ::testing::HasSubstr(
          "до " + FormatDay(absl::CivilDay(2026, 12, 17), Language::kRussian)));
  EXPECT_EQ(FormatDate(Get(extended.name).legal_due_date()), "2027-01-15");
  EXPECT_EQ(FormatDate(Get(answered.name).legal_due_date()), "2026-12-16");

  // Taken back: the dates return, recorded, and no e-mail says so.
  v1::DeleteHolidayRequest remove;
  remove.set_name("holidays/2026-11-27");
  google::protobuf::Empty empty;
  ASSERT_TRUE(Call(&Stub::DeleteHoliday, remove, &empty, Admin()).ok());
  EXPECT_EQ(dates(open), "2026-11-30 2026-12-16");
  EXPECT_THAT(Get(open).history(), SizeIs(3));
  EXPECT_EQ(CountRows("outbox"), outbox + 1);

  // Saturday 12 December worked: the answer is due a day earlier.
  ASSERT_TRUE(holiday("2026-12-12", v1::Holiday::WORKING_DAY).ok());
  EXPECT_EQ(dates(open), "2026-11-30 2026-12-15");
  // A Sunday off, the registration day itself, a day after the due date:
  // no period runs over them, nothing is recorded.
  ASSERT_TRUE(holiday("2026-12-13", v1::Holiday::DAY_OFF).ok());
  ASSERT_TRUE(holiday("2026-11-25", v1::Holiday::DAY_OFF).ok());
  ASSERT_TRUE(holiday("2026-12-16", v1::Holiday::DAY_OFF).ok());
  EXPECT_EQ(dates(open), "2026-11-30 2026-12-15");
  EXPECT_THAT(Get(open).history(), SizeIs(4));
  EXPECT_EQ(CountRows("outbox"), outbox + 1);
}

// Registrations count on the calendar as it stands when they commit: one that
// ran beside a holiday change is counted on the changed table.
TEST_F(HandlingTest, RegistrationsBesideAHolidayChangeCountOnTheNewTable) {
  v1::SetHolidayRequest holiday;
  holiday.mutable_holiday()->set_name("holidays/2026-12-01");
  holiday.mutable_holiday()->set_kind(v1::Holiday::DAY_OFF);
  holiday.mutable_holiday()->set_description("Day of the First President");
  v1::DeleteHolidayRequest remove;
  remove.set_name("holidays/2026-12-01");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i)
        Submit(Question(absl::StrCat(t, "/", i)), Handler());
    });
  }
  v1::Holiday set;
  google::protobuf::Empty empty;
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(Call(&Stub::SetHoliday, holiday, &set, Admin()).ok());
    ASSERT_TRUE(Call(&Stub::DeleteHoliday, remove, &empty, Admin()).ok());
  }
  ASSERT_TRUE(Call(&Stub::SetHoliday, holiday, &set, Admin()).ok());
  for (auto& t : threads) t.join();
  // All registered on 25 November; with 1 December off, due on 17 December.
  v1::ListInquiriesRequest list;
  list.set_page_size(100);
  v1::ListInquiriesResponse page;
  ASSERT_TRUE(Call(&Stub::ListInquiries, list, &page, Handler()).ok());
  ASSERT_THAT(page.inquiries(), SizeIs(40));
  for (const v1::Inquiry& i : page.inquiries())
    EXPECT_EQ(FormatDate(i.legal_due_date()), "2026-12-17") << i.name();
}

TEST_F(HandlingTest, ReplyReopensWithinThirtyDaysOfTheAnswer) {
  Made made = InState(v1::Inquiry::CLOSED, "Closed question");
  Advance(absl::Hours(24 * 30));
  ASSERT_TRUE(Reply(made, "One more thing").ok());
  EXPECT_EQ(Get(made.name).state(), v1::Inquiry::REOPENED);

  Made old = InState(v1::Inquiry::ANSWERED, "Old answer");
  Advance(absl::Hours(24 * 30) + absl::Seconds(1));
  absl::Status late = Reply(old, "Too late?");
  EXPECT_EQ(late.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(late), "REPLY_PERIOD_OVER");
}

// The answer is in the state language or the appeal's, and says how to
// appeal it.
TEST_F(HandlingTest, AnswerLanguageAndAppealProcedure) {
  Made made = InState(v1::Inquiry::IN_PROGRESS, "In English");
  v1::AnswerInquiryRequest r;
  r.set_name(made.name);
  r.mutable_answer()->set_text("Ответ");
  r.mutable_answer()->set_language("ru");
  v1::Inquiry out;
  EXPECT_EQ(Call(&Stub::AnswerInquiry, r, &out, Handler()).code(),
            absl::StatusCode::kInvalidArgument);
  r.mutable_answer()->set_text("Жауап");
  r.mutable_answer()->set_language("kk");
  ASSERT_TRUE(Call(&Stub::AnswerInquiry, r, &out, Handler()).ok());
  EXPECT_THAT(out.answer().appeal_procedure(),
              ::testing::HasSubstr("Әкімшілік рәсімдік-процестік"));
  EXPECT_EQ(out.answer().answered_by(), "handler-aigerim");
}

// Late forwarding still goes, marked late.
TEST_F(HandlingTest, ForwardingAfterThreeWorkingDaysIsMarkedLate) {
  Made on_time = InState(v1::Inquiry::REGISTERED, "Visa rules");
  SetNow(Local(2026, 11, 30, 17, 0));  // The forward due date.
  ASSERT_TRUE(Forward(on_time.name).ok());
  EXPECT_FALSE(Get(on_time.name).forwarding().late());
  SetNow(Local(2026, 11, 25, 10, 0));
  Made late = InState(v1::Inquiry::REGISTERED, "Visa rules again");
  SetNow(Local(2026, 12, 1, 9, 0));
  ASSERT_TRUE(Forward(late.name).ok());
  EXPECT_TRUE(Get(late.name).forwarding().late());
}

// The overdue view: open inquiries past or within N working days of their
// legal due date, by office, nearest first.
TEST_F(HandlingTest, OverdueViewByOfficeAndWorkingDays) {
  Made first = InState(v1::Inquiry::ASSIGNED, "first");  // Due 16 Dec.
  SetNow(Local(2026, 11, 27, 10, 0));
  Made second = InState(v1::Inquiry::REGISTERED, "second");  // Due 18 Dec.
  Made answered = InState(v1::Inquiry::ANSWERED, "answered");
  SetNow(Local(2026, 12, 14, 10, 0));  // Monday.
  auto due_within = [&](int n, const std::string& office) {
    v1::ListInquiriesRequest r;
    r.set_due_within_working_days(n);
    r.set_office(office);
    v1::ListInquiriesResponse out;
    EXPECT_TRUE(Call(&Stub::ListInquiries, r, &out, Handler()).ok());
    std::vector<std::string> names;
    for (const auto& i : out.inquiries()) names.push_back(i.name());
    return names;
  };
  EXPECT_THAT(due_within(1, ""), ::testing::IsEmpty());
  EXPECT_THAT(due_within(2, ""), ::testing::ElementsAre(first.name));
  EXPECT_THAT(due_within(4, ""),
              ::testing::ElementsAre(first.name, second.name));
  EXPECT_THAT(due_within(4, "offices/international-office"),
              ::testing::ElementsAre(first.name));
  // Tuesday and Wednesday taken off by another replica (written here as
  // SQL): the view reads the working calendar again once the database
  // announces the change, and the next working day is Thursday.
  ASSERT_TRUE(db_->Transact(CallLimit::Within(absl::Seconds(10)),
                            [](pqxx::transaction_base& txn) {
                              txn.exec(
                                  "INSERT INTO holidays (day, kind, "
                                  "description, working_hours) VALUES "
                                  "('2026-12-15', 'DAY_OFF', 'off', ''), "
                                  "('2026-12-16', 'DAY_OFF', 'off', '')");
                              return absl::OkStatus();
                            })
                  .ok());
  std::vector<std::string> after_the_change;
  EXPECT_TRUE(testing::Eventually(absl::Seconds(5), [&] {
    after_the_change = due_within(1, "");
    return !after_the_change.empty();
  }));
  EXPECT_THAT(after_the_change, ::testing::ElementsAre(first.name));
  SetNow(Local(2027, 1, 5, 10, 0));
  EXPECT_THAT(due_within(0, ""),
              ::testing::ElementsAre(first.name, second.name));

  // Paging the whole queue, by due date.
  v1::ListInquiriesRequest page;
  page.set_page_size(2);
  std::vector<std::string> all;
  do {
    v1::ListInquiriesResponse out;
    ASSERT_TRUE(Call(&Stub::ListInquiries, page, &out, Handler()).ok());
    for (const auto& i : out.inquiries()) all.push_back(i.name());
    page.set_page_token(out.next_page_token());
  } while (!page.page_token().empty());
  EXPECT_THAT(all, SizeIs(3));
  EXPECT_EQ(all[0], first.name);
}

TEST_F(HandlingTest, PublicFormIsLimitedPerAddressAndPerEmail) {
  settings_.submissions_per_hour = 3;
  RestartService();
  auto submit = [&](int i, const std::string& email,
                    const std::string& address) {
    v1::CreateInquiryRequest r = Question(absl::StrCat("question ", i));
    r.mutable_inquiry()->mutable_author()->set_email(email);
    v1::InquiryReceipt receipt;
    return Call(&Stub::CreateInquiry, r, &receipt, "", address);
  };
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(submit(i, absl::StrCat("a", i, "@x.kz"), "203.0.113.7").ok());
  absl::Status limited = submit(3, "a3@x.kz", "203.0.113.7");
  EXPECT_EQ(limited.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(RetryDelayOf(limited), absl::Hours(1));
  // Another address is free; the same e-mail from elsewhere is not.
  EXPECT_TRUE(submit(4, "b@x.kz", "198.51.100.1").ok());
  EXPECT_TRUE(submit(5, "b@x.kz", "198.51.100.2").ok());
  EXPECT_TRUE(submit(6, "B@X.kz", "198.51.100.3").ok());
  EXPECT_EQ(submit(7, "b@x.kz", "198.51.100.4").code(),
            absl::StatusCode::kResourceExhausted);
  // The hour passes.
  Advance(absl::Minutes(61));
  EXPECT_TRUE(submit(8, "a8@x.kz", "203.0.113.7").ok());
}

// The same author with the same text within a day is told it was registered
// before, and the first receipt goes to the author's address (issue 20: the
// answer showed its number and state to whoever sent the same text); a
// request_id retry gets the same receipt.
TEST_F(HandlingTest, DuplicatesAndRetriesRegisterOnce) {
  v1::InquiryReceipt first = Submit(Question("Is   the grant taxed?"));
  const int mails = CountRows("outbox");
  v1::InquiryReceipt again = Submit(Question("is the grant TAXED?"));
  EXPECT_TRUE(again.duplicate());
  EXPECT_EQ(again.inquiry(), "");
  EXPECT_FALSE(again.has_receipt());
  EXPECT_EQ(again.state(), v1::Inquiry::STATE_UNSPECIFIED);
  EXPECT_TRUE(again.tracking_code().empty());
  EXPECT_EQ(CountRows("outbox"), mails + 1);
  EXPECT_EQ(LastOutboxSubject(),
            absl::StrCat("Your appeal ", first.receipt().registration_number(),
                         " is already registered"));
  Advance(absl::Hours(24) + absl::Seconds(1));
  EXPECT_NE(Submit(Question("Is the grant taxed?")).inquiry(), first.inquiry());

  v1::CreateInquiryRequest r = Question("With a request id");
  r.set_request_id("8a5f3c1e-2b7d-4e6f-9a1b-3c5d7e9f1a2b");
  v1::InquiryReceipt once = Submit(r);
  v1::InquiryReceipt retry = Submit(r);
  EXPECT_EQ(retry.inquiry(), once.inquiry());
  EXPECT_FALSE(once.tracking_code().empty());
  EXPECT_TRUE(retry.tracking_code().empty());  // Never stored in the clear.
  EXPECT_EQ(retry.receipt().registration_number(),
            once.receipt().registration_number());
}

// The history takes rows and gives none back: the database refuses the rest.
// The office reads the whole record: every message, notes included, and the
// history, each in the order written.
TEST_F(HandlingTest, HistoryIsAppendOnly) {
  Made made = InState(v1::Inquiry::ASSIGNED, "history");
  ASSERT_TRUE(Message(made.name, v1::Message::INTERNAL_NOTE).ok());
  ASSERT_TRUE(Start(made.name).ok());
  ASSERT_TRUE(Message(made.name, v1::Message::PUBLIC_REPLY).ok());
  const v1::Inquiry whole = Get(made.name);
  ASSERT_THAT(whole.messages(), SizeIs(2));
  EXPECT_EQ(whole.messages(0).visibility(), v1::Message::INTERNAL_NOTE);
  EXPECT_EQ(whole.messages(1).visibility(), v1::Message::PUBLIC_REPLY);
  ASSERT_GE(whole.history_size(), 3);
  EXPECT_EQ(whole.history(0).action(), "registered");
  EXPECT_EQ(whole.history(whole.history_size() - 1).state(),
            v1::Inquiry::IN_PROGRESS);
  absl::Status update = db_->Transact(
      CallLimit::Within(absl::Seconds(10)), [](pqxx::transaction_base& txn) {
        txn.exec("UPDATE inquiry_history SET actor = 'someone else'");
        return absl::OkStatus();
      });
  EXPECT_FALSE(update.ok());
  absl::Status remove = db_->Transact(CallLimit::Within(absl::Seconds(10)),
                                      [](pqxx::transaction_base& txn) {
                                        txn.exec("DELETE FROM inquiry_history");
                                        return absl::OkStatus();
                                      });
  EXPECT_FALSE(remove.ok());
  EXPECT_THAT(Get(made.name).history(), SizeIs(whole.history_size()));
}

}  // namespace
}  // namespace mobility::inquiries
