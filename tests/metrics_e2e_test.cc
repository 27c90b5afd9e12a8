// Issue 26's metrics and alerts: every process of a real stack serves
// Prometheus' text format on a port of its own, counts what it answered, reads
// its gauges from the database, and a real Prometheus (Debian's) scrapes them
// all with the alert rules the project ships.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <pqxx/pqxx>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "common/client.h"
#include "common/test_support.h"
#include "mobility/agreements/v1/agreements.pb.h"
#include "tests/e2e_support.h"

namespace mobility {
namespace {

constexpr const char* kProcesses[] = {"agreements", "applications", "grants",
                                      "inquiries",  "ewp",          "gateway"};

// The value of the series written exactly `series` (name{labels}), or -1.
double Value(const std::string& text, const std::string& series) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!absl::ConsumePrefix(&line, series) || !absl::ConsumePrefix(&line, " "))
      continue;
    double value = 0;
    return absl::SimpleAtod(line, &value) ? value : -1;
  }
  return -1;
}

// The sum of every series of metric `name`, whatever its labels.
double Sum(const std::string& text, const std::string& name) {
  double sum = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!absl::ConsumePrefix(&line, name + "{") &&
        !absl::ConsumePrefix(&line, name + " "))
      continue;
    double value = 0;
    if (absl::SimpleAtod(line.substr(line.rfind(' ') + 1), &value))
      sum += value;
  }
  return sum;
}

std::string UrlEncoded(absl::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.') {
      out += static_cast<char>(c);
    } else {
      absl::StrAppend(&out, "%", absl::Hex(c, absl::kZeroPad2));
    }
  }
  return out;
}

class MetricsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(stack_.Start()); }

  std::string Scrape(const std::string& process) {
    e2e::HttpReply reply = e2e::Http(
        "GET",
        absl::StrCat("http://", stack_.metrics_address(process), "/metrics"));
    EXPECT_EQ(reply.status, 200) << process;
    EXPECT_EQ(reply.headers["content-type"],
              "text/plain; version=0.0.4; charset=utf-8");
    return reply.body;
  }

  absl::Status GetMissingAgreement() {
    grpc::GenericStub stub(NewChannel(stack_.address("agreements")));
    agreements::v1::GetAgreementRequest request;
    request.set_name("agreements/no-such-agreement");
    return e2e::CallRaw(
        stub, "/mobility.agreements.v1.AgreementsService/GetAgreement",
        request.SerializeAsString(),
        testing::TokenFor("alice", {Role::kCoordinator}));
  }

  testing::TestDatabase database_;
  std::string dir_ = e2e::MakeWorkspace();
  e2e::Stack stack_{database_.url(), dir_};
};

TEST_F(MetricsTest, EveryProcessServesWhatPromtoolAccepts) {
  // A call of every kind first, so that every family has series to lint.
  ASSERT_EQ(GetMissingAgreement().code(), absl::StatusCode::kNotFound);
  e2e::Http("GET", absl::StrCat("http://", stack_.gateway(),
                                "/v1/publishedQuestions"));
  for (const char* process : kProcesses) {
    const std::string text = Scrape(process);
    const std::string file = absl::StrCat(dir_, "/", process, ".metrics");
    std::ofstream(file) << text;
    auto [code, output] = e2e::RunCommand(
        absl::StrCat("promtool check metrics < ", file, " 2>&1"));
    EXPECT_EQ(code, 0) << process << ": " << output;
    EXPECT_TRUE(
        absl::StrContains(text, "# TYPE mobility_rpc_calls_total counter") ||
        absl::StrContains(text, "# TYPE mobility_http_requests_total counter"))
        << process;
  }
  const std::string service = Scrape("agreements");
  for (const char* family :
       {"mobility_rpc_in_flight ", "mobility_rpc_queued ",
        "mobility_db_connections{state=\"in_use\"} ",
        "mobility_db_connection_waits_total ",
        "mobility_rpc_overload_refusals_total{method=\"GetAgreement\"} "}) {
    EXPECT_TRUE(absl::StrContains(service, family)) << family;
  }
  EXPECT_TRUE(absl::StrContains(Scrape("gateway"), "mobility_http_in_flight "));
  EXPECT_TRUE(absl::StrContains(Scrape("applications"),
                                "mobility_outbox_oldest_pending_age_seconds "));
}

