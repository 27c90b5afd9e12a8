// The gateway over real HTTP (libcurl) in front of the real inquiries service
// on PostgreSQL: the public routes without a token, the error shapes, the
// malformed inputs, the client address from a trusted proxy, request ids,
// keep-alive, CORS, readiness, and overload.
#include "services/gateway/gateway.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <functional>
#include <pqxx/pqxx>
#include <thread>

#include "absl/strings/str_replace.h"
#include "services/gateway/contracts.h"
#include "services/gateway/openapi.h"
#include "services/inquiries/inquiries_test_fixture.h"
#include "tests/e2e_support.h"

namespace mobility::gateway {
namespace {

using ::testing::HasSubstr;

using e2e::HttpReply;

class GatewayTest : public inquiries::InquiriesTest {
 protected:
  void SetUp() override {
    // The services' health, which /readyz asks.
    grpc::EnableDefaultHealthCheckService(true);
    InquiriesTest::SetUp();
    token_file_ = absl::StrCat(
        ::testing::TempDir(), "/gateway-",
        ::testing::UnitTest::GetInstance()->current_test_info()->name(),
        ".token");
    std::ofstream(token_file_)
        << testing::TokenFor("gateway", {Role::kService});
    StartGateway();
  }
  void TearDown() override {
    gateway_.reset();
    InquiriesTest::TearDown();
  }

  void StartGateway(const std::function<void(GatewayOptions&)>& adjust = {}) {
    gateway_.reset();
    GatewayOptions options;
    options.listen_address = "127.0.0.1:0";
    // A target with a scheme, as several replicas would be named.
    const std::string here = absl::StrCat("dns:///127.0.0.1:", port_);
    // Only inquiries runs here; the other services' routes go nowhere.
    for (const std::string& service : ServedServices())
      options.backends[service] = here;
    options.service_token_file = token_file_;
    options.trusted_proxies = {"127.0.0.1"};
    options.cors_origins = {"https://apply.kokshetau.example"};
    auto router = Router::FromServices(
        *google::protobuf::DescriptorPool::generated_pool(), ServedServices());
    ASSERT_TRUE(router.ok());
    auto openapi = OpenApiDocument(*router);
    ASSERT_TRUE(openapi.ok()) << openapi.status();
    options.openapi_json = *openapi;
    options.static_dir = WEB_DIR;
    if (adjust) adjust(options);
    gateway_ = std::make_unique<Gateway>(options, *std::move(router));
    ASSERT_TRUE(gateway_->Start().ok());
  }

  HttpReply Http(const std::string& method, const std::string& target,
                 const std::string& body = "",
                 const std::vector<std::string>& headers = {}) {
    return client_.Call(
        method, absl::StrCat("http://127.0.0.1:", gateway_->port(), target),
        body, headers);
  }

  static std::string Field(const std::string& json, const std::string& key) {
    return e2e::JsonField(json, key);
  }

  static constexpr char kQuestion[] =
      R"({"kind": "REQUEST", "addressee": "rector", "language": "en",
          "subject": "Grant", "text": "Does the grant cover the visa?",
          "author": {"fullName": "Dana Seitkali", "email": "dana@example.kz"},
          "consentToProcessing": true})";

  e2e::HttpClient client_;
  std::string token_file_;
  std::unique_ptr<Gateway> gateway_;
};

