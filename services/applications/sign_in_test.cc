// Applicant sign-in by e-mailed code, on a real PostgreSQL: the code's
// lifetime and tries, the limits, and the token it yields; then the whole way
// through gRPC and a real SMTP server.
#include "services/applications/sign_in.h"

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <regex>

#include "absl/strings/str_cat.h"
#include "common/api.h"
#include "common/client.h"
#include "common/migrations.h"
#include "common/outbox.h"
#include "common/status.h"
#include "common/test_support.h"
#include "services/applications/grpc_service.h"
#include "services/applications/pg_applications_store.h"
#include "tests/e2e_support.h"

namespace mobility {
std::vector<Migration> ApplicationsMigrations();
}  // namespace mobility

namespace mobility::applications {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class SignInTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::OpenSchema(database_.url(), "applications",
                              PgApplicationsStore::Statements(),
                              ApplicationsMigrations());
    store_ =
        std::make_unique<PgTransactor<ApplicationsStore, PgApplicationsStore>>(
            db_.get());
    sign_in_ = std::make_unique<SignIn>(
        store_.get(),
        *TokenSigner::FromPrivateKeyPem(
            testing::ApplicantIssuerKeys().private_pem),
        std::string(kDefaultAudience), [this] { return now_; });
  }

  CallContext Call(const std::string& client = "203.0.113.7") {
    CallContext call;
    call.client_address = client;
    return call;
  }
  // Asks for a code; its attempt becomes the one Session presents.
  absl::Status SendCode(const std::string& email,
                        const std::string& client = "203.0.113.7") {
    v1::SendSignInCodeRequest request;
    request.set_email(email);
    request.set_language("ru");
    auto sent = sign_in_->SendSignInCode(request, Call(client));
    if (sent.ok()) attempt_ = sent->attempt();
    return sent.status();
  }
  absl::StatusOr<v1::ApplicantSession> Session(const std::string& email,
                                               const std::string& code) {
    return Session(email, code, attempt_);
  }
  absl::StatusOr<v1::ApplicantSession> Session(const std::string& email,
                                               const std::string& code,
                                               const std::string& attempt) {
    v1::CreateApplicantSessionRequest request;
    request.set_email(email);
    request.set_code(code);
    request.set_attempt(attempt);
    return sign_in_->CreateApplicantSession(request, Call());
  }
  // The code in the newest mail of the outbox.
  std::string LastCode() {
    std::string body;
    EXPECT_TRUE(db_->Read(CallLimit::Within(absl::Seconds(10)),
                          [&](pqxx::transaction_base& txn) {
                            body = txn.exec1(
                                          "SELECT body FROM outbox ORDER BY "
                                          "id DESC LIMIT 1")[0]
                                       .as<std::string>();
                            return absl::OkStatus();
                          })
                    .ok());
    std::smatch match;
    EXPECT_TRUE(std::regex_search(body, match, std::regex("[0-9]{6}"))) << body;
    return match.str();
  }
  // A six-digit code other than `code`.
  static std::string Other(const std::string& code) {
    return code == "000000" ? "000001" : "000000";
  }

  testing::TestDatabase database_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<PgTransactor<ApplicationsStore, PgApplicationsStore>> store_;
  std::unique_ptr<SignIn> sign_in_;
  std::string attempt_;  // Of the last code asked for.
  absl::Time now_ = absl::FromCivil(absl::CivilSecond(2026, 11, 29, 10, 0, 0),
                                    absl::UTCTimeZone());
};

TEST_F(SignInTest, TheCodeYieldsAnApplicantTokenOnceAndTheSameSubjectAfter) {
  ASSERT_TRUE(SendCode("Aigerim.S@example.kz").ok());
  const std::string code = LastCode();
  auto session = Session("aigerim.s@example.kz", code);  // Case aside.
  ASSERT_TRUE(session.ok()) << session.status();
  EXPECT_THAT(session->applicant(), StartsWith("applicants/"));
  EXPECT_EQ(FromTimestamp(session->expire_time()), now_ + absl::Hours(1));
  TokenPolicy policy;
  policy.applicant_issuer_key_pem = testing::ApplicantIssuerKeys().public_pem;
  auto principal =
      TokenVerifier::FromPublicKeyPem(testing::TestKeys().public_pem, policy)
          ->Verify(session->token(), now_ + absl::Minutes(59));
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->subject, session->applicant());
  EXPECT_EQ(principal->roles, std::set<Role>{Role::kApplicant});
  // Used once.
  auto again = Session("aigerim.s@example.kz", code);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(again.status()), "SIGN_IN_CODE_EXPIRED");
  // The next sign-in is the same applicant; another address is another.
  ASSERT_TRUE(SendCode("aigerim.s@example.kz").ok());
  auto second = Session("aigerim.s@example.kz", LastCode());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->applicant(), session->applicant());
  ASSERT_TRUE(SendCode("daniyar@example.kz").ok());
  auto other = Session("daniyar@example.kz", LastCode());
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->applicant(), session->applicant());
}

