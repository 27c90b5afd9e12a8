#include "tools/bench/office.h"

#include <google/protobuf/util/json_util.h>
#include <openssl/rand.h>

#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/config.h"
#include "common/reference_data.h"
#include "common/types.h"

namespace mobility::bench {
namespace {

namespace av1 = ::mobility::agreements::v1;
namespace apv1 = ::mobility::applications::v1;
namespace gv1 = ::mobility::grants::v1;
namespace iv1 = ::mobility::inquiries::v1;
using AS = av1::AgreementsService::Stub;
using APS = apv1::ApplicationsService::Stub;
using GS = gv1::GrantsService::Stub;
using IS = iv1::InquiriesService::Stub;

constexpr char kAgreementId[] = "bench-capacity";
constexpr char kAgreement[] = "agreements/bench-capacity";
constexpr char kDemoAgreement[] = "agreements/ka171-2025-kz-lv";
constexpr char kKokshetau[] = "institutions/kokshetau-amu";
// Where allocations are taken and released again; the selections have
// conditions of their own, so that no selection fills it.
constexpr char kAllocationCondition[] = "bench";
// Places for selections: the most a condition takes, in as many conditions
// as a run of every workload at 1, 8 and 64 clients selects.
constexpr int kPlacesPerCondition = 1000;
constexpr int kSelectionConditions = 8;
// The demo's files the bench's call, budget and application copy (the bench
// runs in the project's folder).
constexpr char kDemo[] = "deploy/demo/";

std::string ConditionId(int n) { return absl::StrCat("select-", n + 1); }

template <typename Message>
absl::Status ReadDemo(
    const std::string& file,
    const std::vector<std::pair<std::string, std::string>>& placeholders,
    Message* message) {
  auto text = ReadFile(absl::StrCat(kDemo, file));
  if (!text.ok()) return text.status();
  auto status = google::protobuf::util::JsonStringToMessage(
      absl::StrReplaceAll(*text, placeholders), message);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(file, ": ", status.message().ToString()));
  }
  return absl::OkStatus();
}

std::string ToJson(const google::protobuf::Message& message) {
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(message, &json);
  return json;
}

// The string value of "field":"value" in a compact JSON answer.
std::string JsonString(const std::string& json, const std::string& field) {
  const std::string marker = absl::StrCat("\"", field, "\":\"");
  const size_t at = json.find(marker);
  if (at == std::string::npos) return "";
  const size_t start = at + marker.size();
  return json.substr(start, json.find('"', start) - start);
}

}  // namespace

Office::Office(const StackAddresses& stack, const TokenMint& mint, int clients)
    : start_year_(static_cast<int>(
          absl::ToCivilYear(absl::Now(), absl::UTCTimeZone()).year())),
      mint_(mint),
      agreements_channel_(NewChannel(stack.agreements)),
      applications_channel_(NewChannel(stack.applications)),
      grants_channel_(NewChannel(stack.grants)),
      inquiries_channel_(NewChannel(stack.inquiries)),
      coordinator_(agreements_channel_,
                   mint({Role::kCoordinator}, kKokshetau, "bench-coordinator")),
      ledger_(agreements_channel_, mint({Role::kService}, "", "bench-ledger")),
      office_(applications_channel_,
              mint({Role::kCoordinator}, kKokshetau, "bench-coordinator")),
      finance_(grants_channel_, mint({Role::kFinance}, "", "bench-finance")),
      visitors_(inquiries_channel_, "",
                mint({Role::kService}, "", std::string(kGatewaySubject))),
      handler_(inquiries_channel_,
               mint({Role::kInquiryHandler}, "", "bench-handler")),
      admin_(inquiries_channel_, mint({Role::kAdmin}, "", "bench-admin")),
      coordinator_token_(
          mint({Role::kCoordinator}, kKokshetau, "bench-coordinator")),
      handler_token_(mint({Role::kInquiryHandler}, "", "bench-handler")),
      approver_([this, mint](const std::string& institution) {
        return AgreementsCaller(
            agreements_channel_,
            mint({Role::kCoordinator}, institution, "bench-coordinator"));
      }),
      web_(stack.gateway, clients) {
  uint32_t run = 0;
  RAND_bytes(reinterpret_cast<unsigned char*>(&run), sizeof(run));
  run_ = absl::StrFormat("%08x", run);
  for (int c = 0; c < clients; ++c) {
    applicant_tokens_.push_back(
        mint({Role::kApplicant}, "", absl::StrCat("bench-applicant-", c)));
  }
}