TEST_F(GatewayTest, APublicQuestionIsAskedAndTrackedWithoutAToken) {
  HttpReply created = Http("POST", "/v1/inquiries", kQuestion);
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(created.headers["content-type"], "application/json");
  const std::string number = Field(created.body, "registrationNumber");
  const std::string code = Field(created.body, "trackingCode");
  EXPECT_EQ(number, "2026-000001");
  EXPECT_THAT(created.body, HasSubstr(R"("channel":"WEB")"));

  HttpReply tracked =
      Http("POST", "/v1/inquiries:track",
           absl::StrCat(R"({"registrationNumber": ")", number,
                        R"(", "trackingCode": ")", code, R"("})"));
  ASSERT_EQ(tracked.status, 200) << tracked.body;
  EXPECT_THAT(tracked.body, HasSubstr(R"("state":"REGISTERED")"));
  EXPECT_EQ(tracked.new_connections, 0);  // The same connection, kept alive.

  HttpReply wrong =
      Http("POST", "/v1/inquiries:track",
           absl::StrCat(R"({"registrationNumber": ")", number,
                        R"(", "trackingCode": "AAAA-AAAA-AAAA-AAAA-AAAA"})"));
  EXPECT_EQ(wrong.status, 404);
  EXPECT_THAT(wrong.body,
              HasSubstr(R"({"error":{"code":404,"message":"no inquiry has)"));
  EXPECT_THAT(wrong.body, HasSubstr(R"("status":"NOT_FOUND")"));
  EXPECT_THAT(wrong.body, HasSubstr(R"("reason":"INQUIRY_NOT_FOUND")"));

  // The office's reads need a token, and the right one.
  EXPECT_EQ(Http("GET", "/v1/inquiries").status, 401);
  EXPECT_EQ(Http("GET", "/v1/inquiries", "",
                 {"Authorization: Bearer " +
                  testing::TokenFor("s", {Role::kApplicant})})
                .status,
            403);
  HttpReply queue = Http("GET", "/v1/inquiries?pageSize=10&states=REGISTERED",
                         "", {"Authorization: Bearer " + Handler()});
  EXPECT_EQ(queue.status, 200) << queue.body;
  EXPECT_THAT(queue.body, HasSubstr(number));
}

