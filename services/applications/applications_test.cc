// The applications service through gRPC, in process, against a real
// PostgreSQL, with real agreements and grants services on their own sockets.
#include <google/protobuf/util/message_differencer.h>

#include "services/applications/service_fixture.h"

namespace mobility::applications {
namespace {

using ::testing::ElementsAre;

// A call is read by anyone signed in: by name, and in lists of every call or
// of those open now, page by page.
TEST_F(ApplicationsServiceTest, CallsAreReadByNameAndListedPageByPage) {
  const v1::Call open = CreateCall("autumn-2027");
  const v1::Call later = CreateCall("spring-2028", -absl::Hours(2));
  const std::string reader = Token("student-1", Role::kApplicant);

  v1::GetCallRequest get;
  get.set_name(open.name());
  v1::Call read;
  ASSERT_TRUE(Call(&Stub::GetCall, get, &read, reader).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(read, open))
      << read.DebugString();
  get.set_name("calls/no-such-call");
  const absl::Status missing = Call(&Stub::GetCall, get, &read, reader);
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ErrorReason(missing), "CALL_NOT_FOUND");
  get.set_name("not a call");
  const absl::Status malformed = Call(&Stub::GetCall, get, &read, reader);
  ASSERT_EQ(malformed.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(malformed)[0].field, "name");