absl::StatusOr<std::unique_ptr<Office>> Office::Open(
    const StackAddresses& stack, const AgreementsCaller& source,
    const TokenMint& mint, int clients) {
  std::unique_ptr<Office> office(new Office(stack, mint, clients));
  if (auto s = office->EnsureAgreement(source); !s.ok()) return s;
  if (auto s = office->EnsureCall(); !s.ok()) return s;
  if (auto s = office->EnsureOffice(); !s.ok()) return s;
  return office;
}

std::string Office::RequestId() {
  return absl::StrFormat("%s-0000-4000-8000-%012x", run_,
                         sequence_.fetch_add(1));
}

// A copy of the demo KA171 agreement with the condition for allocations and
// those for selections, each with the most places a condition may have,
// approved by both partners.
absl::Status Office::EnsureAgreement(const AgreementsCaller& source) {
  av1::Agreement demo;
  av1::GetAgreementRequest get;
  get.set_name(kAgreement);
  if (coordinator_(&AS::GetAgreement, get, &demo).ok()) return absl::OkStatus();
  get.set_name(kDemoAgreement);
  if (auto s = source(&AS::GetAgreement, get, &demo); !s.ok()) return s;
  for (const auto& partner : demo.partners()) {
    av1::GetInstitutionRequest read;
    read.set_name(partner.institution());
    av1::CreateInstitutionRequest copy;
    if (auto s = source(&AS::GetInstitution, read, copy.mutable_institution());
        !s.ok()) {
      return s;
    }
    copy.set_institution_id(
        std::string(absl::StripPrefix(partner.institution(), "institutions/")));
    copy.mutable_institution()->clear_name();
    copy.mutable_institution()->clear_create_time();
    copy.mutable_institution()->clear_update_time();
    copy.mutable_institution()->clear_etag();
    av1::Institution made;
    auto s = coordinator_(&AS::CreateInstitution, copy, &made);
    if (!s.ok() && s.code() != absl::StatusCode::kAlreadyExists) return s;
  }
  av1::CreateAgreementRequest create;
  create.set_agreement_id(kAgreementId);
  create.set_request_id(RequestId());
  av1::Agreement* a = create.mutable_agreement();
  a->set_programme(demo.programme());
  a->set_reference_number("BENCH-CAPACITY");
  a->set_title("Load test agreement of mobility_bench");
  *a->mutable_partners() = demo.partners();
  a->set_first_academic_year(FormatAcademicYear(start_year_));
  a->set_last_academic_year(FormatAcademicYear(start_year_));
  // The demo's student condition, with the same stay per mobility.
  const av1::CooperationCondition& studies = demo.cooperation_conditions(0);
  const int scale = kPlacesPerCondition / studies.mobilities_per_year();
  int months = 0;
  if (!absl::SimpleAtoi(studies.total_months_per_year(), &months))
    return absl::FailedPreconditionError("the demo condition has no months");
  for (int n = -1; n < kSelectionConditions; ++n) {
    av1::CooperationCondition* condition = a->add_cooperation_conditions();
    *condition = studies;
    condition->set_id(n < 0 ? kAllocationCondition : ConditionId(n));
    condition->set_mobilities_per_year(kPlacesPerCondition);
    condition->set_total_months_per_year(absl::StrCat(months * scale));
  }
  av1::Agreement created;
  if (auto s = coordinator_(&AS::CreateAgreement, create, &created); !s.ok())
    return s;
  for (const auto& partner : created.partners()) {
    av1::ApproveAgreementRequest approve;
    approve.set_name(kAgreement);
    approve.set_institution(partner.institution());
    approve.set_content_hash(created.content_hash());
    approve.set_request_id(RequestId());
    av1::Agreement approved;
    // Each partner approves for itself.
    if (auto s = approver_(partner.institution())(&AS::ApproveAgreement,
                                                  approve, &approved);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

// The demo's call and budget, for the bench's places: open since yesterday,
// and a budget that pays every selection's grant.
absl::Status Office::EnsureCall() {
  gv1::CreateBudgetRequest budget;
  budget.set_budget_id("bench");
  budget.set_request_id(RequestId());
  if (auto s = ReadDemo("budget-ka171-2024.json", {}, budget.mutable_budget());
      !s.ok()) {
    return s;
  }
  for (auto* money :
       {budget.mutable_budget()->mutable_allocated()->mutable_travel(),
        budget.mutable_budget()
            ->mutable_allocated()
            ->mutable_individual_support()}) {
    money->set_amount_minor(money->amount_minor() * 1000);
  }
  gv1::Budget made;
  if (auto s = finance_(&GS::CreateBudget, budget, &made);
      !s.ok() && s.code() != absl::StatusCode::kAlreadyExists) {
    return s;
  }

  auto opened = OpenCall("bench");
  if (!opened.ok()) return opened.status();

  // The demo student's application for the spring term of that year.
  if (auto s = ReadDemo("application-student.json",
                        {{"__GIVEN__", "Bench"},
                         {"__FAMILY__", "Applicant"},
                         {"__EMAIL__", "applicant@bench.invalid"},
                         {"__NUMBER__", "B-0001"}},
                        &application_);
      !s.ok()) {
    return s;
  }
  application_.set_call(*opened);
  *application_.mutable_start_date() =
      ToDate(absl::CivilDay(start_year_ + 1, 2, 1));
  *application_.mutable_end_date() =
      ToDate(absl::CivilDay(start_year_ + 1, 6, 30));
  // The body as the apply page sends it, written once: the client's cost is
  // not the gateway's.
  apv1::Application a = application_;
  a.set_condition_id(ConditionId(0));
  application_json_ = ToJson(a);
  return absl::OkStatus();
}

absl::StatusOr<std::string> Office::OpenCall(const std::string& call_id) {
  const absl::Time now = absl::Now();
  auto rfc3339 = [](absl::Time t) {
    return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
  };
  apv1::CreateCallRequest call;
  call.set_call_id(call_id);
  call.set_request_id(RequestId());
  if (auto s = ReadDemo("call-spring-2027.json",
                        {{"__OPEN__", rfc3339(now - absl::Hours(24))},
                         {"__CLOSE__", rfc3339(now + absl::Hours(24 * 30))}},
                        call.mutable_call());
      !s.ok()) {
    return s;
  }
  apv1::Call* c = call.mutable_call();
  c->set_title(absl::StrCat("Load test call ", call_id, " of mobility_bench"));
  c->set_agreement(kAgreement);
  c->clear_condition_ids();
  for (int n = 0; n < kSelectionConditions; ++n)
    c->add_condition_ids(ConditionId(n));
  c->set_academic_year(FormatAcademicYear(start_year_));
  c->set_budget("budgets/bench");
  apv1::Call opened;
  auto s = office_(&APS::CreateCall, call, &opened);
  if (!s.ok() && s.code() != absl::StatusCode::kAlreadyExists) return s;
  return absl::StrCat("calls/", call_id);
}

absl::Status Office::EnsureOffice() {
  iv1::CreateOfficeRequest create;
  create.set_office_id("bench");
  create.mutable_office()->set_display_name("Bench office");
  create.mutable_office()->set_active(true);
  iv1::Office made;
  auto s = admin_(&IS::CreateOffice, create, &made);
  return s.code() == absl::StatusCode::kAlreadyExists ? absl::OkStatus() : s;
}

bool Office::AllocateAndRelease(int client) {
  const std::string key =
      absl::StrCat("bench/", run_, "/", client, "/", sequence_.fetch_add(1));
  av1::AllocateMobilityRequest allocate;
  allocate.set_agreement(kAgreement);
  allocate.set_condition_id(kAllocationCondition);
  allocate.set_academic_year(FormatAcademicYear(start_year_));
  allocate.set_allocation_key(key);
  av1::MobilityAllocation allocation;
  if (!ledger_(&AS::AllocateMobility, allocate, &allocation).ok()) return false;
  av1::ReleaseMobilityRequest release;
  release.set_agreement(kAgreement);
  release.set_allocation_key(key);
  return ledger_(&AS::ReleaseMobility, release, &allocation).ok();
}

absl::StatusOr<std::string> Office::CreateAndSubmit(const std::string& call) {
  const ApplicationsCaller applicant(applications_channel_,
                                     NewApplicantToken());
  return CreateAndSubmit(applicant, call);
}

absl::StatusOr<std::string> Office::CreateAndSubmit(
    const ApplicationsCaller& applicant, const std::string& call) {
  apv1::CreateApplicationRequest create;
  *create.mutable_application() = application_;
  create.mutable_application()->set_call(call);
  create.mutable_application()->set_condition_id(
      ConditionId(static_cast<int>(sequence_.load() % kSelectionConditions)));
  create.set_request_id(RequestId());
  apv1::Application made;
  if (auto s = applicant(&APS::CreateApplication, create, &made); !s.ok())
    return s;
  apv1::SubmitApplicationRequest submit;
  submit.set_name(made.name());
  submit.set_request_id(RequestId());
  if (auto s = applicant(&APS::SubmitApplication, submit, &made); !s.ok())
    return s;
  return made.name();
}

// Each submission by an applicant of its own: one may hold one live
// application per call and condition, so a client's own would run out.
std::string Office::NewApplicantToken() {
  return mint_(
      {Role::kApplicant}, "",
      absl::StrCat("bench-applicant-", run_, "-", sequence_.fetch_add(1)));
}

bool Office::SubmitApplication(int) {
  return CreateAndSubmit(application_.call()).ok();
}

bool Office::Web(int client, const std::string& method,
                 const std::string& target, const std::string& body,
                 const std::string& token, const std::string& field,
                 std::string* value) {
  std::string answer;
  if (!web_.Call(client, method, target, body, token, &answer)) return false;
  if (value == nullptr) return true;
  *value = JsonString(answer, field);
  return !value->empty();
}

bool Office::GatewaySubmitApplication(int client) {
  const std::string token = NewApplicantToken();
  std::string name;
  return Web(client, "POST",
             absl::StrCat("/v1/applications?requestId=", RequestId()),
             application_json_, token, "name", &name) &&
         Web(client, "POST", absl::StrCat("/v1/", name, ":submit"),
             absl::StrCat(R"({"requestId": ")", RequestId(), R"("})"), token);
}

absl::Status Office::PrepareSelections(int count) {
  constexpr int kWorkers = 8;
  std::atomic<int> left{count};
  absl::Status failed;
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&] {
      while (left.fetch_sub(1) > 0) {
        // An applicant of its own: one live application per condition each.
        const ApplicationsCaller applicant(applications_channel_,
                                           NewApplicantToken());
        auto name = CreateAndSubmit(applicant, application_.call());
        apv1::EvaluateApplicationRequest evaluate;
        apv1::Application scored;
        absl::Status s = name.status();
        if (s.ok()) {
          evaluate.set_name(*name);
          evaluate.set_request_id(RequestId());
          for (auto [criterion, points] :
               {std::pair{"grades", 80}, {"language", 8}, {"motivation", 8}}) {
            auto* score = evaluate.add_scores();
            score->set_criterion_id(criterion);
            score->set_points(points);
          }
          s = office_(&APS::EvaluateApplication, evaluate, &scored);
        }
        absl::MutexLock lock(&mu_);
        if (!s.ok()) {
          failed = s;
          return;
        }
        scored_.push_back(*name);
      }
    });
  }
  for (auto& w : workers) w.join();
  return failed;
}