TEST_F(GatewayTest, MalformedRequestsGetTheirReason) {
  auto reason = [&](const HttpReply& r) { return Field(r.body, "reason"); };
  HttpReply r = Http("POST", "/v1/inquiries", "{\"kind\": ");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(reason(r), "MALFORMED_JSON");
  r = Http("POST", "/v1/inquiries", R"({"colour": "red"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(reason(r), "MALFORMED_JSON");
  r = Http("POST", "/v1/inquiries", R"({"subject": 12})");
  EXPECT_EQ(r.status, 400);
  r = Http("GET", "/v1/publishedQuestions?pageSize=lots");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(reason(r), "BAD_PARAMETER");
  EXPECT_THAT(r.body, HasSubstr(R"("field":"pageSize")"));
  r = Http("GET", "/v1/nothing/here");
  EXPECT_EQ(r.status, 404);
  r = Http("PUT", "/v1/inquiries");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers["allow"], "GET, POST");
  // The service's own validation, field by field.
  r = Http("POST", "/v1/inquiries", R"({"kind": "REQUEST"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr(R"("field":"inquiry.subject")"));

  StartGateway([](GatewayOptions& o) { o.max_body_bytes = 1024; });
  r = Http("POST", "/v1/inquiries",
           absl::StrCat(R"({"text": ")", std::string(2000, 'x'), R"("})"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(reason(r), "BODY_TOO_LARGE");
}

// Behind a trusted proxy the address limited is the one X-Forwarded-For
// names; past the limit, 429 with Retry-After.
TEST_F(GatewayTest, RateLimitsCountTheForwardedClientAddress) {
  settings_.submissions_per_hour = 2;
  RestartService();
  StartGateway();
  auto ask = [&](int i, const std::string& address) {
    std::string body = kQuestion;
    body.replace(body.find("visa"), 4, absl::StrCat("visa ", i));
    body.replace(body.find("dana@"), 5, absl::StrCat("dana", i, "@"));
    return Http("POST", "/v1/inquiries", body,
                {"X-Forwarded-For: " + address + ", 127.0.0.1"});
  };
  EXPECT_EQ(ask(1, "203.0.113.5").status, 200);
  EXPECT_EQ(ask(2, "203.0.113.5").status, 200);
  HttpReply limited = ask(3, "203.0.113.5");
  EXPECT_EQ(limited.status, 429) << limited.body;
  EXPECT_EQ(limited.headers["retry-after"], "3600");
  EXPECT_EQ(ask(4, "198.51.100.9").status, 200);
}

TEST_F(GatewayTest, RequestIdsCorsAndReadiness) {
  HttpReply r = Http(
      "GET", "/v1/offices", "",
      {"X-Request-Id: trace-42", "Origin: https://apply.kokshetau.example"});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["x-request-id"], "trace-42");
  EXPECT_EQ(r.headers["access-control-allow-origin"],
            "https://apply.kokshetau.example");
  r = Http("GET", "/v1/offices", "", {"Origin: https://elsewhere.example"});
  EXPECT_EQ(r.headers.count("access-control-allow-origin"), 0u);
  EXPECT_EQ(r.headers["x-request-id"].size(), 32u);  // Made when absent.
  r = Http("OPTIONS", "/v1/inquiries", "",
           {"Origin: https://apply.kokshetau.example",
            "Access-Control-Request-Method: POST"});
  EXPECT_EQ(r.status, 204);
  EXPECT_THAT(r.headers["access-control-allow-methods"], HasSubstr("POST"));

  EXPECT_EQ(Http("GET", "/healthz").status, 200);
  EXPECT_EQ(Http("GET", "/readyz").status, 200);
  server_->Shutdown();
  HttpReply down = Http("GET", "/readyz");
  EXPECT_EQ(down.status, 503);
  EXPECT_THAT(down.body, HasSubstr("InquiriesService"));
  EXPECT_EQ(Http("GET", "/v1/offices").status, 503);
  StartService();  // TearDown shuts it down again.
}

// The API reference, generated from the contracts with their comments, and
// the page that shows it, served by the gateway itself.
TEST_F(GatewayTest, OpenApiDocumentAndDocsPage) {
  HttpReply spec = Http("GET", "/openapi.json");
  ASSERT_EQ(spec.status, 200);
  EXPECT_THAT(spec.body, HasSubstr(R"("openapi":"3.0.3")"));
  EXPECT_THAT(spec.body,
              HasSubstr(R"("/v1/{name=inquiries/*}:extend":{"post":)"));
  // A method's comment from the .proto, and a field's.
  EXPECT_THAT(spec.body, HasSubstr("to at most 2 months"));
  EXPECT_THAT(spec.body, HasSubstr("Unique and gap-free per year"));
  EXPECT_THAT(spec.body,
              HasSubstr(R"("name":"dueWithinWorkingDays","in":"query")"));
  HttpReply docs = Http("GET", "/docs");
  ASSERT_EQ(docs.status, 200);
  EXPECT_EQ(docs.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_THAT(docs.body, HasSubstr("/docs/docs.js"));
  EXPECT_EQ(Http("GET", "/docs/docs.js").status, 200);
  EXPECT_EQ(Http("GET", "/docs/../../README.md").status, 404);
  EXPECT_EQ(Http("GET", "/docs/missing.js").status, 404);
}

}  // namespace
}  // namespace mobility::gateway

namespace mobility::gateway {
namespace {

// Overload as on the gRPC path: with max_in_flight calls waiting on the
// service, the next request is answered 503 OVERLOADED at once; the waiting
// ones are answered when the service is, and nothing hangs.
TEST_F(GatewayTest, PastMaxInFlightTheAnswerIs503AtOnce) {
  StartGateway([](GatewayOptions& o) { o.max_in_flight = 2; });
  // One registration makes the year's counter row; holding it makes the
  // next registrations wait in the database.
  ASSERT_EQ(Http("POST", "/v1/inquiries", kQuestion).status, 200);
  pqxx::connection holder(database_.url());
  pqxx::work lock(holder);
  lock.exec("SELECT * FROM inquiries.registration_counters FOR UPDATE");

  std::vector<HttpReply> waited(2);
  std::vector<std::thread> callers;
  for (int i = 0; i < 2; ++i) {
    callers.emplace_back([&, i] {
      e2e::HttpClient own;
      const std::string question = absl::StrReplaceAll(
          kQuestion, {{"dana@", absl::StrCat("dana", i, "@")}});
      waited[i] = own.Call(
          "POST",
          absl::StrCat("http://127.0.0.1:", gateway_->port(), "/v1/inquiries"),
          question, {});
    });
  }
  // Both wait on the lock: the gateway has two calls in flight.
  pqxx::connection watcher(database_.url());
  for (int tries = 0;; ++tries) {
    pqxx::nontransaction read(watcher);
    const int waiting =
        read.exec1(
                "SELECT count(*) FROM pg_stat_activity WHERE "
                "wait_event_type = 'Lock' AND datname = current_database()")[0]
            .as<int>();
    if (waiting == 2) break;
    ASSERT_LT(tries, 500) << "the registrations never reached the lock";
    absl::SleepFor(absl::Milliseconds(10));
  }

  HttpReply refused = Http("GET", "/v1/publishedQuestions");
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(Field(refused.body, "reason"), "OVERLOADED");

  lock.abort();
  for (auto& t : callers) t.join();
  for (const HttpReply& reply : waited)
    EXPECT_EQ(reply.status, 200) << reply.body;
  // With the calls answered, the gateway takes new ones again.
  EXPECT_EQ(Http("GET", "/v1/publishedQuestions").status, 200);
}

}  // namespace
}  // namespace mobility::gateway

namespace mobility::gateway {
namespace {

// What the office pages need to sign in at the identity provider: nothing
// until one is configured.
TEST_F(GatewayTest, TheIdentityProviderIsNamedOnlyWhenConfigured) {
  EXPECT_EQ(Http("GET", "/auth/provider").status, 404);
  const std::string provider =
      R"({"issuer":"https://idp.kuam.kz","clientId":"mobility-office"})";
  StartGateway([&](GatewayOptions& o) {
    o.identity_provider_json = provider;
    o.identity_provider_origin = "https://idp.kuam.kz";
  });
  HttpReply named = Http("GET", "/auth/provider");
  EXPECT_EQ(named.status, 200);
  EXPECT_EQ(named.body, provider);
  // The pages may fetch the provider's keys and token endpoint, and from no
  // other origin.
  EXPECT_THAT(named.headers["content-security-policy"],
              HasSubstr("connect-src 'self' https://idp.kuam.kz;"));
}

// The demo's staff sign-in: off unless a development key is configured;
// with one, an office role and a subject get a token the services accept.
TEST_F(GatewayTest,
       TheDevelopmentSignInHandsOutOfficeTokensOnlyWhenConfigured) {
  EXPECT_EQ(
      Http("POST", "/dev/token", R"({"role": "admin", "subject": "a"})").status,
      404);
  // Per test: ctest runs tests side by side, each rewriting its own file.
  const std::string key = absl::StrCat(
      ::testing::TempDir(), "/dev-key-",
      ::testing::UnitTest::GetInstance()->current_test_info()->name(), ".pem");
  std::ofstream(key) << testing::TestKeys().private_pem;
  StartGateway([&](GatewayOptions& o) { o.dev_signing_key_file = key; });
  HttpReply signed_in =
      Http("POST", "/dev/token",
           R"({"role": "inquiry_handler", "subject": "aigerim",)"
           R"( "institution": "institutions/kokshetau-amu"})");
  ASSERT_EQ(signed_in.status, 200) << signed_in.body;
  const std::string token = Field(signed_in.body, "token");
  EXPECT_EQ(Http("GET", "/v1/inquiries", "", {"Authorization: Bearer " + token})
                .status,
            200);
  EXPECT_EQ(Http("POST", "/dev/token",
                 R"({"role": "coordinator", "subject": "c",)"
                 R"( "institution": "institutions/kokshetau-amu"})")
                .status,
            200);
  for (
      const char* refused :
      {R"({"role": "applicant", "subject": "a"})",
       R"({"role": "service", "subject": "a"})",
       R"({"role": "inquiry_handler", "subject": "Not A Subject"})",
       R"({"role": "coordinator", "subject": "c", "institution": "kokshetau"})",
       "[1]"}) {
    HttpReply reply = Http("POST", "/dev/token", refused);
    EXPECT_EQ(reply.status, 400) << refused << ": " << reply.body;
  }
}

}  // namespace
}  // namespace mobility::gateway

namespace mobility::gateway {
namespace {

// A bare TCP connection to the gateway, for what an HTTP library will not
// send or will read for us.
class RawConnection {
 public:
  // `receive_buffer` > 0 makes the client's socket buffer that small, so an
  // answer it does not read stays with the server.
  explicit RawConnection(int port, int receive_buffer = 0)
      : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    if (receive_buffer > 0) {
      setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer,
                 sizeof(receive_buffer));
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&address),
                         sizeof(address)) == 0;
    timeval timeout{10, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  }
  ~RawConnection() { close(fd_); }
  bool connected() const { return connected_; }
  void Send(const std::string& bytes) {
    ASSERT_EQ(send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(bytes.size()));
  }
  // Everything until the server closes the connection; `closed` tells whether
  // it did within the receive timeout. With a `pause`, a slow reader: 4 KiB,
  // then the pause.
  std::string ReadToEnd(bool* closed,
                        absl::Duration pause = absl::ZeroDuration()) {
    std::string out;
    char chunk[65536];
    const size_t size = pause > absl::ZeroDuration() ? 4096 : sizeof(chunk);
    for (;;) {
      const ssize_t n = recv(fd_, chunk, size, 0);
      if (n > 0) {
        out.append(chunk, static_cast<size_t>(n));
        absl::SleepFor(pause);
        continue;
      }
      *closed = n == 0 || (n < 0 && errno == ECONNRESET);
      return out;
    }
  }

 private:
  int fd_;
  bool connected_ = false;
};

int Count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos;
       at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

// Issue 20: POST /dev/token {"role": "admin"} with no credentials gave an
// 8-hour admin token signed with the key every service trusts.
TEST_F(GatewayTest, TheDevelopmentSignInMintsNoPowerfulTokensAndOnlyHere) {
  // Per test: ctest runs tests side by side, each rewriting its own file.
  const std::string key = absl::StrCat(
      ::testing::TempDir(), "/dev-key-",
      ::testing::UnitTest::GetInstance()->current_test_info()->name(), ".pem");
  std::ofstream(key) << testing::TestKeys().private_pem;
  StartGateway([&](GatewayOptions& o) { o.dev_signing_key_file = key; });
  const std::string kokshetau =
      R"(, "institution": "institutions/kokshetau-amu"})";
  for (const char* role : {"admin", "service", "applicant", "partner_system"}) {
    HttpReply reply = Http(
        "POST", "/dev/token",
        absl::StrCat(R"({"role": ")", role, R"(", "subject": "x")", kokshetau));
    EXPECT_EQ(reply.status, 400) << role << ": " << reply.body;
    EXPECT_THAT(reply.body, HasSubstr(R"("field":"role")")) << role;
  }
  // Staff act for an institution.
  HttpReply nowhere =
      Http("POST", "/dev/token", R"({"role": "coordinator", "subject": "c"})");
  EXPECT_EQ(nowhere.status, 400);
  EXPECT_THAT(nowhere.body, HasSubstr(R"("field":"institution")"));
  // An hour, not eight.
  HttpReply signed_in = Http(
      "POST", "/dev/token",
      absl::StrCat(R"({"role": "coordinator", "subject": "c")", kokshetau));
  ASSERT_EQ(signed_in.status, 200) << signed_in.body;
  EXPECT_THAT(signed_in.body, HasSubstr(R"("expiresInSeconds":3600)"));
  // Through a proxy the sign-in is not there, whoever the proxy says it
  // carries.
  for (const char* forwarding :
       {"X-Forwarded-For: 127.0.0.1", "Forwarded: for=127.0.0.1",
        "X-Real-IP: 127.0.0.1", "X-Forwarded-Host: localhost"}) {
    HttpReply proxied = Http(
        "POST", "/dev/token",
        absl::StrCat(R"({"role": "coordinator", "subject": "c")", kokshetau),
        {forwarding});
    EXPECT_EQ(proxied.status, 404) << forwarding;
  }
}

TEST_F(GatewayTest, EveryAnswerCarriesTheSecurityHeaders) {
  for (const char* target : {"/", "/ask/", "/v1/publishedQuestions",
                             "/no/such/path", "/openapi.json"}) {
    HttpReply reply = Http("GET", target);
    EXPECT_THAT(reply.headers["content-security-policy"],
                HasSubstr("default-src 'self'"))
        << target;
    EXPECT_THAT(reply.headers["content-security-policy"],
                HasSubstr("frame-ancestors 'none'"))
        << target;
    EXPECT_EQ(reply.headers["x-frame-options"], "DENY") << target;
    EXPECT_EQ(reply.headers["x-content-type-options"], "nosniff") << target;
    EXPECT_EQ(reply.headers["referrer-policy"], "no-referrer") << target;
  }
}

// Issue 20: any web site could make a visitor's browser submit inquiries or
// ask for sign-in codes with a text/plain form post.
TEST_F(GatewayTest, BodiesAreTakenOnlyAsJson) {
  for (const char* type :
       {"text/plain", "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x", "application/jsonp"}) {
    HttpReply reply = Http("POST", "/v1/inquiries", kQuestion,
                           {std::string("Content-Type: ") + type});
    EXPECT_EQ(reply.status, 415) << type << ": " << reply.body;
    EXPECT_EQ(Field(reply.body, "reason"), "UNSUPPORTED_MEDIA_TYPE");
  }
  EXPECT_EQ(Http("POST", "/v1/inquiries", kQuestion, {"Content-Type:"}).status,
            415);
  EXPECT_EQ(
      Http("GET", "/v1/inquiries", "", {"Authorization: Bearer " + Handler()})
          .status,
      200);  // Nothing to type without a body.
  pqxx::connection sql(database_.url());
  pqxx::work read(sql);
  EXPECT_EQ(read.exec1("SELECT count(*) FROM inquiries.inquiries")[0].as<int>(),
            0);  // Nothing registered.
  read.commit();
  HttpReply typed = Http("POST", "/v1/inquiries", kQuestion,
                         {"Content-Type: Application/JSON; charset=utf-8"});
  EXPECT_EQ(typed.status, 200) << typed.body;
}

// Issue 20: "Transfer-Encoding: chunked, identity" without Content-Length
// was read as two requests, the body becoming a request of its own.
TEST_F(GatewayTest, OnlyPlainChunkedFramingIsTaken) {
  const std::string smuggled =
      "GET /v1/publishedQuestions HTTP/1.1\r\nHost: x\r\n\r\n";
  for (const char* coding : {"chunked, identity", "identity", "gzip, chunked",
                             "chunked\r\n"
                             "Transfer-Encoding: chunked"}) {
    RawConnection connection(gateway_->port());
    ASSERT_TRUE(connection.connected());
    connection.Send(
        absl::StrCat("POST /v1/inquiries:track HTTP/1.1\r\nHost: x\r\n",
                     "Content-Type: application/json\r\n",
                     "Transfer-Encoding: ", coding, "\r\n\r\n", smuggled));
    bool closed = false;
    const std::string answers = connection.ReadToEnd(&closed);
    EXPECT_TRUE(closed) << coding;
    EXPECT_EQ(Count(answers, "x-request-id:"), 1) << coding << ":\n" << answers;
    EXPECT_THAT(answers, HasSubstr("HTTP/1.1 400")) << coding;
    EXPECT_THAT(answers, HasSubstr("MALFORMED_HTTP")) << coding;
  }
  // Chunked alone is read as one body.
  RawConnection connection(gateway_->port());
  connection.Send(
      "POST /v1/inquiries:track HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
      "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
      "2\r\n{}\r\n0\r\n\r\n");
  bool closed = false;
  const std::string answer = connection.ReadToEnd(&closed);
  EXPECT_THAT(answer, HasSubstr("HTTP/1.1 400"));  // An empty track request.
  EXPECT_THAT(answer, HasSubstr("registration_number"));
}

// A client that asks and does not read its answer, or reads it a trickle at a
// time, is cut off after the idle timeout instead of holding the connection
// for ever.
TEST_F(GatewayTest, AClientThatDoesNotReadIsCutOff) {
  const std::string dir = absl::StrCat(::testing::TempDir(), "/big-static");
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/big.json") << std::string(32 << 20, ' ');
  StartGateway([&](GatewayOptions& o) {
    o.static_dir = dir;
    o.idle_timeout = absl::Seconds(1);
  });
  RawConnection connection(gateway_->port(), 4096);
  connection.Send("GET /big.json HTTP/1.1\r\nHost: x\r\n\r\n");
  absl::SleepFor(absl::Seconds(2));  // Reading nothing, past the timeout.
  // Then 4 KiB every 5 ms, at which the whole answer would take 40 s: only a
  // cut-off ends it sooner, however late the server's timer runs.
  bool closed = false;
  const std::string got = connection.ReadToEnd(&closed, absl::Milliseconds(5));
  EXPECT_TRUE(closed);
  EXPECT_LT(got.size(), size_t{32} << 20);  // Cut off, not served whole.
}

}  // namespace
}  // namespace mobility::gateway