  const auto listed = [&](bool open_only) {
    std::vector<std::string> names;
    v1::ListCallsRequest list;
    list.set_page_size(1);
    list.set_open_only(open_only);
    do {
      v1::ListCallsResponse page;
      const absl::Status s = Call(&Stub::ListCalls, list, &page, reader);
      EXPECT_TRUE(s.ok()) << s;
      if (!s.ok() || page.calls_size() > 1) break;
      for (const v1::Call& c : page.calls()) names.push_back(c.name());
      list.set_page_token(page.next_page_token());
    } while (!list.page_token().empty());
    return names;
  };
  EXPECT_THAT(listed(false), ElementsAre(open.name(), later.name()));
  EXPECT_THAT(listed(true), ElementsAre(open.name()));
}

TEST_F(ApplicationsServiceTest, ACallOpensOnlyItsInstitutionsConditions) {
  v1::Call call = CreateCall();
  EXPECT_EQ(call.institution(), kKz);
  EXPECT_EQ(call.programme(), av1::KA171);
  EXPECT_EQ(call.state(), v1::Call::OPEN);

  v1::CreateCallRequest bad;
  *bad.mutable_call() = call;
  bad.set_call_id("bad-call");
  bad.mutable_call()->add_condition_ids("lv-kz-studies");  // Sends from LV.
  bad.mutable_call()->set_funding_call_year(2021);  // Funds up to 2024/2025.
  v1::Call ignored;
  absl::Status refused = Call(&Stub::CreateCall, bad, &ignored, Coordinator());
  ASSERT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  auto fields = FieldViolationsOf(refused);
  EXPECT_THAT(fields,
              Contains(Field(&FieldViolation::field, "call.condition_ids[2]")));
  EXPECT_THAT(fields, Contains(Field(&FieldViolation::field,
                                     "call.funding_call_year")));
  EXPECT_THAT(fields, Contains(Field(&FieldViolation::field, "call.budget")));

  // Another institution's coordinator cannot change it, nor learn it exists.
  v1::CloseCallRequest close;
  close.set_name(call.name());
  absl::Status other = Call(&Stub::CloseCall, close, &ignored,
                            Token("coordinator-lv", Role::kCoordinator, kLv));
  EXPECT_EQ(other.code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(Call(&Stub::CloseCall, close, &ignored, Coordinator()).ok());
  EXPECT_EQ(ignored.state(), v1::Call::CLOSED);
}

TEST_F(ApplicationsServiceTest, SubmissionChecksTheWindowAndEveryRuleAtOnce) {
  v1::Call later = CreateCall("autumn-2027", -absl::Hours(1));  // Not yet.
  v1::Application early = Create(StudentDraft(later.name()), "student-1");
  absl::Status not_open = Submit(early.name(), "student-1");
  EXPECT_EQ(not_open.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(not_open), "CALL_NOT_OPEN");

  v1::Call call = CreateCall();
  v1::Application draft = StudentDraft(call.name());
  *draft.mutable_end_date() = ToDate(absl::CivilDay(2027, 3, 29));  // 59 days.
  draft.mutable_student()->set_eqf_level(7);
  draft.mutable_student()->mutable_language_skills(0)->set_level(av1::B1);
  draft.mutable_consent()->set_transfer_to_partner(false);
  v1::Application created = Create(draft, "student-1");
  EXPECT_EQ(created.state(), v1::Application::DRAFT);
  absl::Status refused = Submit(created.name(), "student-1");
  ASSERT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(refused), "NOT_ELIGIBLE");
  auto fields = FieldViolationsOf(refused);
  for (const char* field :
       {"end_date", "student.eqf_level", "student.language_skills",
        "consent.transfer_to_partner"}) {
    EXPECT_THAT(fields, Contains(Field(&FieldViolation::field, field)))
        << field;
  }
  // Corrected, it goes in; a second submission is a wrong state.
  v1::UpdateApplicationRequest fix;
  *fix.mutable_application() = StudentDraft(call.name());
  fix.mutable_application()->set_name(created.name());
  for (const char* path : {"end_date", "student", "consent"})
    fix.mutable_update_mask()->add_paths(path);
  v1::Application fixed;
  ASSERT_TRUE(Call(&Stub::UpdateApplication, fix, &fixed,
                   Token("student-1", Role::kApplicant))
                  .ok());
  v1::Application submitted;
  ASSERT_TRUE(Submit(created.name(), "student-1", &submitted).ok());
  EXPECT_EQ(submitted.state(), v1::Application::SUBMITTED);
  ASSERT_THAT(submitted.history(), SizeIs(1));
  EXPECT_EQ(submitted.history(0).from_state(), v1::Application::DRAFT);
  EXPECT_EQ(submitted.history(0).actor(), "student-1");
  EXPECT_EQ(Submit(created.name(), "student-1").code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Call(&Stub::UpdateApplication, fix, &fixed,
                 Token("student-1", Role::kApplicant))
                .code(),
            absl::StatusCode::kFailedPrecondition);
}

// A language below the condition's recommended level refuses the
// application by default; a call that flags instead takes it and tells the
// selection.
TEST_F(ApplicationsServiceTest,
       TheCallDecidesWhetherAWeakLanguageRefusesOrFlags) {
  v1::Call call = CreateCall();
  v1::Application draft = StudentDraft(call.name());
  draft.mutable_student()->mutable_language_skills(0)->set_level(av1::B1);
  v1::Application a = Create(draft, "student-1");
  absl::Status refused = Submit(a.name(), "student-1");
  ASSERT_EQ(refused.code(), absl::StatusCode::kInvalidArgument) << refused;
  EXPECT_THAT(
      FieldViolationsOf(refused),
      Contains(Field(&FieldViolation::field, "student.language_skills")));

  v1::UpdateCallRequest update;
  update.mutable_call()->set_name(call.name());
  update.mutable_call()->set_etag(call.etag());
  update.mutable_call()->set_below_recommended_language(v1::Call::FLAG);
  update.mutable_update_mask()->add_paths("below_recommended_language");
  v1::Call flagging;
  ASSERT_TRUE(Call(&Stub::UpdateCall, update, &flagging, Coordinator()).ok());
  v1::Application submitted;
  absl::Status taken = Submit(a.name(), "student-1", &submitted);
  ASSERT_TRUE(taken.ok()) << taken;
  EXPECT_THAT(submitted.selection_flags(),
              ElementsAre("the condition recommends en at B2 or above"));
}

// Mobilities end within the funding project: a 2023 project, over by 31 July
// 2026, funds no call of 2026/2027; a project ending on 31 March 2027 takes a
// stay ending that day and refuses one ending a day later.
TEST_F(ApplicationsServiceTest, AStayEndsWithinItsFundingProject) {
  CreateBudget("ka171-2023-kz", 2023, absl::CivilDay(2026, 7, 31));
  v1::CreateCallRequest request;
  request.set_call_id("spring-2027-old-money");
  v1::Call created;
  {
    v1::Call model = CreateCall("spring-2027-model");
    *request.mutable_call() = model;
    request.mutable_call()->set_budget("budgets/ka171-2023-kz");
    request.mutable_call()->set_funding_call_year(2023);
  }
  absl::Status over = Call(&Stub::CreateCall, request, &created, Coordinator());
  ASSERT_EQ(over.code(), absl::StatusCode::kInvalidArgument) << over;
  EXPECT_THAT(FieldViolationsOf(over),
              Contains(Field(&FieldViolation::field, "call.budget")));

  CreateBudget("ka171-2024-short", 2024, absl::CivilDay(2027, 3, 31));
  v1::Call call = CreateCall("spring-2027-short", absl::Hours(1), kAgreement,
                             "budgets/ka171-2024-short");
  EXPECT_EQ(FormatDate(call.funding_project_end_date()), "2027-03-31");
  v1::Application draft = StudentDraft(call.name());
  *draft.mutable_end_date() = ToDate(absl::CivilDay(2027, 4, 1));
  v1::Application late = Create(draft, "student-1");
  absl::Status refused = Submit(late.name(), "student-1");
  ASSERT_EQ(refused.code(), absl::StatusCode::kInvalidArgument) << refused;
  EXPECT_THAT(FieldViolationsOf(refused),
              Contains(Field(&FieldViolation::field, "end_date")));
  *draft.mutable_end_date() = ToDate(absl::CivilDay(2027, 3, 31));
  draft.set_condition_id("kz-lv-studies");
  v1::Application in_time = Create(draft, "student-2");
  absl::Status taken = Submit(in_time.name(), "student-2");
  EXPECT_TRUE(taken.ok()) << taken;
}

TEST_F(ApplicationsServiceTest, SomeoneElsesApplicationIsNotFound) {
  v1::Call call = CreateCall();
  v1::Application mine = Create(StudentDraft(call.name()), "student-1");
  v1::GetApplicationRequest get;
  get.set_name(mine.name());
  v1::Application found;
  absl::Status other = Call(&Stub::GetApplication, get, &found,
                            Token("student-2", Role::kApplicant));
  get.set_name("applications/0123456789abcdef0123456789abcdef");
  absl::Status missing = Call(&Stub::GetApplication, get, &found,
                              Token("student-2", Role::kApplicant));
  EXPECT_EQ(other.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ErrorReason(other), ErrorReason(missing));
  // A coordinator of another institution sees none either.
  get.set_name(mine.name());
  EXPECT_EQ(Call(&Stub::GetApplication, get, &found,
                 Token("coordinator-lv", Role::kCoordinator, kLv))
                .code(),
            absl::StatusCode::kNotFound);
  v1::ListApplicationsRequest list;
  v1::ListApplicationsResponse listed;
  ASSERT_TRUE(Call(&Stub::ListApplications, list, &listed,
                   Token("student-2", Role::kApplicant))
                  .ok());
  EXPECT_THAT(listed.applications(), SizeIs(0));
  ASSERT_TRUE(Call(&Stub::ListApplications, list, &listed, Coordinator()).ok());
  EXPECT_THAT(listed.applications(), SizeIs(1));
}

TEST_F(ApplicationsServiceTest, DocumentsAreRecognisedByContentUpToTenMiB) {
  v1::Call call = CreateCall();
  v1::Application a = Create(StudentDraft(call.name()), "student-1");
  const std::string token = Token("student-1", Role::kApplicant);
  auto upload = [&](const std::string& file_name, std::string content,
                    v1::Document* out) {
    v1::CreateDocumentRequest request;
    request.set_parent(a.name());
    request.mutable_document()->set_file_name(file_name);
    request.mutable_document()->set_document_type("transcript");
    request.mutable_document()->set_content(std::move(content));
    return Call(&Stub::CreateDocument, request, out, token);
  };
  v1::Document pdf, png, ignored;
  ASSERT_TRUE(upload("transcript.pdf", "%PDF-1.7 a transcript", &pdf).ok());
  EXPECT_EQ(pdf.media_type(), "application/pdf");
  ASSERT_TRUE(upload("scan", std::string("\x89PNG\r\n\x1a\n rest", 13), &png)
                  .ok());  // No extension: the content says PNG.
  EXPECT_EQ(png.media_type(), "image/png");
  // A PDF named .png and a PNG named .pdf are mislabelled; a GIF is no type
  // taken, whatever it is called.
  absl::Status pdf_as_png = upload("photo.png", "%PDF-1.7 x", &ignored);
  ASSERT_EQ(pdf_as_png.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(pdf_as_png)[0].field, "document.file_name");
  EXPECT_EQ(
      upload("cv.PDF", std::string("\x89PNG\r\n\x1a\n rest", 13), &ignored)
          .code(),
      absl::StatusCode::kInvalidArgument);
  absl::Status gif = upload("photo.png", "GIF89a....", &ignored);
  ASSERT_EQ(gif.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(gif)[0].field, "document.content");
  std::string ten_mib = "%PDF-" + std::string(kMaxDocumentBytes - 5, 'x');
  v1::Document large;
  ASSERT_TRUE(upload("thesis.pdf", ten_mib, &large).ok());
  EXPECT_EQ(large.size_bytes(), kMaxDocumentBytes);
  EXPECT_EQ(upload("thesis.pdf", ten_mib + "x", &ignored).code(),
            absl::StatusCode::kInvalidArgument);

  v1::GetDocumentRequest get;
  get.set_name(large.name());
  v1::Document read;
  ASSERT_TRUE(Call(&Stub::GetDocument, get, &read, Coordinator()).ok());
  EXPECT_EQ(read.content().size(), ten_mib.size());
  EXPECT_EQ(read.sha256(), Sha256Hex(ten_mib));
  EXPECT_EQ(
      Call(&Stub::GetDocument, get, &read, Token("student-2", Role::kApplicant))
          .code(),
      absl::StatusCode::kNotFound);
  v1::ListDocumentsRequest list;
  list.set_parent(a.name());
  v1::ListDocumentsResponse listed;
  ASSERT_TRUE(Call(&Stub::ListDocuments, list, &listed, token).ok());
  ASSERT_THAT(listed.documents(), SizeIs(3));
  EXPECT_TRUE(listed.documents(2).content().empty());
}

// Issue 20: no limit on documents per application or drafts per applicant.
TEST_F(ApplicationsServiceTest, TenDocumentsAndThirtyMiBAnApplication) {
  v1::Call call = CreateCall();
  const std::string token = Token("student-1", Role::kApplicant);
  auto upload = [&](const std::string& parent, std::string content) {
    v1::CreateDocumentRequest request;
    request.set_parent(parent);
    request.mutable_document()->set_file_name("scan.pdf");
    request.mutable_document()->set_document_type("transcript");
    request.mutable_document()->set_content(std::move(content));
    v1::Document ignored;
    return Call(&Stub::CreateDocument, request, &ignored, token);
  };
  v1::Application a = Create(StudentDraft(call.name()), "student-1");
  const std::string ten_mib = "%PDF-" + std::string(kMaxDocumentBytes - 5, 'x');
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(upload(a.name(), ten_mib).ok()) << i;
  absl::Status over = upload(a.name(), "%PDF-");
  EXPECT_EQ(over.code(), absl::StatusCode::kResourceExhausted);
  ASSERT_THAT(FieldViolationsOf(over), SizeIs(1));
  EXPECT_EQ(FieldViolationsOf(over)[0].field, "document.content");

  v1::Application draft = StudentDraft(call.name());
  draft.set_condition_id("kz-lv-teaching");
  v1::Application b = Create(draft, "student-1");
  for (int i = 0; i < kMaxDocumentsPerApplication; ++i)
    ASSERT_TRUE(upload(b.name(), "%PDF-1.7 page").ok()) << i;
  absl::Status eleventh = upload(b.name(), "%PDF-1.7 page");
  EXPECT_EQ(eleventh.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(FieldViolationsOf(eleventh)[0].field, "parent");
  v1::ListDocumentsRequest list;
  list.set_parent(b.name());
  v1::ListDocumentsResponse listed;
  ASSERT_TRUE(Call(&Stub::ListDocuments, list, &listed, token).ok());
  EXPECT_THAT(listed.documents(), SizeIs(kMaxDocumentsPerApplication));
}

TEST_F(ApplicationsServiceTest, OneLiveApplicationPerConditionAndTwentyDrafts) {
  v1::Call call = CreateCall();
  const std::string token = Token("student-1", Role::kApplicant);
  auto create = [&](const std::string& condition, v1::Application* out) {
    v1::CreateApplicationRequest request;
    *request.mutable_application() = StudentDraft(call.name());
    request.mutable_application()->set_condition_id(condition);
    return Call(&Stub::CreateApplication, request, out, token);
  };
  v1::Application first, ignored;
  ASSERT_TRUE(create("kz-lv-studies", &first).ok());
  absl::Status second = create("kz-lv-studies", &ignored);
  EXPECT_EQ(second.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(FieldViolationsOf(second)[0].field, "application.condition_id");
  // Nor may another draft be moved onto the same condition.
  v1::Application other;
  ASSERT_TRUE(create("", &other).ok());
  v1::UpdateApplicationRequest move;
  move.mutable_application()->set_name(other.name());
  move.mutable_application()->set_condition_id("kz-lv-studies");
  move.mutable_update_mask()->add_paths("condition_id");
  absl::Status moved = Call(&Stub::UpdateApplication, move, &ignored, token);
  EXPECT_EQ(moved.code(), absl::StatusCode::kAlreadyExists);
  // Another applicant is not concerned.
  EXPECT_TRUE(Create(StudentDraft(call.name()), "student-2").name() != "");

  for (int i = 2; i < kMaxDraftsPerApplicant; ++i)
    ASSERT_TRUE(create("", &ignored).ok()) << i;
  absl::Status full = create("", &ignored);
  EXPECT_EQ(full.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(FieldViolationsOf(full)[0].field, "application");
}

// Issue 23: three taps made three drafts, and none could be deleted.
TEST_F(ApplicationsServiceTest, ADraftIsDeletedByItsOwnerWithItsDocuments) {
  v1::Call call = CreateCall();
  v1::Application draft = Create(StudentDraft(call.name()), "student-1");
  const std::string owner = Token("student-1", Role::kApplicant);
  v1::CreateDocumentRequest upload;
  upload.set_parent(draft.name());
  upload.mutable_document()->set_file_name("transcript.pdf");
  upload.mutable_document()->set_document_type("transcript");
  upload.mutable_document()->set_content("%PDF-1.7 a transcript");
  v1::Document document;
  ASSERT_TRUE(Call(&Stub::CreateDocument, upload, &document, owner).ok());
  v1::DeleteApplicationRequest remove;
  remove.set_name(draft.name());
  google::protobuf::Empty empty;
  // Nobody else deletes it, not even the office: it is not theirs to see.
  EXPECT_EQ(Call(&Stub::DeleteApplication, remove, &empty,
                 Token("student-2", Role::kApplicant))
                .code(),
            absl::StatusCode::kNotFound);
  remove.set_etag("stale");
  EXPECT_EQ(Call(&Stub::DeleteApplication, remove, &empty, owner).code(),
            absl::StatusCode::kAborted);
  remove.set_etag(draft.etag());
  ASSERT_TRUE(Call(&Stub::DeleteApplication, remove, &empty, owner).ok());
  v1::GetApplicationRequest get;
  get.set_name(draft.name());
  v1::Application gone;
  EXPECT_EQ(Call(&Stub::GetApplication, get, &gone, owner).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Call(&Stub::DeleteApplication, remove, &empty, owner).code(),
            absl::StatusCode::kNotFound);
  // A submitted application is withdrawn, never deleted: the office keeps it.
  v1::Application submitted = Create(StudentDraft(call.name()), "student-1");
  ASSERT_TRUE(Submit(submitted.name(), "student-1").ok());
  remove.set_name(submitted.name());
  remove.clear_etag();
  absl::Status refused = Call(&Stub::DeleteApplication, remove, &empty, owner);
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(refused), "WRONG_APPLICATION_STATE");
  EXPECT_EQ(Get(submitted.name()).state(), v1::Application::SUBMITTED);
}

// Issue 23: applicants got no e-mail on submission or selection.
TEST_F(ApplicationsServiceTest,
       TheApplicantIsWrittenToInTheLanguageTheyApplied) {
  v1::Call call = CreateCall();
  v1::Application draft = Create(StudentDraft(call.name()), "student-1");
  auto mails = [&] {
    std::vector<std::pair<std::string, std::string>> out;
    EXPECT_TRUE(applications_db_
                    ->Read(CallLimit::Within(absl::Seconds(10)),
                           [&](pqxx::transaction_base& txn) {
                             for (const auto& row :
                                  txn.exec("SELECT subject, body FROM outbox "
                                           "ORDER BY id"))
                               out.emplace_back(row[0].as<std::string>(),
                                                row[1].as<std::string>());
                             return absl::OkStatus();
                           })
                    .ok());
    return out;
  };
  OutboundCall as_applicant;
  as_applicant.bearer_token = Token("student-1", Role::kApplicant);
  auto context = NewClientContext(as_applicant);
  context->AddMetadata("accept-language", "ru-RU,ru;q=0.9");
  v1::SubmitApplicationRequest submit;
  submit.set_name(draft.name());
  v1::Application submitted;
  ASSERT_TRUE(stub_->SubmitApplication(context.get(), submit, &submitted).ok());
  EXPECT_EQ(submitted.language(), "ru");
  auto sent = mails();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].first, "Ваша заявка Erasmus+ подана");
  EXPECT_THAT(sent[0].second, ::testing::HasSubstr(call.title()));
  EXPECT_THAT(sent[0].second,
              ::testing::HasSubstr("Следите за заявкой: http://"));
  // Moving into review writes nothing; the decision does, once.
  ASSERT_TRUE(Evaluate(draft.name(), 90, 9).ok());
  ASSERT_TRUE(Decide(draft.name(), v1::DecideApplicationRequest::RESERVE).ok());
  ASSERT_TRUE(Decide(draft.name(), v1::DecideApplicationRequest::RESERVE).ok());
  sent = mails();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1].first, "Ваша заявка Erasmus+ в резервном списке");
}

