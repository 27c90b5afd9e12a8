// End to end: the real grants_server asking the real agreements_server over
// gRPC, driven by mobilityctl as a finance officer would; two replicas of it
// keeping their quote caches right through the database's announcements.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <functional>
#include <pqxx/pqxx>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/test_support.h"
#include "tests/e2e_support.h"

namespace mobility {
namespace {

class GrantsEndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = e2e::MakeWorkspace();
    agreements_address_ = absl::StrCat("127.0.0.1:", e2e::FreePort());
    grants_address_ = absl::StrCat("127.0.0.1:", e2e::FreePort());
    const std::string key = "--jwt_public_key_file=" + dir_ + "/public.pem";
    const std::string internal_key =
        "--internal_jwt_public_key_file=" + dir_ + "/internal-public.pem";
    const std::string db = "--database_url=" + database_.url();
    agreements_pid_ =
        e2e::Spawn({AGREEMENTS_SERVER, "--listen=" + agreements_address_, db,
                    key, internal_key},
                   dir_ + "/agreements.log");
    // grants' own internal identity, sent beside the end user's token.
    auto [code, token] = e2e::RunCommand(absl::StrCat(
        "MOBILITY_INTERNAL_JWT_PRIVATE_KEY_FILE=", dir_,
        "/internal-private.pem ", MOBILITYCTL,
        " token --role service --subject grants 2>/dev/null | tail -n 1 > ",
        dir_, "/service.token"));
    ASSERT_EQ(code, 0);
    grants_args_ = {GRANTS_SERVER,
                    db,
                    key,
                    internal_key,
                    "--agreements_address=" + agreements_address_,
                    "--service_token_file=" + dir_ + "/service.token"};
    grants_pid_ = StartGrants(grants_address_, "grants");
    ASSERT_TRUE(e2e::WaitUntilServing(agreements_address_))
        << e2e::ReadFile(dir_ + "/agreements.log");
    ASSERT_TRUE(e2e::WaitUntilServing(grants_address_))
        << e2e::ReadFile(dir_ + "/grants.log");
  }

  pid_t StartGrants(const std::string& address, const std::string& log) {
    std::vector<std::string> args = grants_args_;
    args.push_back("--listen=" + address);
    return e2e::Spawn(args, dir_ + "/" + log + ".log");
  }

  void TearDown() override {
    for (pid_t pid : {agreements_pid_, grants_pid_, replica_pid_}) {
      if (pid > 0) {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
      }
    }
  }

  // mobilityctl against the grants replica at `grants` (the first one when
  // empty).
  std::string Ctl(const std::string& args,
                  const std::string& role = "coordinator",
                  const std::string& grants = "") {
    auto [code, output] = e2e::Mobilityctl(
        dir_,
        absl::StrCat("MOBILITY_AGREEMENTS_ADDRESS=", agreements_address_,
                     " MOBILITY_GRANTS_ADDRESS=",
                     grants.empty() ? grants_address_ : grants),
        args, role);
    exit_code_ = code;
    return output;
  }

  // The demo's two universities and their approved KA107 agreement.
  void CreateApprovedAgreement() {
    Ctl("institutions create --id kokshetau-amu --json " + demo_ +
        "/kokshetau.json");
    ASSERT_EQ(exit_code_, 0);
    Ctl("institutions create --id vidzeme-via --json " + demo_ +
        "/vidzeme.json");
    ASSERT_EQ(exit_code_, 0);
    std::string agreement =
        Ctl("--output=json agreements create --id ka107-2016-kz-lv --json " +
            demo_ + "/agreement-ka107-2016.json");
    ASSERT_EQ(exit_code_, 0) << agreement;
    const std::string hash =
        agreement.substr(agreement.find("\"contentHash\":\"") + 15, 64);
    for (const char* partner :
         {"institutions/kokshetau-amu", "institutions/vidzeme-via"}) {
      Ctl(absl::StrCat(
              "agreements approve agreements/ka107-2016-kz-lv --institution ",
              partner, " --content_hash ", hash),
          e2e::PartnerRole(partner));
      ASSERT_EQ(exit_code_, 0);
    }
  }