absl::StatusOr<std::string> Office::GrantWithPayments() {
  if (auto s = PrepareSelections(1); !s.ok()) return s;
  std::string name;
  if (!TakeScored(&name)) return absl::InternalError("no scored application");
  apv1::DecideApplicationRequest decide;
  decide.set_name(name);
  decide.set_decision(apv1::DecideApplicationRequest::SELECTED);
  decide.set_request_id(RequestId());
  apv1::Application selected;
  if (auto s = office_(&APS::DecideApplication, decide, &selected); !s.ok())
    return s;
  gv1::AgreeGrantRequest agree;
  agree.set_name(selected.grant());
  const absl::CivilDay today =
      absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  *agree.mutable_participant_signed_date() = ToDate(today);
  *agree.mutable_institution_signed_date() = ToDate(today);
  agree.set_request_id(RequestId());
  gv1::Grant grant;
  if (auto s = finance_(&GS::AgreeGrant, agree, &grant); !s.ok()) return s;
  gv1::PrefinanceGrantRequest prefinance;
  prefinance.set_name(selected.grant());
  prefinance.set_request_id(RequestId());
  if (auto s = finance_(&GS::PrefinanceGrant, prefinance, &grant); !s.ok())
    return s;
  gv1::ListPaymentsRequest list;
  list.set_parent(selected.grant());
  gv1::ListPaymentsResponse payments;
  if (auto s = finance_(&GS::ListPayments, list, &payments); !s.ok()) return s;
  if (payments.payments_size() != 1)
    return absl::InternalError("the prefinancing made no payment");
  gv1::ReversePaymentRequest reverse;
  reverse.set_name(payments.payments(0).name());
  reverse.set_request_id(RequestId());
  gv1::Payment reversal;
  if (auto s = finance_(&GS::ReversePayment, reverse, &reversal); !s.ok())
    return s;
  return std::string(absl::StripPrefix(selected.grant(), "grants/"));
}