// Issue 20: applicant B replaying applicant A's PATCH with A's request_id got
// A's application, name and e-mail.
TEST_F(ApplicationsServiceTest, AReplayedRequestIdAnswersOnlyItsCaller) {
  v1::Call call = CreateCall();
  v1::Application mine = Create(StudentDraft(call.name()), "student-1");
  v1::UpdateApplicationRequest patch;
  patch.mutable_application()->set_name(mine.name());
  patch.mutable_application()->set_motivation("To study in Valmiera.");
  patch.mutable_update_mask()->add_paths("motivation");
  patch.set_request_id("0b8a6a39-8b7b-4c4e-9f5d-0c9a8e1f2a3b");
  v1::Application updated, replayed;
  ASSERT_TRUE(Call(&Stub::UpdateApplication, patch, &updated,
                   Token("student-1", Role::kApplicant))
                  .ok());
  absl::Status other = Call(&Stub::UpdateApplication, patch, &replayed,
                            Token("student-2", Role::kApplicant));
  EXPECT_EQ(other.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(other)[0].field, "request_id");
  EXPECT_EQ(replayed.name(), "");
  EXPECT_EQ(replayed.applicant().email(), "");
  // The owner's own retry still gets its first answer.
  ASSERT_TRUE(Call(&Stub::UpdateApplication, patch, &replayed,
                   Token("student-1", Role::kApplicant))
                  .ok());
  EXPECT_EQ(replayed.etag(), updated.etag());
}