TEST_F(MetricsTest, CallsAreCountedByMethodAndCodeAndNeverByPath) {
  const std::string not_found =
      "mobility_rpc_calls_total{method=\"GetAgreement\",code=\"NOT_FOUND\"}";
  const std::string timed =
      "mobility_rpc_duration_seconds_count{method=\"GetAgreement\"}";
  const std::string before = Scrape("agreements");
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(GetMissingAgreement().code(), absl::StatusCode::kNotFound);
  const std::string after = Scrape("agreements");
  EXPECT_EQ(Value(after, not_found) - Value(before, not_found), 3);
  EXPECT_EQ(Value(after, timed) - Value(before, timed), 3);
  // Every method's codes are there from the start, so rate() sees a zero.
  EXPECT_EQ(Value(after,
                  "mobility_rpc_calls_total{method=\"CreateAgreement\","
                  "code=\"INTERNAL\"}"),
            0);

  const std::string questions =
      "mobility_http_requests_total{route=\"/v1/publishedQuestions\","
      "method=\"GET\",code=\"200\"}";
  const double first = std::max(0.0, Value(Scrape("gateway"), questions));
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(e2e::Http("GET", absl::StrCat("http://", stack_.gateway(),
                                            "/v1/publishedQuestions"))
                  .status,
              200);
  }
  // A path's values may name a person: the route template is counted.
  e2e::Http("GET", absl::StrCat("http://", stack_.gateway(),
                                "/v1/agreements/aigerim-nurlanovna"));
  const std::string gateway = Scrape("gateway");
  EXPECT_EQ(Value(gateway, questions) - first, 2);
  EXPECT_FALSE(absl::StrContains(gateway, "aigerim")) << gateway;
  EXPECT_TRUE(absl::StrContains(gateway, "route=\"/v1/{name=agreements/*}\""))
      << gateway;
}

TEST_F(MetricsTest, OpenAndOverdueInquiriesAreReadFromTheDatabase) {
  const std::string form =
      e2e::ReadFile(PROJECT_SOURCE_DIR "/deploy/demo/question-web.json");
  ASSERT_EQ(
      e2e::Http("POST",
                absl::StrCat("http://", stack_.gateway(), "/v1/inquiries"),
                form, {"Content-Type: application/json"})
          .status,
      200);
  std::string text = Scrape("inquiries");
  EXPECT_EQ(Sum(text, "mobility_inquiries_open"), 1) << text;
  EXPECT_EQ(Sum(text, "mobility_inquiries_overdue"), 0) << text;
  // No SMTP server is configured: the receipt waits in the outbox.
  EXPECT_GE(Value(text, "mobility_outbox_pending"), 1) << text;
  EXPECT_GE(Value(text, "mobility_outbox_oldest_pending_age_seconds"), 0);

  {
    pqxx::connection admin(database_.url());
    pqxx::work txn(admin);
    txn.exec0(
        "UPDATE inquiries.inquiries SET legal_due_date = current_date - 1");
    txn.commit();
  }
  text = Scrape("inquiries");
  EXPECT_EQ(Sum(text, "mobility_inquiries_overdue"), 1) << text;
  EXPECT_EQ(Sum(text, "mobility_inquiries_open"), 1) << text;
}

