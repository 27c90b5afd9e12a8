#include "tools/mobilityctl/ctl.h"

MOBILITY_FLAG(std::string, agreements_address, "127.0.0.1:50051",
              "MOBILITY_AGREEMENTS_ADDRESS", "agreements service host:port");
MOBILITY_FLAG(std::string, applications_address, "127.0.0.1:50052",
              "MOBILITY_APPLICATIONS_ADDRESS",
              "applications service host:port");
MOBILITY_FLAG(std::string, grants_address, "127.0.0.1:50053",
              "MOBILITY_GRANTS_ADDRESS", "grants service host:port");
MOBILITY_FLAG(std::string, inquiries_address, "127.0.0.1:50054",
              "MOBILITY_INQUIRIES_ADDRESS", "inquiries service host:port");
MOBILITY_FLAG(std::string, token, "", "MOBILITY_TOKEN", "bearer token");
ABSL_FLAG(std::string, output, "table", "json or table");
ABSL_FLAG(int, timeout_seconds, 10, "deadline of each call");
// token
ABSL_FLAG(std::string, role, "", "token: comma-separated roles");
ABSL_FLAG(std::string, subject, "", "token: the subject");
MOBILITY_FLAG(std::string, signing_key, "", "MOBILITY_JWT_PRIVATE_KEY_FILE",
              "token: PEM private key of the identity provider");
MOBILITY_FLAG(std::string, internal_signing_key, "",
              "MOBILITY_INTERNAL_JWT_PRIVATE_KEY_FILE",
              "token --role service: PEM private key of our services' issuer");
ABSL_FLAG(int, ttl_hours, 12, "token: lifetime in hours");
// create and state changes
ABSL_FLAG(std::string, json, "",
          "create: file with the resource as JSON, - for stdin");
ABSL_FLAG(std::string, id, "", "create: the new resource's id");
ABSL_FLAG(std::string, request_id, "",
          "create, approve, terminate: UUID making a retry safe");
ABSL_FLAG(std::string, institution, "",
          "approve: the approving partner; token: the institution the "
          "person acts for (institutions/{id})");
ABSL_FLAG(std::string, content_hash, "",
          "approve: the content_hash that was reviewed");
ABSL_FLAG(std::string, reason, "", "terminate: why");
ABSL_FLAG(std::string, notice_date, "",
          "terminate: YYYY-MM-DD notice was given (default today)");
ABSL_FLAG(bool, immediately, false,
          "terminate: end at once (only when no mobility took place)");
ABSL_FLAG(std::string, etag, "", "delete: the etag last read");
// lists and the ledger
ABSL_FLAG(std::string, country, "", "institutions list: ISO country code");
ABSL_FLAG(std::string, partner, "",
          "agreements list: partner institutions/{id}");
ABSL_FLAG(std::string, year, "", "academic year like 2025/2026");
ABSL_FLAG(std::string, state, "",
          "agreements list: DRAFT, APPROVED, AMENDED or TERMINATED");
ABSL_FLAG(int, page_size, 0, "list: page size");
ABSL_FLAG(std::string, page_token, "", "list: page token");
ABSL_FLAG(int64_t, revision, 0, "agreements get: revision to read");
ABSL_FLAG(std::string, condition, "", "allocate: cooperation condition id");
ABSL_FLAG(std::string, key, "", "allocate, release: allocation key");
// grants
ABSL_FLAG(bool, check, false, "grants rates: only rows awaiting confirmation");
ABSL_FLAG(std::string, budget, "", "grants list: budgets/{id}");
ABSL_FLAG(std::string, signed_on, "",
          "grants agree: YYYY-MM-DD both parties signed (participant and "
          "institution)");
ABSL_FLAG(std::string, actual_start, "", "grants settle: YYYY-MM-DD");
ABSL_FLAG(std::string, actual_end, "", "grants settle: YYYY-MM-DD");
ABSL_FLAG(std::string, report_date, "",
          "grants settle: YYYY-MM-DD the final report arrived");
ABSL_FLAG(std::string, force_majeure, "",
          "grants settle: reference of the funder's decision accepting force "
          "majeure for a stay below the minimum");
ABSL_FLAG(std::string, call, "", "applications list: calls/{id}");
ABSL_FLAG(bool, open, false, "calls list: only calls taking applications now");
ABSL_FLAG(std::string, update_mask, "",
          "calls update: comma-separated fields to replace, e.g. close_time");
ABSL_FLAG(
    std::string, scores, "",
    "applications evaluate: criterion=points,... e.g. grades=80,motivation=7");
ABSL_FLAG(int, version, 0, "applications sign-la: the version read");
ABSL_FLAG(std::string, signer_name, "", "applications sign-la: who signs");
ABSL_FLAG(std::string, position, "", "applications sign-la: their position");
ABSL_FLAG(std::string, decision, "",
          "applications decide: SELECTED, RESERVE or REJECTED");
ABSL_FLAG(std::string, decided_on, "",
          "grants settle: YYYY-MM-DD of that decision");

namespace mobility::ctl {

absl::StatusOr<type::v1::Date> DateFlag(const absl::Flag<std::string>& flag,
                                        const char* name) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(absl::GetFlag(flag), &day)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", name, " must be YYYY-MM-DD"));
  }
  return ToDate(day);
}

int Fail(const absl::Status& status) {
  std::cerr << "error: " << absl::StatusCodeToString(status.code()) << ": "
            << status.message();
  std::string reason = ErrorReason(status);
  if (!reason.empty()) std::cerr << " [" << reason << "]";
  std::cerr << "\n";
  for (const auto& v : FieldViolationsOf(status)) {
    std::cerr << "  " << v.field << ": " << v.description << "\n";
  }
  return kFailed;
}

int Usage(const std::string& message) {
  std::cerr << "mobilityctl: " << message << "\n(see mobilityctl --help)\n";
  return kUsage;
}

absl::StatusOr<std::string> ReadInput(const std::string& path) {
  if (path.empty())
    return absl::InvalidArgumentError("--json FILE is required");
  if (path != "-") return ReadFile(path);
  std::stringstream text;
  text << std::cin.rdbuf();
  return text.str();
}

std::string Json(const google::protobuf::Message& message) {
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(message, &out);
  return out;
}

void PrintTable(const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(header.size());
  for (size_t i = 0; i < header.size(); ++i) width[i] = header[i].size();
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i)
      width[i] = std::max(width[i], row[i].size());
  }
  auto print = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size(); ++i) {
      std::cout << row[i];
      if (i + 1 < row.size())
        std::cout << std::string(width[i] - row[i].size() + 2, ' ');
    }
    std::cout << "\n";
  };
  print(header);
  for (const auto& row : rows) print(row);
}

}  // namespace mobility::ctl