// Five places vacated at once: each vacancy takes its own reserve, by rank, so
// no place stays empty while a reserve waits (two vacancies chose the same
// reserve before, issue 22).
TEST_F(ApplicationsServiceTest, VacanciesFilledAtOnceEachTakeTheirOwnReserve) {
  v1::Call call = CreateCall();
  std::vector<v1::Application> selected, reserves;
  for (int i = 0; i < 10; ++i) {
    v1::Application a =
        Reviewed(call.name(), absl::StrCat("student-", i), 90 - i);
    const bool select = i < 5;
    ASSERT_TRUE(Decide(a.name(), select ? v1::DecideApplicationRequest::SELECTED
                                        : v1::DecideApplicationRequest::RESERVE)
                    .ok());
    (select ? selected : reserves).push_back(a);
  }
  ASSERT_EQ(Usage().used(), 5);
  std::vector<std::thread> threads;
  for (const auto& a : selected) {
    threads.emplace_back([&, name = a.name(), owner = a.owner()] {
      v1::WithdrawApplicationRequest withdraw;
      withdraw.set_name(name);
      withdraw.set_reason("found another exchange");
      v1::Application withdrawn;
      EXPECT_TRUE(Call(&Stub::WithdrawApplication, withdraw, &withdrawn,
                       Token(owner, Role::kApplicant))
                      .ok());
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> filled_by;
  for (const auto& a : selected)
    filled_by.insert(Get(a.name()).vacancy_filled_by());
  EXPECT_EQ(filled_by.size(), 5u);
  for (const auto& r : reserves) {
    EXPECT_EQ(Get(r.name()).state(), v1::Application::SELECTED) << r.name();
    EXPECT_TRUE(filled_by.count(r.name())) << r.name();
  }
  EXPECT_EQ(Usage().used(), 5);
  EXPECT_EQ(Grants(), 5);
}

// The ranking PostgreSQL makes: total score first, then the earlier
// submission, then the application's id.
TEST_F(ApplicationsServiceTest, RankedByScoreThenEarlierSubmissionThenId) {
  v1::Call call = CreateCall();
  const std::string early = Reviewed(call.name(), "student-1", 70).name();
  const std::string late = Reviewed(call.name(), "student-2", 70).name();
  const std::string twin = Reviewed(call.name(), "student-3", 70).name();
  const std::string best = Reviewed(call.name(), "student-4", 90).name();
  // The twin was submitted in the same microsecond as the early one.
  ASSERT_TRUE(
      applications_db_
          ->Transact(CallLimit::Within(absl::Seconds(10)),
                     [&](pqxx::transaction_base& txn) {
                       txn.exec_params(
                           "UPDATE applications SET submit_time = (SELECT "
                           "submit_time FROM applications WHERE id = $1) "
                           "WHERE id = $2",
                           ResourceIdOf(early), ResourceIdOf(twin));
                       return absl::OkStatus();
                     })
          .ok());
  v1::RankApplicationsRequest rank;
  rank.set_call(call.name());
  v1::RankApplicationsResponse ranking;
  ASSERT_TRUE(
      Call(&Stub::RankApplications, rank, &ranking, Coordinator()).ok());
  std::vector<std::string> order;
  for (const auto& e : ranking.entries())
    order.push_back(e.application().name());
  const auto [first_twin, second_twin] = std::minmax(early, twin);
  EXPECT_THAT(order,
              ::testing::ElementsAre(best, first_twin, second_twin, late));
}

// Five places, fifty applicants deciding at once: exactly five selected, each
// with one place and one grant; withdrawals then promote reserves by rank.
TEST_F(ApplicationsServiceTest, FiftyConcurrentSelectionsOnFivePlaces) {
  v1::Call call = CreateCall();
  std::vector<v1::Application> applications;
  for (int i = 0; i < 50; ++i) {
    applications.push_back(
        Reviewed(call.name(), absl::StrCat("student-", i), 50 + i));
  }
  std::atomic<int> selected{0}, exhausted{0};
  std::vector<std::thread> threads;
  for (const auto& a : applications) {
    threads.emplace_back([&, name = a.name()] {
      absl::Status s = Decide(name, v1::DecideApplicationRequest::SELECTED);
      if (s.ok()) ++selected;
      if (s.code() == absl::StatusCode::kResourceExhausted) ++exhausted;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(selected.load(), 5);
  EXPECT_EQ(exhausted.load(), 45);
  EXPECT_EQ(Usage().used(), 5);
  EXPECT_EQ(Grants(), 5);

  // The rest go to the reserve list; the best reserve fills a vacated place.
  std::vector<std::string> chosen;
  for (const auto& a : applications) {
    v1::Application now = Get(a.name());
    if (now.state() == v1::Application::SELECTED) {
      chosen.push_back(now.name());
      continue;
    }
    ASSERT_TRUE(Decide(a.name(), v1::DecideApplicationRequest::RESERVE).ok());
  }
  ASSERT_THAT(chosen, SizeIs(5));
  const std::string vacating = chosen[0];
  v1::RankApplicationsRequest rank;
  rank.set_call(call.name());
  v1::RankApplicationsResponse ranking;
  ASSERT_TRUE(
      Call(&Stub::RankApplications, rank, &ranking, Coordinator()).ok());
  ASSERT_THAT(ranking.entries(), SizeIs(50));
  std::vector<std::string> reserves_by_rank;
  for (const auto& e : ranking.entries()) {
    if (e.application().state() == v1::Application::RESERVE)
      reserves_by_rank.push_back(e.application().name());
  }
  ASSERT_THAT(reserves_by_rank, SizeIs(45));
  const std::string best_reserve = reserves_by_rank[0];
  v1::WithdrawApplicationRequest withdraw;
  withdraw.set_name(vacating);
  withdraw.set_reason("found another exchange");
  v1::Application withdrawn;
  ASSERT_TRUE(Call(&Stub::WithdrawApplication, withdraw, &withdrawn,
                   Token(Get(vacating).owner(), Role::kApplicant))
                  .ok());
  EXPECT_EQ(withdrawn.state(), v1::Application::WITHDRAWN);
  EXPECT_EQ(withdrawn.vacancy_filled_by(), best_reserve);
  EXPECT_FALSE(withdrawn.vacancy_pending());
  v1::Application promoted = Get(best_reserve);
  EXPECT_EQ(promoted.state(), v1::Application::SELECTED);
  // The service promotes; the promoted applicant reads nothing of the one who
  // freed the place, neither who nor which application nor its state.
  const v1::HistoryEntry& promotion =
      promoted.history(promoted.history_size() - 1);
  EXPECT_EQ(promotion.actor(), "applications");
  EXPECT_EQ(promotion.reason(), "promoted from the reserve list");
  EXPECT_NE(promotion.actor(), Get(vacating).owner());
  EXPECT_EQ(Usage().used(), 5);
  EXPECT_EQ(Grants(), 5);

  // The office cancels another: the next reserve by rank takes the place.
  v1::CancelApplicationRequest cancel;
  cancel.set_name(chosen[1]);
  cancel.set_reason("did not enrol for the term");
  v1::Application cancelled;
  ASSERT_TRUE(
      Call(&Stub::CancelApplication, cancel, &cancelled, Coordinator()).ok());
  EXPECT_EQ(cancelled.vacancy_filled_by(), reserves_by_rank[1]);
  EXPECT_EQ(Get(reserves_by_rank[1]).state(), v1::Application::SELECTED);
  EXPECT_EQ(Get(reserves_by_rank[2]).state(), v1::Application::RESERVE);
  EXPECT_EQ(Usage().used(), 5);
  EXPECT_EQ(Grants(), 5);
}

// Only the office running the call selects: another institution's
// coordinator learns nothing, and nothing is taken or recorded. Selection
// reads the application once, in the transaction that records its intent, so
// the check is there.
TEST_F(ApplicationsServiceTest, AnotherOfficeCannotSelectNorLeaveAnIntent) {
  v1::Call call = CreateCall();
  const v1::Application a = Get(Reviewed(call.name(), "student-1", 80).name());
  for (auto decision : {v1::DecideApplicationRequest::SELECTED,
                        v1::DecideApplicationRequest::RESERVE,
                        v1::DecideApplicationRequest::REJECTED}) {
    v1::DecideApplicationRequest request;
    request.set_name(a.name());
    request.set_decision(decision);
    v1::Application ignored;
    EXPECT_EQ(Call(&Stub::DecideApplication, request, &ignored,
                   Token("coordinator-lv", Role::kCoordinator, kLv))
                  .code(),
              absl::StatusCode::kNotFound)
        << v1::DecideApplicationRequest::Decision_Name(decision);
  }
  const v1::Application after = Get(a.name());
  EXPECT_EQ(after.state(), v1::Application::UNDER_REVIEW);
  EXPECT_FALSE(after.has_selection_under_way());
  EXPECT_EQ(after.etag(), a.etag());
  EXPECT_EQ(Usage().used(), 0);
  EXPECT_EQ(Grants(), 0);
}

// The grants service is down when a selection is decided: the caller sees
// UNAVAILABLE, and the retry with the same request_id completes it once.
TEST_F(ApplicationsServiceTest, ARetryAfterGrantsWasDownSelectsExactlyOnce) {
  v1::Call call = CreateCall();
  v1::Application a = Reviewed(call.name(), "student-1", 80);
  StopGrants();
  const std::string request_id = "6f1c2a10-0000-4a55-9d0e-0c5a1e00f00d";
  absl::Status down = Decide(a.name(), v1::DecideApplicationRequest::SELECTED,
                             nullptr, request_id);
  EXPECT_EQ(down.code(), absl::StatusCode::kUnavailable) << down;
  EXPECT_EQ(Get(a.name()).state(), v1::Application::UNDER_REVIEW);
  StartGrants();
  // Callers retry UNAVAILABLE with backoff, as README says; the channel to
  // grants reconnects meanwhile.
  v1::Application selected;
  absl::Status retried;
  for (int attempt = 0; attempt < 50; ++attempt) {
    retried = Decide(a.name(), v1::DecideApplicationRequest::SELECTED,
                     &selected, request_id);
    if (retried.code() != absl::StatusCode::kUnavailable) break;
    absl::SleepFor(absl::Milliseconds(200));
  }
  ASSERT_TRUE(retried.ok()) << retried;
  EXPECT_EQ(selected.state(), v1::Application::SELECTED);
  ASSERT_TRUE(Decide(a.name(), v1::DecideApplicationRequest::SELECTED,
                     &selected, request_id)
                  .ok());
  EXPECT_EQ(Usage().used(), 1);
  EXPECT_EQ(Grants(), 1);
}

// A selection took the place, then could not make the grant (grants down):
// its outcome is unknown to the office. The application then ends (the
// applicant withdraws, the office rejects or cancels it): the place goes back,
// and the selection's retry neither selects nor makes a grant (the fault
// probe's orphans).
TEST_F(ApplicationsServiceTest, AnEndAfterAHalfDoneSelectionGivesItAllBack) {
  v1::Call call = CreateCall();
  std::vector<v1::Application> half_done;
  for (int i = 0; i < 3; ++i)
    half_done.push_back(Reviewed(call.name(), absl::StrCat("student-", i), 80));
  StopGrants();
  for (const auto& a : half_done) {
    EXPECT_EQ(Decide(a.name(), v1::DecideApplicationRequest::SELECTED, nullptr,
                     StepRequestId(a.name() + ":decide"))
                  .code(),
              absl::StatusCode::kUnavailable);
    EXPECT_TRUE(Get(a.name()).has_selection_under_way());
  }
  ASSERT_EQ(Usage().used(), 3);  // Each took its place.
  StartGrants();
  const std::string reason = "changed plans";
  ASSERT_TRUE(Retried([&] {
                v1::WithdrawApplicationRequest withdraw;
                withdraw.set_name(half_done[0].name());
                withdraw.set_reason(reason);
                v1::Application out;
                return Call(&Stub::WithdrawApplication, withdraw, &out,
                            Token(half_done[0].owner(), Role::kApplicant));
              }).ok());
  ASSERT_TRUE(Retried([&] {
                return Decide(half_done[1].name(),
                              v1::DecideApplicationRequest::REJECTED);
              }).ok());
  ASSERT_TRUE(Retried([&] {
                v1::CancelApplicationRequest cancel;
                cancel.set_name(half_done[2].name());
                cancel.set_reason(reason);
                v1::Application out;
                return Call(&Stub::CancelApplication, cancel, &out,
                            Coordinator());
              }).ok());
  EXPECT_EQ(Usage().used(), 0);
  for (const auto& a : half_done) {
    v1::Application ended = Get(a.name());
    EXPECT_FALSE(ended.has_selection_under_way()) << a.name();
    EXPECT_FALSE(ended.give_back_pending()) << a.name();
    absl::Status retry =
        Decide(a.name(), v1::DecideApplicationRequest::SELECTED, nullptr,
               StepRequestId(a.name() + ":decide"));
    EXPECT_EQ(retry.code(), absl::StatusCode::kFailedPrecondition) << retry;
  }
  EXPECT_EQ(Usage().used(), 0);
  EXPECT_EQ(Grants(), 0);
}

// What a selection's call still on its way would ask after the application
// ended: the place and the grant are both refused.
TEST_F(ApplicationsServiceTest, ALateStepOfAnEndedApplicationIsRefused) {
  v1::Call call = CreateCall();
  v1::Application a = Reviewed(call.name(), "student-1", 80);
  v1::WithdrawApplicationRequest withdraw;
  withdraw.set_name(a.name());
  v1::Application withdrawn;
  ASSERT_TRUE(Call(&Stub::WithdrawApplication, withdraw, &withdrawn,
                   Token(a.owner(), Role::kApplicant))
                  .ok());
  const std::string service =
      testing::TokenFor("applications-service", {Role::kService});
  av1::AllocateMobilityRequest allocate;
  allocate.set_agreement(kAgreement);
  allocate.set_condition_id("kz-lv-studies");
  allocate.set_academic_year("2026/2027");
  allocate.set_allocation_key(a.name());
  av1::MobilityAllocation allocation;
  EXPECT_EQ(Invoke(agreements_stub_.get(),
                   &av1::AgreementsService::Stub::AllocateMobility, allocate,
                   &allocation, service)
                .code(),
            absl::StatusCode::kFailedPrecondition);
  gv1::CreateGrantRequest create;
  gv1::Grant* g = create.mutable_grant();
  g->mutable_participant()->set_full_name("Aigerim Test");
  g->mutable_participant()->set_reference(a.owner());
  g->set_agreement(kAgreement);
  g->set_condition_id("kz-lv-studies");
  g->set_application(a.name());
  g->set_budget(kBudget);
  gv1::CalculateGrantRequest* c = create.mutable_calculation();
  c->set_programme(gv1::KA171);
  c->set_call_year(2024);
  c->set_activity(gv1::STUDENT_STUDIES);
  c->set_sending_institution(kKz);
  c->set_receiving_institution(kLv);
  *c->mutable_start_date() = a.start_date();
  *c->mutable_end_date() = a.end_date();
  create.set_request_id(StepRequestId(a.name() + ":grant"));
  gv1::Grant made;
  absl::Status late =
      Invoke(grants_stub_.get(), &gv1::GrantsService::Stub::CreateGrant, create,
             &made, service);
  EXPECT_EQ(late.code(), absl::StatusCode::kFailedPrecondition) << late;
  EXPECT_EQ(Usage().used(), 0);
  EXPECT_EQ(Grants(), 0);
}

// The service finishes a selection a crash left half done, in the name of
// the coordinator who decided it; the office may not move it to the reserve
// list meanwhile.
TEST_F(ApplicationsServiceTest, TheServiceFinishesASelectionLeftHalfDone) {
  v1::Call call = CreateCall();
  v1::Application a = Reviewed(call.name(), "student-1", 80);
  StopGrants();
  ASSERT_EQ(Decide(a.name(), v1::DecideApplicationRequest::SELECTED).code(),
            absl::StatusCode::kUnavailable);
  absl::Status reserve =
      Decide(a.name(), v1::DecideApplicationRequest::RESERVE);
  EXPECT_EQ(reserve.code(), absl::StatusCode::kFailedPrecondition) << reserve;
  StartGrants();
  applications_service_->FinishPendingSteps(absl::Milliseconds(100),
                                            absl::ZeroDuration());
  v1::Application finished;
  for (int i = 0; i < 100; ++i) {
    finished = Get(a.name());
    if (finished.state() == v1::Application::SELECTED) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_EQ(finished.state(), v1::Application::SELECTED);
  EXPECT_FALSE(finished.has_selection_under_way());
  EXPECT_EQ(finished.history(finished.history_size() - 1).actor(),
            "coordinator-kz");
  EXPECT_EQ(Usage().used(), 1);
  EXPECT_EQ(Grants(), 1);
}

// From selection to completion: nomination, the host's own system accepting,
// the start and the completion, which settles the agreed grant on the real
// dates. The host's rejection frees the place for the best reserve.
TEST_F(ApplicationsServiceTest, NominationHostDecisionStartAndCompletion) {
  v1::Call call = CreateCall();
  v1::Application a = Reviewed(call.name(), "student-1", 90);
  v1::Application b = Reviewed(call.name(), "student-2", 80);
  v1::Application reserve = Reviewed(call.name(), "student-3", 70);
  ASSERT_TRUE(Decide(a.name(), v1::DecideApplicationRequest::SELECTED).ok());
  ASSERT_TRUE(Decide(b.name(), v1::DecideApplicationRequest::SELECTED).ok());
  ASSERT_TRUE(
      Decide(reserve.name(), v1::DecideApplicationRequest::RESERVE).ok());

  v1::StartMobilityRequest start;
  start.set_name(a.name());
  *start.mutable_actual_start_date() = ToDate(absl::CivilDay(2027, 2, 1));
  v1::Application out;
  EXPECT_EQ(Call(&Stub::StartMobility, start, &out, Coordinator()).code(),
            absl::StatusCode::kFailedPrecondition);  // Not accepted yet.
  // DOMAIN.md: the receiving institution sees an application once it is
  // nominated to it, and only what a host needs.
  const std::string host_coordinator =
      Token("coordinator-lv", Role::kCoordinator, kLv);
  v1::GetApplicationRequest get;
  get.set_name(a.name());
  EXPECT_EQ(Call(&Stub::GetApplication, get, &out, host_coordinator).code(),
            absl::StatusCode::kNotFound);  // Selected, not yet nominated.
  for (const auto& name : {a.name(), b.name()}) {
    v1::NominateApplicationRequest nominate;
    nominate.set_name(name);
    ASSERT_TRUE(
        Call(&Stub::NominateApplication, nominate, &out, Coordinator()).ok());
    EXPECT_EQ(out.state(), v1::Application::NOMINATED);
    EXPECT_EQ(out.host_institution(), kLv);
  }
  ASSERT_TRUE(Call(&Stub::GetApplication, get, &out, host_coordinator).ok());
  EXPECT_EQ(out.applicant().family_name(), "Test");
  EXPECT_EQ(out.student().isced_code(), "0413");
  EXPECT_EQ(out.state(), v1::Application::NOMINATED);
  EXPECT_TRUE(out.scores().empty());
  EXPECT_EQ(out.total_score(), 0);
  EXPECT_EQ(out.grant(), "");
  EXPECT_EQ(out.motivation(), "");
  EXPECT_EQ(out.applicant().person_number(), "");
  EXPECT_TRUE(out.history().empty());
  EXPECT_EQ(out.owner(), "");
  // Another institution's coordinator sees nothing.
  EXPECT_EQ(Call(&Stub::GetApplication, get, &out,
                 Token("coordinator-ee", Role::kCoordinator,
                       "institutions/other-uni"))
                .code(),
            absl::StatusCode::kNotFound);
  v1::RecordHostDecisionRequest host;
  host.set_name(a.name());
  host.set_accepted(true);
  // Only the host answers: another institution's system sees nothing.
  EXPECT_EQ(
      Call(&Stub::RecordHostDecision, host, &out,
           Token("ewp:other", Role::kPartnerSystem, "institutions/other-uni"))
          .code(),
      absl::StatusCode::kNotFound);
  const std::string vidzeme = Token("ewp:va.lv", Role::kPartnerSystem, kLv);
  ASSERT_TRUE(Call(&Stub::RecordHostDecision, host, &out, vidzeme).ok());
  EXPECT_EQ(out.state(), v1::Application::ACCEPTED_BY_HOST);
  EXPECT_EQ(out.history(out.history_size() - 1).actor(), "ewp:va.lv");

  host.set_name(b.name());
  host.set_accepted(false);
  host.set_reason("the course is full");
  ASSERT_TRUE(Call(&Stub::RecordHostDecision, host, &out, vidzeme).ok());
  EXPECT_EQ(out.state(), v1::Application::REJECTED_BY_HOST);
  EXPECT_EQ(out.vacancy_filled_by(), reserve.name());
  EXPECT_EQ(Get(reserve.name()).state(), v1::Application::SELECTED);
  EXPECT_EQ(Usage().used(), 2);
  EXPECT_EQ(Grants(), 2);

  ASSERT_TRUE(Call(&Stub::StartMobility, start, &out, Coordinator()).ok());
  EXPECT_EQ(out.state(), v1::Application::IN_MOBILITY);
  v1::CompleteMobilityRequest complete;
  complete.set_name(a.name());
  *complete.mutable_actual_end_date() = ToDate(absl::CivilDay(2027, 6, 15));
  *complete.mutable_final_report_date() = ToDate(absl::CivilDay(2027, 7, 1));
  // The grant is settled on the real dates, so it must be agreed first.
  EXPECT_EQ(Call(&Stub::CompleteMobility, complete, &out, Coordinator()).code(),
            absl::StatusCode::kFailedPrecondition);
  gv1::AgreeGrantRequest agree;
  agree.set_name(Get(a.name()).grant());
  *agree.mutable_participant_signed_date() =
      ToDate(absl::CivilDay(2026, 11, 20));
  *agree.mutable_institution_signed_date() =
      ToDate(absl::CivilDay(2026, 11, 21));
  gv1::Grant grant;
  ASSERT_TRUE(Invoke(grants_stub_.get(), &gv1::GrantsService::Stub::AgreeGrant,
                     agree, &grant, Token("finance-1", Role::kFinance))
                  .ok());
  ASSERT_TRUE(
      Call(&Stub::CompleteMobility, complete, &out, Coordinator()).ok());
  EXPECT_EQ(out.state(), v1::Application::COMPLETED);
  EXPECT_EQ(FormatDate(out.actual_end_date()), "2027-06-15");
  gv1::GetGrantRequest get_grant;
  get_grant.set_name(out.grant());
  ASSERT_TRUE(Invoke(grants_stub_.get(), &gv1::GrantsService::Stub::GetGrant,
                     get_grant, &grant, Token("finance-1", Role::kFinance))
                  .ok());
  EXPECT_EQ(grant.state(), gv1::Grant::SETTLED);
  EXPECT_EQ(FormatDate(grant.final_quote().request().end_date()), "2027-06-15");
  // Completing again changes nothing.
  ASSERT_TRUE(
      Call(&Stub::CompleteMobility, complete, &out, Coordinator()).ok());
  EXPECT_EQ(out.state(), v1::Application::COMPLETED);
}

// The learning agreement: a version in force once the student, the sending
// office and the host have signed it, changes that need all three again while
// every version stays readable, and recognition against it at completion.
TEST_F(ApplicationsServiceTest, LearningAgreementSignedByThreeThenRecognition) {
  v1::Call call = CreateCall();
  v1::Application a = Reviewed(call.name(), "student-1", 90);
  ASSERT_TRUE(Decide(a.name(), v1::DecideApplicationRequest::SELECTED).ok());
  const std::string la_name = a.name() + "/learningAgreement";
  const std::string student = Token("student-1", Role::kApplicant);
  const std::string host = Token("ewp:va.lv", Role::kPartnerSystem, kLv);
  auto component = [](v1::Component* c, const char* code, const char* credits) {
    c->set_code(code);
    c->set_title(absl::StrCat("Course ", code));
    c->set_ects_credits(credits);
    c->set_term("2026/2027 spring");
  };
  v1::ProposeLearningAgreementRequest propose;
  propose.set_name(la_name);
  component(propose.add_study_components(), "MGT-301", "6");
  component(propose.add_study_components(), "ECO-210", "7.5");
  component(propose.add_recognised_components(), "KZ-MGT-3", "13.5");
  v1::LearningAgreement la;
  ASSERT_TRUE(
      Call(&Stub::ProposeLearningAgreement, propose, &la, student).ok());
  ASSERT_THAT(la.versions(), SizeIs(1));
  auto sign = [&](int version, const std::string& token, const char* who) {
    v1::SignLearningAgreementRequest request;
    request.set_name(la_name);
    request.set_version(version);
    request.set_signer_name(who);
    request.set_position("as in the learning agreement");
    return Call(&Stub::SignLearningAgreement, request, &la, token);
  };
  ASSERT_TRUE(sign(1, student, "Aigerim Test").ok());
  ASSERT_TRUE(sign(1, Coordinator(), "Coordinator KZ").ok());
  EXPECT_EQ(la.in_force_version(), 0);
  // Someone who is no party sees nothing.
  EXPECT_EQ(sign(1, Token("student-2", Role::kApplicant), "x").code(),
            absl::StatusCode::kNotFound);
  ASSERT_TRUE(sign(1, host, "Coordinator VIA").ok());
  EXPECT_EQ(la.in_force_version(), 1);
  EXPECT_TRUE(la.versions(0).approved());

  // A change says why, needs all three again, and v1 stays in force till then.
  propose.mutable_study_components(1)->set_ects_credits("5");
  propose.mutable_recognised_components(0)->set_ects_credits("11");
  v1::LearningAgreement ignored;
  absl::Status no_reason =
      Call(&Stub::ProposeLearningAgreement, propose, &ignored, student);
  ASSERT_EQ(no_reason.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(no_reason)[0].field, "change_reason");
  propose.set_change_reason("ECO-210 is offered with 5 credits only");
  ASSERT_TRUE(
      Call(&Stub::ProposeLearningAgreement, propose, &la, Coordinator()).ok());
  EXPECT_EQ(
      Call(&Stub::ProposeLearningAgreement, propose, &ignored, student).code(),
      absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(sign(1, student, "Aigerim Test").code(),
            absl::StatusCode::kAborted);
  for (const auto& [token, who] :
       {std::pair<std::string, const char*>{student, "Aigerim Test"},
        {Coordinator(), "Coordinator KZ"},
        {host, "Coordinator VIA"}}) {
    ASSERT_TRUE(sign(2, token, who).ok());
  }
  EXPECT_EQ(la.in_force_version(), 2);
  ASSERT_THAT(la.versions(), SizeIs(2));
  EXPECT_EQ(la.versions(0).study_components(1).ects_credits(), "7.5");

  // Through to completion, with what became of each component.
  v1::Application out;
  v1::NominateApplicationRequest nominate;
  nominate.set_name(a.name());
  ASSERT_TRUE(
      Call(&Stub::NominateApplication, nominate, &out, Coordinator()).ok());
  v1::RecordHostDecisionRequest accept;
  accept.set_name(a.name());
  accept.set_accepted(true);
  ASSERT_TRUE(Call(&Stub::RecordHostDecision, accept, &out, host).ok());
  v1::StartMobilityRequest start;
  start.set_name(a.name());
  *start.mutable_actual_start_date() = ToDate(absl::CivilDay(2027, 2, 1));
  ASSERT_TRUE(Call(&Stub::StartMobility, start, &out, Coordinator()).ok());
  gv1::AgreeGrantRequest agree;
  agree.set_name(out.grant());
  *agree.mutable_participant_signed_date() =
      ToDate(absl::CivilDay(2026, 11, 20));
  *agree.mutable_institution_signed_date() =
      ToDate(absl::CivilDay(2026, 11, 20));
  gv1::Grant grant;
  ASSERT_TRUE(Invoke(grants_stub_.get(), &gv1::GrantsService::Stub::AgreeGrant,
                     agree, &grant, Token("finance-1", Role::kFinance))
                  .ok());
  v1::CompleteMobilityRequest complete;
  complete.set_name(a.name());
  *complete.mutable_actual_end_date() = ToDate(absl::CivilDay(2027, 6, 30));
  *complete.mutable_final_report_date() = ToDate(absl::CivilDay(2027, 7, 5));
  v1::Recognition* passed = complete.add_recognition();
  passed->set_component_code("MGT-301");
  passed->set_transcript_credits("6");
  passed->set_recognised_credits("6");
  passed->set_recognised(true);
  v1::Recognition* failed = complete.add_recognition();
  failed->set_component_code("ECO-210");
  failed->set_transcript_credits("0");
  failed->set_recognised(false);
  absl::Status no_why =
      Call(&Stub::CompleteMobility, complete, &out, Coordinator());
  ASSERT_EQ(no_why.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(no_why)[0].field, "recognition[1].reason");
  failed->set_reason("the exam was not passed");
  ASSERT_TRUE(
      Call(&Stub::CompleteMobility, complete, &out, Coordinator()).ok());
  EXPECT_EQ(out.state(), v1::Application::COMPLETED);
  ASSERT_THAT(out.recognition(), SizeIs(2));
  EXPECT_EQ(out.recognition(1).reason(), "the exam was not passed");
}

TEST_F(ApplicationsServiceTest, AnApplicantExportsTheirOwnDataOnly) {
  v1::Call call = CreateCall();
  v1::Application mine = Create(StudentDraft(call.name()), "student-1");
  Create(StudentDraft(call.name()), "student-2");
  v1::CreateDocumentRequest upload;
  upload.set_parent(mine.name());
  upload.mutable_document()->set_file_name("cv.pdf");
  upload.mutable_document()->set_document_type("CV");
  upload.mutable_document()->set_content("%PDF-1.4 cv");
  v1::Document document;
  ASSERT_TRUE(Call(&Stub::CreateDocument, upload, &document,
                   Token("student-1", Role::kApplicant))
                  .ok());
  v1::ApplicantDataExport exported;
  ASSERT_TRUE(Call(&Stub::ExportMyData, v1::ExportMyDataRequest(), &exported,
                   Token("student-1", Role::kApplicant))
                  .ok());
  ASSERT_THAT(exported.applications(), SizeIs(1));
  EXPECT_EQ(exported.applications(0).applicant().email(), "aigerim@example.kz");
  ASSERT_THAT(exported.documents(), SizeIs(1));
  EXPECT_TRUE(exported.documents(0).content().empty());
  ASSERT_TRUE(Call(&Stub::ExportMyData, v1::ExportMyDataRequest(), &exported,
                   Token("student-9", Role::kApplicant))
                  .ok());
  EXPECT_THAT(exported.applications(), SizeIs(0));
}

// Five years (1826 days) after its call closed an application keeps no
// personal data; a day less and it keeps it.
TEST_F(ApplicationsServiceTest, RetentionAnonymisesOnlyWhatPassedItsPeriod) {
  v1::Call old_call = CreateCall("spring-2027");
  v1::Call recent_call = CreateCall("autumn-2027");
  v1::Application old_one = Create(StudentDraft(old_call.name()), "student-1");
  ASSERT_TRUE(Submit(old_one.name(), "student-1").ok());
  v1::Application recent =
      Create(StudentDraft(recent_call.name()), "student-2");
  v1::CreateDocumentRequest upload;
  upload.set_parent(old_one.name());
  upload.mutable_document()->set_file_name("cv.pdf");
  upload.mutable_document()->set_document_type("CV");
  upload.mutable_document()->set_content("%PDF-1.4 cv");
  v1::Document document;
  ASSERT_FALSE(Call(&Stub::CreateDocument, upload, &document,
                    Token("student-1", Role::kApplicant))
                   .ok());  // Submitted: no more documents.
  ASSERT_TRUE(applications_db_
                  ->Transact(CallLimit::Within(absl::Seconds(10)),
                             [](pqxx::transaction_base& txn) {
                               txn.exec(
                                   "UPDATE calls SET open_time = now() - "
                                   "interval '1900 days', close_time = CASE id "
                                   "WHEN 'spring-2027' THEN now() - interval "
                                   "'1826 days 1 minute' ELSE now() - "
                                   "interval '1825 days' END");
                               return absl::OkStatus();
                             })
                  .ok());
  PgTransactor<ApplicationsStore, PgApplicationsStore> store(
      applications_db_.get());
  PersonalData personal_data(&store, absl::Hours(24) * 1826);
  auto anonymised =
      personal_data.AnonymiseExpired(CallLimit::Within(absl::Seconds(30)));
  ASSERT_TRUE(anonymised.ok()) << anonymised.status();
  EXPECT_EQ(*anonymised, 1);
  v1::Application gone = Get(old_one.name());
  EXPECT_TRUE(gone.applicant().given_name().empty());
  EXPECT_TRUE(gone.applicant().email().empty());
  EXPECT_TRUE(gone.motivation().empty());
  EXPECT_EQ(gone.owner(), "anonymised");
  EXPECT_EQ(gone.history(0).actor(), "anonymised");
  EXPECT_TRUE(gone.has_anonymise_time());
  EXPECT_EQ(gone.condition_id(), "kz-lv-studies");  // Statistics remain.
  EXPECT_EQ(Get(recent.name()).applicant().given_name(), "Aigerim");
  // The applicant's own reading finds nothing of theirs any more.
  v1::GetApplicationRequest get;
  get.set_name(old_one.name());
  v1::Application read;
  EXPECT_EQ(Call(&Stub::GetApplication, get, &read,
                 Token("student-1", Role::kApplicant))
                .code(),
            absl::StatusCode::kNotFound);
  // Run again: nothing more to do.
  EXPECT_EQ(
      *personal_data.AnonymiseExpired(CallLimit::Within(absl::Seconds(30))), 0);
}

// Every transition from every state: one application is brought to each of
// the thirteen states, then every step that state does not allow is refused
// with FAILED_PRECONDITION and changes nothing.
TEST_F(ApplicationsServiceTest, EveryTransitionFromEveryState) {
  using State = v1::Application::State;
  using D = v1::DecideApplicationRequest;
  v1::Call call = CreateCall();
  const std::string host = Token("ewp:va.lv", Role::kPartnerSystem, kLv);
  v1::Application out;
  auto withdraw = [&](const v1::Application& a) {
    v1::WithdrawApplicationRequest r;
    r.set_name(a.name());
    return Call(&Stub::WithdrawApplication, r, &out,
                Token(a.owner(), Role::kApplicant));
  };
  auto cancel = [&](const v1::Application& a) {
    v1::CancelApplicationRequest r;
    r.set_name(a.name());
    return Call(&Stub::CancelApplication, r, &out, Coordinator());
  };
  auto nominate = [&](const v1::Application& a) {
    v1::NominateApplicationRequest r;
    r.set_name(a.name());
    return Call(&Stub::NominateApplication, r, &out, Coordinator());
  };
  auto answer = [&](const v1::Application& a, bool accepted,
                    const std::string& token) {
    v1::RecordHostDecisionRequest r;
    r.set_name(a.name());
    r.set_accepted(accepted);
    return Call(&Stub::RecordHostDecision, r, &out, token);
  };
  auto start = [&](const v1::Application& a) {
    v1::StartMobilityRequest r;
    r.set_name(a.name());
    *r.mutable_actual_start_date() = ToDate(absl::CivilDay(2027, 2, 1));
    return Call(&Stub::StartMobility, r, &out, Coordinator());
  };
  auto complete = [&](const v1::Application& a) {
    v1::CompleteMobilityRequest r;
    r.set_name(a.name());
    *r.mutable_actual_end_date() = ToDate(absl::CivilDay(2027, 6, 30));
    *r.mutable_final_report_date() = ToDate(absl::CivilDay(2027, 7, 5));
    return Call(&Stub::CompleteMobility, r, &out, Coordinator());
  };
  int n = 0;
  auto fresh = [&] {
    return Create(StudentDraft(call.name()), absl::StrCat("student-", ++n));
  };
  auto reviewed = [&] {
    ++n;
    return Reviewed(call.name(), absl::StrCat("student-", n), 50 + n);
  };
  auto selected = [&] {
    v1::Application a = reviewed();
    EXPECT_TRUE(Decide(a.name(), D::SELECTED).ok());
    return Get(a.name());
  };
  std::map<State, v1::Application> in;
  {  // The host rejects first, while no reserve waits for the place.
    v1::Application a = selected();
    EXPECT_TRUE(nominate(a).ok());
    EXPECT_TRUE(answer(a, false, host).ok());
    in[v1::Application::REJECTED_BY_HOST] = Get(a.name());
  }
  in[v1::Application::DRAFT] = fresh();
  {
    v1::Application a = fresh();
    EXPECT_TRUE(Submit(a.name(), a.owner()).ok());
    in[v1::Application::SUBMITTED] = Get(a.name());
  }
  in[v1::Application::UNDER_REVIEW] = Get(reviewed().name());
  in[v1::Application::SELECTED] = selected();
  {
    v1::Application a = selected();
    EXPECT_TRUE(nominate(a).ok());
    in[v1::Application::NOMINATED] = Get(a.name());
  }
  {
    v1::Application a = selected();
    EXPECT_TRUE(nominate(a).ok());
    EXPECT_TRUE(answer(a, true, host).ok());
    in[v1::Application::ACCEPTED_BY_HOST] = Get(a.name());
  }
  {
    v1::Application a = selected();
    EXPECT_TRUE(nominate(a).ok());
    EXPECT_TRUE(answer(a, true, host).ok());
    EXPECT_TRUE(start(a).ok());
    in[v1::Application::IN_MOBILITY] = Get(a.name());
  }
  {
    v1::Application a = selected();
    EXPECT_TRUE(nominate(a).ok());
    EXPECT_TRUE(answer(a, true, host).ok());
    EXPECT_TRUE(start(a).ok());
    gv1::AgreeGrantRequest agree;
    agree.set_name(Get(a.name()).grant());
    *agree.mutable_participant_signed_date() =
        ToDate(absl::CivilDay(2026, 11, 20));
    *agree.mutable_institution_signed_date() =
        ToDate(absl::CivilDay(2026, 11, 20));
    gv1::Grant grant;
    EXPECT_TRUE(Invoke(grants_stub_.get(),
                       &gv1::GrantsService::Stub::AgreeGrant, agree, &grant,
                       Token("finance-1", Role::kFinance))
                    .ok());
    EXPECT_TRUE(complete(a).ok());
    in[v1::Application::COMPLETED] = Get(a.name());
  }
  {
    v1::Application a = reviewed();
    EXPECT_TRUE(Decide(a.name(), D::RESERVE).ok());
    in[v1::Application::RESERVE] = Get(a.name());
  }
  {
    v1::Application a = reviewed();
    EXPECT_TRUE(Decide(a.name(), D::REJECTED).ok());
    in[v1::Application::REJECTED] = Get(a.name());
  }
  {
    v1::Application a = fresh();
    EXPECT_TRUE(withdraw(a).ok());
    in[v1::Application::WITHDRAWN] = Get(a.name());
  }
  {
    v1::Application a = fresh();
    EXPECT_TRUE(cancel(a).ok());
    in[v1::Application::CANCELLED] = Get(a.name());
  }
  ASSERT_EQ(in.size(), 13u);
  for (const auto& [state, a] : in) ASSERT_EQ(a.state(), state);

  // Each step, the states it starts from (or ends in, when repeating it
  // changes nothing).
  const std::set<State> open = {v1::Application::DRAFT,
                                v1::Application::SUBMITTED,
                                v1::Application::UNDER_REVIEW,
                                v1::Application::SELECTED,
                                v1::Application::RESERVE,
                                v1::Application::NOMINATED,
                                v1::Application::ACCEPTED_BY_HOST,
                                v1::Application::IN_MOBILITY};
  struct Step {
    const char* name;
    std::function<absl::Status(const v1::Application&)> run;
    std::set<State> from;
  };
  auto with = [](std::set<State> states, State also) {
    states.insert(also);
    return states;
  };
  const std::vector<Step> steps = {
      {"submit",
       [&](const v1::Application& a) { return Submit(a.name(), a.owner()); },
       {v1::Application::DRAFT}},
      {"evaluate",
       [&](const v1::Application& a) { return Evaluate(a.name(), 60, 6); },
       {v1::Application::SUBMITTED, v1::Application::UNDER_REVIEW}},
      {"select",
       [&](const v1::Application& a) { return Decide(a.name(), D::SELECTED); },
       {v1::Application::UNDER_REVIEW, v1::Application::RESERVE,
        v1::Application::SELECTED}},
      {"reserve",
       [&](const v1::Application& a) { return Decide(a.name(), D::RESERVE); },
       {v1::Application::UNDER_REVIEW, v1::Application::RESERVE}},
      {"reject",
       [&](const v1::Application& a) { return Decide(a.name(), D::REJECTED); },
       {v1::Application::UNDER_REVIEW, v1::Application::RESERVE,
        v1::Application::REJECTED}},
      {"nominate", nominate, {v1::Application::SELECTED}},
      // By the sending office: the host's own system knows only what was
      // submitted to it.
      {"accept",
       [&](const v1::Application& a) { return answer(a, true, Coordinator()); },
       {v1::Application::NOMINATED, v1::Application::ACCEPTED_BY_HOST}},
      {"start", start, {v1::Application::ACCEPTED_BY_HOST}},
      {"complete",
       complete,
       {v1::Application::IN_MOBILITY, v1::Application::COMPLETED}},
      {"withdraw", withdraw, with(open, v1::Application::WITHDRAWN)},
      {"cancel", cancel, with(open, v1::Application::CANCELLED)},
  };
  for (const auto& [state, a] : in) {
    for (const Step& step : steps) {
      if (step.from.count(state) > 0) continue;
      absl::Status refused = step.run(a);
      EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition)
          << step.name << " from " << v1::Application::State_Name(state) << ": "
          << refused;
      EXPECT_EQ(Get(a.name()).state(), state) << step.name;
    }
  }
}

}  // namespace
}  // namespace mobility::applications