// Debian's Prometheus, on the shipped configuration with this stack's ports,
// scrapes every process, evaluates the shipped alerts, and sees a process go.
TEST_F(MetricsTest, PrometheusScrapesEveryProcessWithTheShippedAlerts) {
  std::string config =
      e2e::ReadFile(PROJECT_SOURCE_DIR "/deploy/prometheus/prometheus.yml");
  const std::pair<const char*, const char*> ports[] = {
      {"agreements", "9151"}, {"applications", "9152"}, {"grants", "9153"},
      {"inquiries", "9154"},  {"ewp", "9155"},          {"gateway", "9180"}};
  for (const auto& [process, port] : ports) {
    const std::string shipped = absl::StrCat("127.0.0.1:", port);
    ASSERT_TRUE(absl::StrContains(config, shipped)) << process;
    absl::StrReplaceAll({{shipped, stack_.metrics_address(process)}}, &config);
  }
  absl::StrReplaceAll({{"scrape_interval: 15s", "scrape_interval: 1s"},
                       {"evaluation_interval: 15s", "evaluation_interval: 1s"}},
                      &config);
  std::ofstream(dir_ + "/prometheus.yml") << config;
  std::ofstream(dir_ + "/alerts.yml")
      << e2e::ReadFile(PROJECT_SOURCE_DIR "/deploy/prometheus/alerts.yml");
  const std::string web = absl::StrCat("127.0.0.1:", e2e::FreePort());
  const pid_t prometheus = e2e::Spawn(
      {"/usr/bin/prometheus", "--config.file=" + dir_ + "/prometheus.yml",
       "--storage.tsdb.path=" + dir_ + "/prometheus-data",
       "--web.listen-address=" + web},
      dir_ + "/prometheus.log");
  struct Reaper {
    pid_t pid;
    ~Reaper() {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  } reaper{prometheus};

  // The value of a query's one result ("" while it has none).
  auto query = [&](const std::string& promql) {
    e2e::HttpReply reply = e2e::Http(
        "GET", absl::StrCat("http://", web,
                            "/api/v1/query?query=", UrlEncoded(promql)));
    // ..."value":[1764780000.123,"6"]}]}}
    const size_t value = reply.body.find("\"value\":[");
    const size_t at = reply.body.find(",\"", value);
    if (reply.status != 200 || value == std::string::npos ||
        at == std::string::npos) {
      return reply.body;
    }
    return reply.body.substr(at + 2, reply.body.find('"', at + 2) - at - 2);
  };
  auto within = [&](const std::string& promql, const std::string& value) {
    return testing::Eventually(absl::Seconds(60),
                               [&] { return query(promql) == value; });
  };
  ASSERT_TRUE(within("count(up == 1)", "6"))
      << query("up") << e2e::ReadFile(dir_ + "/prometheus.log");
  EXPECT_TRUE(within("sum(mobility_rpc_calls_total) > bool 0", "1"));
  e2e::HttpReply rules =
      e2e::Http("GET", absl::StrCat("http://", web, "/api/v1/rules"));
  for (const char* alert :
       {"MobilityServerErrors", "MobilityGatewayServerErrors",
        "MobilityOverloaded", "MobilityOutboxStuck", "MobilityInquiryOverdue",
        "MobilityReplicaDown"}) {
    EXPECT_TRUE(absl::StrContains(rules.body, alert)) << alert;
  }
  EXPECT_FALSE(absl::StrContains(rules.body, "\"health\":\"err\""))
      << rules.body;

  stack_.Kill("grants");
  EXPECT_TRUE(within("count(up{job=\"mobility-grants\"} == 0)", "1"))
      << query("up");
  EXPECT_TRUE(
      within("count(ALERTS{alertname=\"MobilityReplicaDown\",job=\"mobility-"
             "grants\"})",
             "1"));
}

TEST(AlertRulesTest, PassTheirOwnTests) {
  for (const char* command : {"promtool check config " PROJECT_SOURCE_DIR
                              "/deploy/prometheus/prometheus.yml",
                              "promtool test rules " PROJECT_SOURCE_DIR
                              "/deploy/prometheus/alerts_test.yml"}) {
    auto [code, output] = e2e::RunCommand(absl::StrCat(command, " 2>&1"));
    EXPECT_EQ(code, 0) << command << "\n" << output;
  }
}

}  // namespace
}  // namespace mobility