bool Office::TakeScored(std::string* name) {
  absl::MutexLock lock(&mu_);
  if (scored_.empty()) return false;
  *name = std::move(scored_.front());
  scored_.pop_front();
  return true;
}

bool Office::DecideSelection(int) {
  std::string name;
  if (!TakeScored(&name)) return false;
  apv1::DecideApplicationRequest decide;
  decide.set_name(name);
  decide.set_decision(apv1::DecideApplicationRequest::SELECTED);
  decide.set_request_id(RequestId());
  apv1::Application selected;
  return office_(&APS::DecideApplication, decide, &selected).ok() &&
         !selected.grant().empty();
}

bool Office::GatewayDecideSelection(int client) {
  std::string name, grant;
  return TakeScored(&name) &&
         Web(client, "POST", absl::StrCat("/v1/", name, ":decide"),
             absl::StrCat(R"({"decision": "SELECTED", "requestId": ")",
                          RequestId(), R"("})"),
             coordinator_token_, "grant", &grant);
}

// Each question is new (a repeat within a day is answered as a duplicate,
// which costs less), from a new address (the rate limit counts per e-mail).
iv1::Inquiry Office::Question() {
  const int64_t n = sequence_.fetch_add(1);
  iv1::Inquiry inquiry;
  inquiry.set_kind(iv1::REQUEST);
  inquiry.set_addressee("rector");
  inquiry.set_language("en");
  inquiry.set_subject("Does the grant cover the visa?");
  inquiry.set_text(absl::StrCat("Question ", n, " of bench run ", run_,
                                ": does the grant cover the visa fee?"));
  inquiry.mutable_author()->set_full_name("Bench Author");
  inquiry.mutable_author()->set_email(
      absl::StrCat("author-", run_, "-", n, "@bench.invalid"));
  inquiry.set_consent_to_processing(true);
  return inquiry;
}