TEST_F(SignInTest, ACodeLivesTenMinutes) {
  ASSERT_TRUE(SendCode("a@example.kz").ok());
  const std::string first = LastCode();
  now_ += absl::Minutes(10) - absl::Seconds(1);
  EXPECT_TRUE(Session("a@example.kz", first).ok());
  ASSERT_TRUE(SendCode("a@example.kz").ok());
  const std::string second = LastCode();
  now_ += absl::Minutes(10);
  EXPECT_EQ(Session("a@example.kz", second).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(SignInTest, FiveWrongCodesSpendIt) {
  ASSERT_TRUE(SendCode("a@example.kz").ok());
  const std::string code = LastCode();
  for (int i = 0; i < kSignInAttempts - 1; ++i) {
    auto wrong = Session("a@example.kz", Other(code));
    EXPECT_EQ(wrong.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(FieldViolationsOf(wrong.status()).at(0).field, "code");
  }
  // The fourth wrong try left one: the right code still works.
  EXPECT_TRUE(Session("a@example.kz", code).ok());

  ASSERT_TRUE(SendCode("a@example.kz").ok());
  const std::string next = LastCode();
  for (int i = 0; i < kSignInAttempts; ++i)
    EXPECT_FALSE(Session("a@example.kz", Other(next)).ok());
  EXPECT_EQ(Session("a@example.kz", next).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(SignInTest, EachCodeBelongsToItsAttempt) {
  ASSERT_TRUE(SendCode("a@example.kz").ok());
  const std::string first = LastCode(), first_attempt = attempt_;
  ASSERT_TRUE(SendCode("a@example.kz").ok());
  const std::string second = LastCode();
  if (first != second) {  // One in a million draws the same code.
    EXPECT_FALSE(Session("a@example.kz", first).ok());
    EXPECT_FALSE(Session("a@example.kz", second, first_attempt).ok());
  }
  EXPECT_TRUE(Session("a@example.kz", second).ok());
  EXPECT_TRUE(Session("a@example.kz", first, first_attempt).ok());
}

// Issue 20: five sendCode calls and five wrong codes for a victim's address
// locked the victim out for an hour.
TEST_F(SignInTest, WhoKnowsOnlyTheAddressCannotLockItsOwnerOut) {
  const std::string victim = "victim@example.kz";
  const std::string attacker_client = "198.51.100.66";
  for (int i = 0; i < kSignInCodesPerAddressAndClient; ++i)
    ASSERT_TRUE(SendCode(victim, attacker_client).ok()) << i;
  EXPECT_EQ(SendCode(victim, attacker_client).code(),
            absl::StatusCode::kResourceExhausted);
  // Wrong codes on the attacker's own attempts, and on attempts it invents.
  for (int i = 0; i < 2 * kSignInAttempts; ++i) {
    EXPECT_FALSE(Session(victim, "000000").ok());
    EXPECT_FALSE(Session(victim, "000000", NewResourceId()).ok());
  }
  // The victim, from their own network, asks and signs in at once.
  ASSERT_TRUE(SendCode(victim, "203.0.113.7").ok());
  EXPECT_TRUE(Session(victim, LastCode()).ok());
}

TEST_F(SignInTest, CodesAnHourPerAddressAndClientPerAddressAndPerClient) {
  for (int i = 0; i < kSignInCodesPerAddressAndClient; ++i)
    ASSERT_TRUE(SendCode("a@example.kz").ok()) << i;
  absl::Status sixth = SendCode("a@example.kz");
  EXPECT_EQ(sixth.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(RetryDelayOf(sixth), absl::Hours(1));
  now_ += absl::Hours(1);
  EXPECT_TRUE(SendCode("a@example.kz").ok());
  // One mailbox gets at most so many, from all clients together.
  now_ += absl::Hours(1);
  for (int i = 0; i < kSignInCodesPerAddress; ++i) {
    ASSERT_TRUE(SendCode("box@example.kz", absl::StrCat("192.0.2.", i)).ok())
        << i;
  }
  EXPECT_EQ(SendCode("box@example.kz", "192.0.2.200").code(),
            absl::StatusCode::kResourceExhausted);

  for (int i = 0; i < kSignInCodesPerClient; ++i) {
    ASSERT_TRUE(
        SendCode(absl::StrCat("s", i, "@example.kz"), "198.51.100.9").ok())
        << i;
  }
  EXPECT_EQ(SendCode("late@example.kz", "198.51.100.9").code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(SendCode("late@example.kz", "198.51.100.10").ok());
}

TEST_F(SignInTest, BadInputNamesItsField) {
  for (const char* email : {"", "no-at-sign", "a@b",
                            "a@example.kz\r\nBcc: x@y.z", "<a@example.kz>"}) {
    absl::Status s = SendCode(email);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << email;
    EXPECT_EQ(FieldViolationsOf(s).at(0).field, "email") << email;
  }
  v1::SendSignInCodeRequest request;
  request.set_email("a@example.kz");
  request.set_language("de");
  EXPECT_EQ(
      FieldViolationsOf(sign_in_->SendSignInCode(request, Call()).status())
          .at(0)
          .field,
      "language");
  for (const char* code : {"", "12345", "1234567", "12345a"}) {
    auto s = Session("a@example.kz", code, NewResourceId());
    EXPECT_EQ(FieldViolationsOf(s.status()).at(0).field, "code") << code;
  }
  for (const char* attempt : {"", "not-an-attempt", "0123"}) {
    auto s = Session("a@example.kz", "123456", attempt);
    EXPECT_EQ(FieldViolationsOf(s.status()).at(0).field, "attempt") << attempt;
  }
  // No code was ever sent: the same answer as an expired one.
  EXPECT_EQ(
      Session("never@example.kz", "123456", NewResourceId()).status().code(),
      absl::StatusCode::kFailedPrecondition);
  // Nothing was stored for the refused requests.
  int64_t codes = -1;
  ASSERT_TRUE(db_->Read(CallLimit::Within(absl::Seconds(10)),
                        [&](pqxx::transaction_base& txn) {
                          codes = txn.exec1(
                                         "SELECT count(*) FROM "
                                         "sign_in_codes")[0]
                                      .as<int64_t>();
                          return absl::OkStatus();
                        })
                  .ok());
  EXPECT_EQ(codes, 0);
}

TEST_F(SignInTest, WithoutASigningKeyThereIsNoSignIn) {
  SignIn unconfigured(store_.get(), std::nullopt);
  v1::SendSignInCodeRequest request;
  request.set_email("a@example.kz");
  EXPECT_EQ(unconfigured.SendSignInCode(request, Call()).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

// Issue 20: the outbox kept recipients in clear and codes in unsent mail, and
// mail that failed was retried hourly for ever.
TEST_F(SignInTest, TheOutboxKeepsNoAddressOrCodeLongerThanItsMailNeedsThem) {
  auto row = [&](const std::string& column) {
    std::string value;
    EXPECT_TRUE(db_->Read(CallLimit::Within(absl::Seconds(10)),
                          [&](pqxx::transaction_base& txn) {
                            value = txn.exec1("SELECT coalesce(" + column +
                                              "::text, '-') FROM outbox "
                                              "ORDER BY id DESC LIMIT 1")[0]
                                        .as<std::string>();
                            return absl::OkStatus();
                          })
                    .ok());
    return value;
  };
  const Clock clock = [this] { return now_; };
  // Sent: the recipient and the code go.
  e2e::SmtpSink sink;
  sink.Start();
  SmtpSettings smtp;
  smtp.url = sink.url();
  smtp.from = "international@kokshetau.example";
  ASSERT_TRUE(SendCode("sent@example.kz").ok());
  ASSERT_EQ(*OutboxSender(db_.get(), smtp, clock).DrainOnce(), 1);
  EXPECT_EQ(row("recipient"), "-");
  EXPECT_EQ(row("body"), "-");

  // Past its code's expiry a sign-in mail is never sent.
  ASSERT_TRUE(SendCode("late@example.kz").ok());
  now_ += kSignInCodeLifetime;
  ASSERT_EQ(*OutboxSender(db_.get(), smtp, clock).DrainOnce(), 0);
  EXPECT_EQ(sink.Mails(1).size(), 1u);
  EXPECT_NE(row("dead_time"), "-");
  EXPECT_EQ(row("recipient"), "-");
  EXPECT_EQ(row("body"), "-");
  EXPECT_THAT(row("last_error"), HasSubstr("expired"));

  // A server that never takes it: kMaxMailAttempts tries, then DEAD with
  // the reason.
  SmtpSettings down = smtp;
  down.url = "smtp://127.0.0.1:1";
  ASSERT_TRUE(SendCode("down@example.kz").ok());
  for (int i = 0; i < kMaxMailAttempts; ++i) {
    ASSERT_EQ(row("dead_time"), "-") << i;
    ASSERT_EQ(*OutboxSender(db_.get(), down, clock).DrainOnce(), 0);
    now_ += absl::Minutes(1);  // Within the code's life, past each backoff:
    ASSERT_TRUE(db_->Transact(CallLimit::Within(absl::Seconds(10)),
                              [&](pqxx::transaction_base& txn) {
                                txn.exec(
                                    "UPDATE outbox SET next_attempt_time = "
                                    "'-infinity', expire_time = NULL");
                                return absl::OkStatus();
                              })
                    .ok());
  }
  EXPECT_NE(row("dead_time"), "-");
  EXPECT_THAT(row("last_error"), HasSubstr("gave up after 10 attempts"));
  EXPECT_EQ(row("recipient"), "-");

  // Finished rows go after their retention.
  now_ += kFinishedMailRetention + absl::Hours(1);
  auto purged = OutboxSender(db_.get(), smtp, clock).PurgeFinished();
  ASSERT_TRUE(purged.ok()) << purged.status();
  EXPECT_EQ(*purged, 3);
}

// Through gRPC without a token, the mail through a real SMTP server, and the
// token then accepted by the service for the applicant's own calls.
TEST_F(SignInTest, TheMailArrivesAndTheTokenOpensTheApplicantsCalls) {
  e2e::SmtpSink sink;
  sink.Start();
  auto service = std::make_unique<ApplicationsGrpcService>(
      db_.get(), std::make_shared<ServiceChannel>("127.0.0.1:1", ""),
      std::make_shared<ServiceChannel>("127.0.0.1:1", ""),
      *TokenSigner::FromPrivateKeyPem(
          testing::ApplicantIssuerKeys().private_pem),
      testing::TestDispatcher());
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           &port);
  builder.RegisterService(service.get());
  auto server = builder.BuildAndStart();
  auto stub = v1::ApplicationsService::NewStub(
      NewChannel(absl::StrCat("127.0.0.1:", port)));

  grpc::ClientContext send_context;
  v1::SendSignInCodeRequest send;
  send.set_email("student@example.kz");
  send.set_language("en");
  v1::SendSignInCodeResponse sent;
  ASSERT_TRUE(stub->SendSignInCode(&send_context, send, &sent).ok());
  SmtpSettings smtp;
  smtp.url = sink.url();
  smtp.from = "international@kokshetau.example";
  ASSERT_EQ(*OutboxSender(db_.get(), smtp).DrainOnce(), 1);
  ASSERT_EQ(sink.Mails(1).size(), 1u);
  const std::string mail = sink.Mails(1)[0];
  EXPECT_THAT(mail, HasSubstr("To: <student@example.kz>"));
  EXPECT_THAT(mail, HasSubstr("Message-ID: <applications-"));
  std::smatch code;
  ASSERT_TRUE(std::regex_search(mail, code, std::regex("code is ([0-9]{6})")));

  grpc::ClientContext session_context;
  v1::CreateApplicantSessionRequest create;
  create.set_email("student@example.kz");
  create.set_code(code[1].str());
  create.set_attempt(sent.attempt());
  v1::ApplicantSession session;
  grpc::Status created =
      stub->CreateApplicantSession(&session_context, create, &session);
  ASSERT_TRUE(created.ok()) << created.error_message();

  grpc::ClientContext list_context;
  list_context.AddMetadata("authorization",
                           absl::StrCat("Bearer ", session.token()));
  v1::ListApplicationsResponse listed;
  grpc::Status list = stub->ListApplications(
      &list_context, v1::ListApplicationsRequest(), &listed);
  EXPECT_TRUE(list.ok()) << list.error_message();
  server->Shutdown();
}

}  // namespace
}  // namespace mobility::applications
