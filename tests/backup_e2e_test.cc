// Issue 26's backups: the office's own cluster archives its WAL with
// pgBackRest (deploy/backup.sh); after a full backup and more writes through
// the real services, the state at a point in time is restored into a fresh
// cluster and holds exactly what the source held then: every row of every
// schema, and none written after.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <map>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "common/api.h"
#include "common/client.h"
#include "common/test_support.h"
#include "mobility/applications/v1/documents.pb.h"
#include "mobility/grants/v1/grants.pb.h"
#include "tests/e2e_support.h"

namespace mobility {
namespace {

// A checksum of every row of every table of the services' schemas, by table.
std::map<std::string, std::string> Contents(const std::string& url) {
  pqxx::connection connection(url);
  pqxx::nontransaction txn(connection);
  std::map<std::string, std::string> out;
  for (const auto& row :
       txn.exec("SELECT table_schema || '.' || table_name FROM "
                "information_schema.tables WHERE table_type = 'BASE TABLE' AND "
                "table_schema IN ('agreements', 'applications', 'grants', "
                "'inquiries', 'ewp')")) {
    const std::string table = row[0].as<std::string>();
    out[table] =
        txn.exec1(absl::StrCat("SELECT count(*) || ' ' || md5(coalesce("
                               "string_agg(t::text, E'\\n' ORDER BY t::text), "
                               "'')) FROM ",
                               table, " t"))[0]
            .as<std::string>();
  }
  return out;
}

// The URL a script printed last.
std::string LastUrl(const std::string& output) {
  const size_t at = output.rfind("postgresql://");
  if (at == std::string::npos) return "";
  return std::string(absl::StripTrailingAsciiWhitespace(
      output.substr(at, output.find('\n', at) - at)));
}

class BackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/var/tmp/mobility-backup-test.XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    chmod(dir, 0755);  // The postgres user runs the cluster in it.
    env_ = absl::StrCat("MOBILITY_PG_DIR=", dir_, "/pg");
    auto [code, output] = Script("db.sh start");
    ASSERT_EQ(code, 0) << output;
    url_ = LastUrl(output);
    auto setup = Script("backup.sh setup");
    ASSERT_EQ(setup.first, 0) << setup.second;
  }
  void TearDown() override {
    Script("backup.sh stop-restored " + dir_ + "/restored");
    Script("db.sh destroy");
    e2e::RunCommand("rm -rf " + dir_);
  }

  std::pair<int, std::string> Script(const std::string& command) {
    return e2e::RunCommand(absl::StrCat(env_, " ", PROJECT_SOURCE_DIR,
                                        "/deploy/", command, " 2>&1"));
  }

  // Registers `n` appeals through the gateway; how many were acknowledged.
  int Register(e2e::Stack& stack, int n) {
    const std::string form =
        e2e::ReadFile(PROJECT_SOURCE_DIR "/deploy/demo/question-web.json");
    int acknowledged = 0;
    for (int i = 0; i < n; ++i) {
      const std::string body = absl::StrReplaceAll(
          form, {{"dana.seitkali", absl::StrCat("author", sequence_++)}});
      acknowledged +=
          e2e::Http("POST",
                    absl::StrCat("http://", stack.gateway(), "/v1/inquiries"),
                    body, {"Content-Type: application/json"})
              .status == 200;
    }
    return acknowledged;
  }

  std::string dir_, env_, url_;
  int sequence_ = 0;
};

TEST_F(BackupTest, ARestoreToAPointInTimeHoldsWhatTheSourceHeldThen) {
  e2e::Stack stack(url_, e2e::MakeWorkspace());
  ASSERT_TRUE(stack.Start());
  ASSERT_TRUE(stack.LoadDemo());
  // A payment and a document, which the demo makes none of.
  std::string grant, draft;
  {
    pqxx::connection connection(url_);
    pqxx::nontransaction txn(connection);
    grant = txn.exec1(
                   "SELECT id FROM grants.grants WHERE state = 'AGREED' "
                   "ORDER BY id LIMIT 1")[0]
                .as<std::string>();
    draft = txn.exec1(
                   "SELECT id FROM applications.applications WHERE state = "
                   "'DRAFT' ORDER BY id LIMIT 1")[0]
                .as<std::string>();
  }
  grpc::GenericStub grants(NewChannel(stack.address("grants")));
  grants::v1::PrefinanceGrantRequest prefinance;
  prefinance.set_name("grants/" + grant);
  prefinance.set_request_id(StepRequestId("backup-test:prefinance"));
  const absl::Status prefinanced =
      e2e::CallRaw(grants, "/mobility.grants.v1.GrantsService/PrefinanceGrant",
                   prefinance.SerializeAsString(),
                   testing::TokenFor("finance", {Role::kFinance}));
  ASSERT_TRUE(prefinanced.ok()) << prefinanced << " " << grant;
  grpc::GenericStub applications(NewChannel(stack.address("applications")));
  applications::v1::CreateDocumentRequest document;
  document.set_parent("applications/" + draft);
  document.mutable_document()->set_file_name("transcript.pdf");
  document.mutable_document()->set_document_type("transcript");
  document.mutable_document()->set_content("%PDF-1.7 a transcript");
  const absl::Status uploaded = e2e::CallRaw(
      applications,
      "/mobility.applications.v1.ApplicationsService/CreateDocument",
      document.SerializeAsString(),
      testing::TokenFor("demo-student-1", {Role::kApplicant}));
  ASSERT_TRUE(uploaded.ok()) << uploaded;
  ASSERT_EQ(Register(stack, 5), 5);
  auto full = Script("backup.sh full");
  ASSERT_EQ(full.first, 0) << full.second;
  // pgBackRest picks the backup that ended before the point, to the second.
  absl::SleepFor(absl::Seconds(2));
  // After the backup: these are in the archived WAL only.
  ASSERT_EQ(Register(stack, 5), 5);

  const std::map<std::string, std::string> then = Contents(url_);
  std::string point;
  {
    pqxx::connection connection(url_);
    point = pqxx::nontransaction(connection)
                .exec1("SELECT now()::text")[0]
                .as<std::string>();
  }
  // Written after the point: not in the restored copy.
  ASSERT_EQ(Register(stack, 3), 3);
  ASSERT_NE(Contents(url_), then);
  auto check = Script("backup.sh check");
  ASSERT_EQ(check.first, 0) << check.second;

  auto restored = Script(
      absl::StrCat("backup.sh restore '", point, "' ", dir_, "/restored"));
  ASSERT_EQ(restored.first, 0) << restored.second;
  const std::string restored_url = LastUrl(restored.second);
  const std::map<std::string, std::string> copy = Contents(restored_url);
  EXPECT_EQ(copy, then);
  // What the comparison covers: the registry, the grants, the documents.
  for (const char* table :
       {"inquiries.inquiries", "grants.grants", "grants.payments",
        "applications.applications", "applications.documents",
        "agreements.agreements"}) {
    ASSERT_TRUE(then.count(table)) << table;
    EXPECT_NE(then.at(table).substr(0, 2), "0 ") << table << " is empty";
  }
  EXPECT_EQ(copy.at("inquiries.inquiries").substr(0, 3), "14 ")
      << "the demo's appeals and the ten registered before the point";
}

}  // namespace
}  // namespace mobility