// Written as the public form does, not by protobuf's slow printer.
std::string Office::QuestionJson() {
  const iv1::Inquiry q = Question();
  return absl::StrCat(
      R"({"kind": "REQUEST", "addressee": "rector", "language": "en",)",
      R"( "subject": ")", q.subject(), R"(", "text": ")", q.text(),
      R"(", "author": {"fullName": ")", q.author().full_name(),
      R"(", "email": ")", q.author().email(),
      R"("}, "consentToProcessing": true})");
}

// A private address (10/8) of its own for each visitor.
std::string Office::VisitorAddress() {
  const uint64_t n = static_cast<uint64_t>(sequence_.fetch_add(1));
  return absl::StrCat("10.", (n >> 16) % 256, ".", (n >> 8) % 256, ".",
                      n % 256);
}

bool Office::RegisterInquiry(int) {
  iv1::CreateInquiryRequest r;
  *r.mutable_inquiry() = Question();
  iv1::InquiryReceipt receipt;
  return visitors_(&IS::CreateInquiry, r, &receipt, VisitorAddress()).ok();
}

absl::Status Office::RegisterEmailedInquiry() {
  iv1::CreateInquiryRequest r;
  *r.mutable_inquiry() = Question();
  r.mutable_inquiry()->set_channel(iv1::EMAIL);
  r.set_accepted_by_name("Bench Clerk");
  r.set_accepted_by_position("Registry clerk");
  iv1::InquiryReceipt receipt;
  return handler_(&IS::CreateInquiry, r, &receipt);
}