  void Sql(const std::string& sql) {
    pqxx::connection db(database_.url());
    pqxx::nontransaction txn(db);
    txn.exec(sql);
  }

  testing::TestDatabase database_;
  std::string dir_, agreements_address_, grants_address_;
  std::vector<std::string> grants_args_;
  pid_t agreements_pid_ = -1, grants_pid_ = -1, replica_pid_ = -1;
  int exit_code_ = 0;
  const std::string demo_ = std::string(PROJECT_SOURCE_DIR) + "/deploy/demo";
};

TEST_F(GrantsEndToEndTest, QuotesAgreesAndReportsThroughBothServices) {
  CreateApprovedAgreement();

  // Staff, 5 days plus 2 travel days at the 2018 group-3 rate, 2764 km from
  // Kokshetau.
  std::string quote = Ctl(
      "grants calculate --json " + demo_ + "/calculation.json", "applicant");
  ASSERT_EQ(exit_code_, 0) << quote;
  EXPECT_TRUE(absl::StrContains(quote, "2764 km")) << quote;
  EXPECT_TRUE(absl::StrContains(quote, "1340.00")) << quote;
  // The agreements service saw who asked on the applicant's behalf.
  constexpr absl::string_view kOnBehalf =
      R"("method":"GetInstitution","status":"OK","reason":"","roles":"applicant","calling_service":"grants")";
  const std::string agreements_log =
      e2e::LogOnceItHolds(dir_ + "/agreements.log", kOnBehalf);
  EXPECT_TRUE(absl::StrContains(agreements_log, kOnBehalf)) << agreements_log;

  Ctl("budgets create --id ka107-2016-kz --json " + demo_ +
          "/budget-ka107-2016.json",
      "finance");
  ASSERT_EQ(exit_code_, 0);
  std::string created = Ctl(
      "--output=json grants create --json " + demo_ + "/grant-ka107-2016.json",
      "finance");
  ASSERT_EQ(exit_code_, 0) << created;
  size_t at = created.find("\"name\":\"grants/");
  ASSERT_NE(at, std::string::npos) << created;
  const std::string grant = created.substr(at + 8, 7 + 32);
  std::string agreed =
      Ctl("grants agree " + grant + " --signed_on 2017-07-03", "finance");
  ASSERT_EQ(exit_code_, 0) << agreed;
  EXPECT_TRUE(absl::StrContains(agreed, "AGREED")) << agreed;

  std::string report = Ctl("budgets report budgets/ka107-2016-kz", "finance");
  EXPECT_TRUE(absl::StrContains(report, "360.00"))
      << report;  // Travel committed.
  EXPECT_TRUE(absl::StrContains(report, "1 agreed grants")) << report;
  std::string csv = Ctl("budgets export budgets/ka107-2016-kz", "finance");
  EXPECT_TRUE(absl::StrContains(csv, "Demo Student"))
      << csv;  // Finance may see the name...
  // ...which never reaches a log.
  const std::string grants_log = e2e::LogOnceItHolds(
      dir_ + "/grants.log", R"("method":"ExportGrants","status":"OK")");
  EXPECT_TRUE(absl::StrContains(grants_log, "ExportGrants")) << grants_log;
  EXPECT_FALSE(absl::StrContains(grants_log, "Demo Student"));

  std::string denied = Ctl("budgets report budgets/ka107-2016-kz", "applicant");
  EXPECT_EQ(exit_code_, 1);
  EXPECT_TRUE(absl::StrContains(denied, "PERMISSION_DENIED")) << denied;
}