bool Office::GatewayRegisterInquiry(int client) {
  return Web(client, "POST", "/v1/inquiries", QuestionJson(), "");
}

bool Office::RegisterAndAnswerInquiry(int) {
  iv1::CreateInquiryRequest create;
  *create.mutable_inquiry() = Question();
  iv1::InquiryReceipt receipt;
  if (!visitors_(&IS::CreateInquiry, create, &receipt, VisitorAddress()).ok())
    return false;
  iv1::Inquiry inquiry;
  iv1::AssignInquiryRequest assign;
  assign.set_name(receipt.inquiry());
  assign.set_office("offices/bench");
  assign.set_handler("bench-handler");
  if (!handler_(&IS::AssignInquiry, assign, &inquiry).ok()) return false;
  iv1::StartInquiryRequest start;
  start.set_name(receipt.inquiry());
  if (!handler_(&IS::StartInquiry, start, &inquiry).ok()) return false;
  iv1::AnswerInquiryRequest answer;
  answer.set_name(receipt.inquiry());
  answer.mutable_answer()->set_text("Yes: the grant's travel part covers it.");
  answer.mutable_answer()->set_language("en");
  answer.set_request_id(RequestId());
  return handler_(&IS::AnswerInquiry, answer, &inquiry).ok();
}

bool Office::GatewayRegisterAndAnswerInquiry(int client) {
  std::string name;
  return Web(client, "POST", "/v1/inquiries", QuestionJson(), "", "inquiry",
             &name) &&
         Web(client, "POST", absl::StrCat("/v1/", name, ":assign"),
             R"({"office": "offices/bench", "handler": "bench-handler"})",
             handler_token_) &&
         Web(client, "POST", absl::StrCat("/v1/", name, ":start"), "{}",
             handler_token_) &&
         Web(client, "POST", absl::StrCat("/v1/", name, ":answer"),
             absl::StrCat(R"({"answer": {"text": "Yes: the grant's travel )",
                          R"(part covers it.", "language": "en"}, )",
                          R"("requestId": ")", RequestId(), R"("})"),
             handler_token_);
}

}  // namespace mobility::bench