// Quotes come from caches (the rate tables, the two institutions) that every
// replica drops when the database announces a change; a grant is priced
// afresh, never from a cache.
TEST_F(GrantsEndToEndTest,
       EveryReplicaQuotesAChangeOnceTheDatabaseAnnouncesIt) {
  CreateApprovedAgreement();
  const std::string replica = absl::StrCat("127.0.0.1:", e2e::FreePort());
  replica_pid_ = StartGrants(replica, "replica");
  ASSERT_TRUE(e2e::WaitUntilServing(replica))
      << e2e::ReadFile(dir_ + "/replica.log");
  // The demo grant's calculation: a student, five months from 2017.
  const std::string grant_json = demo_ + "/grant-ka107-2016.json";
  std::ofstream(dir_ + "/calculation.json") << R"({
    "programme": "KA107", "callYear": 2016, "activity": "STUDENT_STUDIES",
    "sendingInstitution": "institutions/kokshetau-amu",
    "receivingInstitution": "institutions/vidzeme-via",
    "startDate": {"year": 2017, "month": 9, "day": 1},
    "endDate": {"year": 2018, "month": 1, "day": 31}})";
  auto quote = [&](const std::string& grants) {
    return Ctl("grants calculate --json " + dir_ + "/calculation.json",
               "applicant", grants);
  };
  auto quotes_within = [&](const std::string& grants,
                           const std::function<bool(const std::string&)>& ok) {
    return testing::Eventually(absl::Seconds(10),
                               [&] { return ok(quote(grants)); });
  };
  auto has = [](const char* text) {
    return [text](const std::string& q) { return absl::StrContains(q, text); };
  };
  const std::string travel_row =
      "FROM grants.rates WHERE kind = 'TRAVEL' AND programme = 'KA107' AND "
      "min_km = 2000 AND NOT green_travel AND 2016 BETWEEN first_call_year "
      "AND last_call_year";
  for (const std::string& grants : {grants_address_, replica}) {
    std::string q = quote(grants);
    ASSERT_TRUE(absl::StrContains(q, "360.00")) << q;
    ASSERT_TRUE(absl::StrContains(q, "2764 km")) << q;
  }

  // A change made without its announcement (as if it were lost): the quotes
  // shown still come from the caches, but a grant reads the rates afresh.
  Sql("SET session_replication_role = replica; UPDATE grants.rates SET "
      "amount_cents = 37000 WHERE id = (SELECT id " +
      travel_row + ")");
  for (const std::string& grants : {grants_address_, replica})
    EXPECT_TRUE(absl::StrContains(quote(grants), "360.00"));
  Ctl("budgets create --id ka107-2016-kz --json " + demo_ +
          "/budget-ka107-2016.json",
      "finance");
  ASSERT_EQ(exit_code_, 0);
  std::string created =
      Ctl("--output=json grants create --json " + grant_json, "finance");
  ASSERT_EQ(exit_code_, 0) << created;
  EXPECT_TRUE(absl::StrContains(created, "\"amountMinor\":\"37000\""))
      << created;

  // Announced changes: the rate, and the receiving university moved to
  // Lisbon. Each replica quotes them as soon as the announcement reaches it.
  Sql("UPDATE grants.rates SET amount_cents = 38000 WHERE id = (SELECT id " +
      travel_row + ")");
  for (const std::string& grants : {grants_address_, replica})
    EXPECT_TRUE(quotes_within(grants, has("380.00"))) << quote(grants);
  Sql("UPDATE agreements.institutions SET latitude = 38.72, longitude = -9.14 "
      "WHERE id = 'vidzeme-via'");
  for (const std::string& grants : {grants_address_, replica}) {
    EXPECT_TRUE(quotes_within(grants, [](const std::string& q) {
      return absl::StrContains(q, " km one way") &&
             !absl::StrContains(q, "2764 km");
    })) << quote(grants);
  }
}

TEST_F(GrantsEndToEndTest, WithoutTheAgreementsServiceAQuoteIsUnavailable) {
  kill(agreements_pid_, SIGKILL);
  waitpid(agreements_pid_, nullptr, 0);
  agreements_pid_ = -1;
  std::string quote =
      Ctl("grants calculate --json " + demo_ + "/calculation.json");
  EXPECT_EQ(exit_code_, 1);
  EXPECT_TRUE(absl::StrContains(quote, "UNAVAILABLE")) << quote;
}

}  // namespace
}  // namespace mobility
