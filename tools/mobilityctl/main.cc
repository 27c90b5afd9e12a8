// mobilityctl: the command-line client of Mobility Office for internal users,
// over gRPC.
//
//   mobilityctl token --role coordinator --subject alice        prints a dev
//   token (last line) mobilityctl institutions list|get|create mobilityctl
//   agreements list|get|create|approve|terminate|allocate|release|quota
//
// The address and token come from --address/--token or
// MOBILITY_AGREEMENTS_ADDRESS/MOBILITY_TOKEN.
#include <google/protobuf/util/json_util.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/auth.h"
#include "common/client.h"
#include "common/config.h"
#include "common/status.h"
#include "common/types.h"
#include "mobility/agreements/v1/agreements.grpc.pb.h"
#include "mobility/grants/v1/grants.grpc.pb.h"

ABSL_FLAG(std::string, address, "",
          "service host:port (env MOBILITY_AGREEMENTS_ADDRESS or "
          "MOBILITY_GRANTS_ADDRESS)");
ABSL_FLAG(std::string, token, "", "bearer token (env MOBILITY_TOKEN)");
ABSL_FLAG(std::string, output, "table", "json or table");
ABSL_FLAG(int, timeout_seconds, 10, "deadline of each call");
// token
ABSL_FLAG(std::string, role, "", "token: comma-separated roles");
ABSL_FLAG(std::string, subject, "", "token: the subject");
ABSL_FLAG(std::string, signing_key, "",
          "token: PEM private key (env MOBILITY_JWT_PRIVATE_KEY_FILE)");
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
// lists and the ledger
ABSL_FLAG(std::string, country, "", "institutions list: ISO country code");
ABSL_FLAG(std::string, partner, "",
          "agreements list: partner institutions/{id}");
ABSL_FLAG(std::string, year, "", "academic year like 2025/2026");
ABSL_FLAG(std::string, state, "",
          "agreements list: DRAFT, APPROVED or TERMINATED");
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

namespace mobility {
namespace {

namespace v1 = ::mobility::agreements::v1;

constexpr int kUsage = 2;
constexpr int kFailed = 1;

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

// Each command's own help, as `mobilityctl COMMAND --help` prints it.
struct CommandHelp {
  const char* name;
  const char* text;
};
constexpr CommandHelp kCommands[] = {
    {"token",
     "Signs a development token (production tokens come from the identity "
     "provider).\n\n"
     "Usage:\n"
     "  mobilityctl token --role ROLE[,ROLE] --subject ID [--institution "
     "institutions/ID] [--ttl_hours N]\n\n"
     "Flags:\n"
     "  --role         applicant, coordinator, finance, inquiry_handler, "
     "admin, "
     "service\n"
     "  --subject      who the token names\n"
     "  --institution  the institution the person acts for\n"
     "  --ttl_hours    lifetime, at most 24 (default 12)\n"
     "  --signing_key  PEM private key (env MOBILITY_JWT_PRIVATE_KEY_FILE)\n\n"
     "Example:\n"
     "  export MOBILITY_TOKEN=$(mobilityctl token --role coordinator --subject "
     "alice | tail -n 1)\n"},
    {"institutions",
     "Partner institutions.\n\n"
     "Usage:\n"
     "  mobilityctl institutions list [--country CC] [--page_size N] "
     "[--page_token T]\n"
     "  mobilityctl institutions get institutions/ID\n"
     "  mobilityctl institutions create --json FILE [--id ID] [--request_id "
     "UUID]\n\n"
     "Example:\n"
     "  mobilityctl institutions list --country LV\n"},
    {"agreements",
     "Inter-institutional agreements and their mobility quota.\n\n"
     "Usage:\n"
     "  mobilityctl agreements list [--partner institutions/ID] [--year "
     "2025/2026] [--state APPROVED]\n"
     "  mobilityctl agreements get agreements/ID [--revision N]\n"
     "  mobilityctl agreements create --json FILE [--id ID] [--request_id "
     "UUID]\n"
     "  mobilityctl agreements approve agreements/ID --institution "
     "institutions/ID --content_hash HASH\n"
     "  mobilityctl agreements terminate agreements/ID --reason TEXT\n"
     "  mobilityctl agreements allocate agreements/ID --condition C --year Y "
     "--key K\n"
     "  mobilityctl agreements release agreements/ID --key K\n"
     "  mobilityctl agreements quota agreements/ID [--year 2025/2026]\n\n"
     "Example:\n"
     "  mobilityctl agreements quota agreements/ka171-2025-kz-lv --year "
     "2025/2026\n"},
    {"grants",
     "Grant quotes, grants through their states, and the rate tables.\n\n"
     "Usage:\n"
     "  mobilityctl grants calculate --json FILE\n"
     "  mobilityctl grants rates [--check]\n"
     "  mobilityctl grants list [--budget budgets/ID] [--state AGREED]\n"
     "  mobilityctl grants get grants/ID\n"
     "  mobilityctl grants create --json FILE [--request_id UUID]\n"
     "  mobilityctl grants agree grants/ID --signed_on YYYY-MM-DD\n"
     "  mobilityctl grants prefinance grants/ID\n"
     "  mobilityctl grants settle grants/ID --actual_start D --actual_end D "
     "--report_date D\n\n"
     "Example:\n"
     "  mobilityctl grants calculate --json deploy/demo/calculation.json\n"},
    {"budgets",
     "The institution's share of a National Agency project.\n\n"
     "Usage:\n"
     "  mobilityctl budgets create --json FILE [--id ID] [--request_id UUID]\n"
     "  mobilityctl budgets report budgets/ID\n"
     "  mobilityctl budgets export budgets/ID > grants.csv\n\n"
     "Example:\n"
     "  mobilityctl budgets report budgets/ka107-2016-kz\n"},
};

constexpr char kGlobalHelp[] =
    "Global flags:\n"
    "  --address          host:port of the service (env "
    "MOBILITY_AGREEMENTS_ADDRESS, MOBILITY_GRANTS_ADDRESS)\n"
    "  --token            bearer token (env MOBILITY_TOKEN)\n"
    "  --output           table or json (default table)\n"
    "  --timeout_seconds  deadline of each call (default 10)\n";

// Prints the help of `command`, or the list of commands; 0 when it knew it.
int Help(const std::string& command) {
  for (const auto& c : kCommands) {
    if (command == c.name) {
      std::cout << c.text << "\n" << kGlobalHelp;
      return 0;
    }
  }
  if (!command.empty())
    std::cerr << "mobilityctl: unknown command \"" << command << "\"\n\n";
  std::cout << "mobilityctl: the Mobility Office command line.\n\n"
               "Commands:\n";
  for (const auto& c : kCommands) {
    const std::string text = c.text;
    std::cout << "  " << c.name
              << std::string(14 - std::string(c.name).size(), ' ')
              << text.substr(0, text.find('\n')) << "\n";
  }
  std::cout << "\nRun 'mobilityctl COMMAND --help' for a command's usage.\n\n"
            << kGlobalHelp;
  return command.empty() ? 0 : kUsage;
}

absl::StatusOr<std::string> ReadInput(const std::string& path) {
  if (path.empty())
    return absl::InvalidArgumentError("--json FILE is required");
  std::stringstream text;
  if (path == "-") {
    text << std::cin.rdbuf();
  } else {
    std::ifstream in(path);
    if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
    text << in.rdbuf();
  }
  return text.str();
}

template <typename Message>
absl::Status ParseJson(const std::string& path, Message* message) {
  auto text = ReadInput(path);
  if (!text.ok()) return text.status();
  auto status = google::protobuf::util::JsonStringToMessage(*text, message);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", status.message().as_string()));
  }
  return absl::OkStatus();
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

std::vector<std::string> InstitutionRow(const v1::Institution& i) {
  return {i.name(), i.display_name(), i.country_code(), i.city(),
          i.erasmus_code()};
}
const std::vector<std::string> kInstitutionHeader = {
    "NAME", "DISPLAY NAME", "COUNTRY", "CITY", "ERASMUS CODE"};

std::vector<std::string> AgreementRow(const v1::Agreement& a) {
  return {a.name(),
          v1::Programme_Name(a.programme()),
          v1::Agreement::State_Name(a.state()),
          absl::StrCat(a.first_academic_year(), "-", a.last_academic_year()),
          absl::StrCat(a.revision()),
          a.title()};
}
const std::vector<std::string> kAgreementHeader = {
    "NAME", "PROGRAMME", "STATE", "YEARS", "REVISION", "TITLE"};

// Prints one result in the chosen format.
template <typename Message, typename Table>
int Print(const Message& message, Table&& table) {
  if (absl::GetFlag(FLAGS_output) == "json") {
    std::cout << Json(message) << "\n";
  } else {
    table();
  }
  return 0;
}

// A stub of `Service` at --address, or the service's own environment variable
// and port.
template <typename Service>
class Client {
 public:
  Client(const char* address_env, const char* default_address)
      : stub_(Service::NewStub(NewChannel(FlagOrEnv(
            absl::GetFlag(FLAGS_address), address_env, default_address)))) {}

  template <typename Request, typename Response, typename Method>
  absl::Status Call(Method method, const Request& request, Response* response) {
    OutboundCall call;
    call.bearer_token = FlagOrEnv(absl::GetFlag(FLAGS_token), "MOBILITY_TOKEN");
    call.timeout = absl::Seconds(absl::GetFlag(FLAGS_timeout_seconds));
    auto context = NewClientContext(call);
    return FromGrpcStatus(
        (stub_.get()->*method)(context.get(), request, response));
  }

 private:
  std::unique_ptr<typename Service::Stub> stub_;
};

Client<v1::AgreementsService> AgreementsClient() {
  return Client<v1::AgreementsService>("MOBILITY_AGREEMENTS_ADDRESS",
                                       "127.0.0.1:50051");
}

int Token() {
  std::vector<Role> roles;
  for (absl::string_view name :
       absl::StrSplit(absl::GetFlag(FLAGS_role), ',', absl::SkipEmpty())) {
    auto role = ParseRole(name);
    if (!role.has_value()) return Usage(absl::StrCat("unknown role ", name));
    roles.push_back(*role);
  }
  if (roles.empty() || absl::GetFlag(FLAGS_subject).empty()) {
    return Usage("token needs --role and --subject");
  }
  // The services refuse tokens that live longer than a day.
  if (absl::GetFlag(FLAGS_ttl_hours) < 1 || absl::GetFlag(FLAGS_ttl_hours) > 24)
    return Usage("--ttl_hours must be between 1 and 24");
  std::string key_file = FlagOrEnv(absl::GetFlag(FLAGS_signing_key),
                                   "MOBILITY_JWT_PRIVATE_KEY_FILE");
  if (key_file.empty())
    return Usage("token needs --signing_key or MOBILITY_JWT_PRIVATE_KEY_FILE");
  auto pem = ReadInput(key_file);
  if (!pem.ok()) return Fail(pem.status());
  auto signer = TokenSigner::FromPrivateKeyPem(*pem);
  if (!signer.ok()) return Fail(signer.status());
  TokenClaims claims;
  claims.subject = absl::GetFlag(FLAGS_subject);
  claims.roles = roles;
  claims.institution = absl::GetFlag(FLAGS_institution);
  claims.issued_at = absl::Now();
  claims.lifetime = absl::Hours(absl::GetFlag(FLAGS_ttl_hours));
  auto token = signer->Sign(claims);
  if (!token.ok()) return Fail(token.status());
  std::cerr << "# a development token; export it as MOBILITY_TOKEN\n";
  std::cout << *token << "\n";
  return 0;
}

int Institutions(const std::vector<std::string>& args) {
  auto client = AgreementsClient();
  const std::string verb = args.size() > 2 ? args[2] : "";
  using Stub = v1::AgreementsService::Stub;
  if (verb == "list") {
    v1::ListInstitutionsRequest request;
    request.set_country_code(absl::GetFlag(FLAGS_country));
    request.set_page_size(absl::GetFlag(FLAGS_page_size));
    request.set_page_token(absl::GetFlag(FLAGS_page_token));
    v1::ListInstitutionsResponse response;
    if (auto s = client.Call(&Stub::ListInstitutions, request, &response);
        !s.ok())
      return Fail(s);
    return Print(response, [&] {
      std::vector<std::vector<std::string>> rows;
      for (const auto& i : response.institutions())
        rows.push_back(InstitutionRow(i));
      PrintTable(kInstitutionHeader, rows);
      if (!response.next_page_token().empty()) {
        std::cout << "next page: --page_token " << response.next_page_token()
                  << "\n";
      }
    });
  }
  if (verb == "get" && args.size() == 4) {
    v1::GetInstitutionRequest request;
    request.set_name(args[3]);
    v1::Institution response;
    if (auto s = client.Call(&Stub::GetInstitution, request, &response);
        !s.ok())
      return Fail(s);
    return Print(response, [&] {
      PrintTable(kInstitutionHeader, {InstitutionRow(response)});
    });
  }
  if (verb == "create") {
    v1::CreateInstitutionRequest request;
    if (auto s =
            ParseJson(absl::GetFlag(FLAGS_json), request.mutable_institution());
        !s.ok()) {
      return Fail(s);
    }
    request.set_institution_id(absl::GetFlag(FLAGS_id));
    request.set_request_id(absl::GetFlag(FLAGS_request_id));
    v1::Institution response;
    if (auto s = client.Call(&Stub::CreateInstitution, request, &response);
        !s.ok()) {
      return Fail(s);
    }
    return Print(response, [&] {
      PrintTable(kInstitutionHeader, {InstitutionRow(response)});
    });
  }
  return Usage("institutions list | get NAME | create --json FILE");
}

int Agreements(const std::vector<std::string>& args) {
  auto client = AgreementsClient();
  const std::string verb = args.size() > 2 ? args[2] : "";
  const std::string name = args.size() > 3 ? args[3] : "";
  using Stub = v1::AgreementsService::Stub;
  auto print_agreement = [](const v1::Agreement& a) {
    return Print(a, [&] { PrintTable(kAgreementHeader, {AgreementRow(a)}); });
  };
  if (verb == "list") {
    v1::ListAgreementsRequest request;
    request.set_partner_institution(absl::GetFlag(FLAGS_partner));
    request.set_academic_year(absl::GetFlag(FLAGS_year));
    if (!absl::GetFlag(FLAGS_state).empty()) {
      v1::Agreement::State state;
      if (!v1::Agreement::State_Parse(absl::GetFlag(FLAGS_state), &state)) {
        return Usage("--state must be DRAFT, APPROVED or TERMINATED");
      }
      request.set_state(state);
    }
    request.set_page_size(absl::GetFlag(FLAGS_page_size));
    request.set_page_token(absl::GetFlag(FLAGS_page_token));
    v1::ListAgreementsResponse response;
    if (auto s = client.Call(&Stub::ListAgreements, request, &response);
        !s.ok())
      return Fail(s);
    return Print(response, [&] {
      std::vector<std::vector<std::string>> rows;
      for (const auto& a : response.agreements())
        rows.push_back(AgreementRow(a));
      PrintTable(kAgreementHeader, rows);
      if (!response.next_page_token().empty()) {
        std::cout << "next page: --page_token " << response.next_page_token()
                  << "\n";
      }
    });
  }
  if (verb == "get" && !name.empty()) {
    v1::GetAgreementRequest request;
    request.set_name(name);
    request.set_revision(absl::GetFlag(FLAGS_revision));
    v1::Agreement response;
    if (auto s = client.Call(&Stub::GetAgreement, request, &response); !s.ok())
      return Fail(s);
    return print_agreement(response);
  }
  if (verb == "create") {
    v1::CreateAgreementRequest request;
    if (auto s =
            ParseJson(absl::GetFlag(FLAGS_json), request.mutable_agreement());
        !s.ok()) {
      return Fail(s);
    }
    request.set_agreement_id(absl::GetFlag(FLAGS_id));
    request.set_request_id(absl::GetFlag(FLAGS_request_id));
    v1::Agreement response;
    if (auto s = client.Call(&Stub::CreateAgreement, request, &response);
        !s.ok())
      return Fail(s);
    return print_agreement(response);
  }
  if (verb == "approve" && !name.empty()) {
    v1::ApproveAgreementRequest request;
    request.set_name(name);
    request.set_institution(absl::GetFlag(FLAGS_institution));
    request.set_content_hash(absl::GetFlag(FLAGS_content_hash));
    request.set_request_id(absl::GetFlag(FLAGS_request_id));
    v1::Agreement response;
    if (auto s = client.Call(&Stub::ApproveAgreement, request, &response);
        !s.ok())
      return Fail(s);
    return print_agreement(response);
  }
  if (verb == "terminate" && !name.empty()) {
    v1::TerminateAgreementRequest request;
    request.set_name(name);
    request.set_reason(absl::GetFlag(FLAGS_reason));
    request.set_request_id(absl::GetFlag(FLAGS_request_id));
    v1::Agreement response;
    if (auto s = client.Call(&Stub::TerminateAgreement, request, &response);
        !s.ok()) {
      return Fail(s);
    }
    return print_agreement(response);
  }
  const std::vector<std::string> allocation_header = {"AGREEMENT", "CONDITION",
                                                      "YEAR", "KEY", "STATE"};
  auto allocation_row = [](const v1::MobilityAllocation& a) {
    return std::vector<std::string>{
        a.agreement(), a.condition_id(), a.academic_year(), a.allocation_key(),
        v1::MobilityAllocation::State_Name(a.state())};
  };
  if (verb == "allocate" && !name.empty()) {
    v1::AllocateMobilityRequest request;
    request.set_agreement(name);
    request.set_condition_id(absl::GetFlag(FLAGS_condition));
    request.set_academic_year(absl::GetFlag(FLAGS_year));
    request.set_allocation_key(absl::GetFlag(FLAGS_key));
    v1::MobilityAllocation response;
    if (auto s = client.Call(&Stub::AllocateMobility, request, &response);
        !s.ok())
      return Fail(s);
    return Print(response, [&] {
      PrintTable(allocation_header, {allocation_row(response)});
    });
  }
  if (verb == "release" && !name.empty()) {
    v1::ReleaseMobilityRequest request;
    request.set_agreement(name);
    request.set_allocation_key(absl::GetFlag(FLAGS_key));
    v1::MobilityAllocation response;
    if (auto s = client.Call(&Stub::ReleaseMobility, request, &response);
        !s.ok())
      return Fail(s);
    return Print(response, [&] {
      PrintTable(allocation_header, {allocation_row(response)});
    });
  }
  if (verb == "quota" && !name.empty()) {
    v1::GetQuotaUsageRequest request;
    request.set_agreement(name);
    request.set_academic_year(absl::GetFlag(FLAGS_year));
    v1::QuotaUsage response;
    if (auto s = client.Call(&Stub::GetQuotaUsage, request, &response); !s.ok())
      return Fail(s);
    return Print(response, [&] {
      std::vector<std::vector<std::string>> rows;
      for (const auto& e : response.entries()) {
        rows.push_back(
            {e.condition_id(), v1::MobilityType_Name(e.mobility_type()),
             e.academic_year(), absl::StrCat(e.mobilities_per_year()),
             absl::StrCat(e.used()), absl::StrCat(e.free())});
      }
      PrintTable({"CONDITION", "TYPE", "YEAR", "PER YEAR", "USED", "FREE"},
                 rows);
    });
  }
  return Usage(
      "agreements list | get NAME | create --json FILE | approve NAME "
      "--institution I "
      "--content_hash H | terminate NAME | allocate NAME --condition C --year "
      "Y --key K | "
      "release NAME --key K | quota NAME");
}

namespace g1 = ::mobility::grants::v1;

Client<g1::GrantsService> GrantsClient() {
  return Client<g1::GrantsService>("MOBILITY_GRANTS_ADDRESS",
                                   "127.0.0.1:50053");
}

// A date flag "YYYY-MM-DD".
absl::StatusOr<type::v1::Date> DateFlag(const absl::Flag<std::string>& flag,
                                        const char* name) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(absl::GetFlag(flag), &day)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", name, " must be YYYY-MM-DD"));
  }
  return ToDate(day);
}

void PrintQuote(const g1::GrantQuote& q) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& line : q.line_items()) {
    rows.push_back({g1::LineItem::Heading_Name(line.heading()),
                    line.description(),
                    FormatCents(line.amount().amount_minor()), line.rate()});
  }
  rows.push_back({"TOTAL", absl::StrCat(q.distance_km(), " km one way"),
                  FormatCents(q.total().amount_minor()), ""});
  PrintTable({"HEADING", "DESCRIPTION", "EUR", "RATE"}, rows);
}

const std::vector<std::string> kGrantHeader = {
    "NAME", "PARTICIPANT", "STATE", "TOTAL EUR", "PAID EUR", "AGREEMENT"};
std::vector<std::string> GrantRow(const g1::Grant& g) {
  const auto& total =
      g.has_final_quote() ? g.final_quote().total() : g.quote().total();
  return {g.name(),
          g.participant().reference(),
          g1::Grant::State_Name(g.state()),
          FormatCents(total.amount_minor()),
          FormatCents(g.paid().amount_minor()),
          g.agreement()};
}

int Grants(const std::vector<std::string>& args) {
  auto client = GrantsClient();
  const std::string verb = args.size() > 2 ? args[2] : "";
  const std::string name = args.size() > 3 ? args[3] : "";
  using Stub = g1::GrantsService::Stub;
  auto print_grant = [](const g1::Grant& g) {
    return Print(g, [&] { PrintTable(kGrantHeader, {GrantRow(g)}); });
  };
  if (verb == "calculate") {
    g1::CalculateGrantRequest request;
    if (auto s = ParseJson(absl::GetFlag(FLAGS_json), &request); !s.ok())
      return Fail(s);
    g1::GrantQuote quote;
    if (auto s = client.Call(&Stub::CalculateGrant, request, &quote); !s.ok())
      return Fail(s);
    return Print(quote, [&] { PrintQuote(quote); });
  }
  if (verb == "rates") {
    g1::ListRatesRequest request;
    request.set_needs_confirmation_only(absl::GetFlag(FLAGS_check));
    request.set_page_size(absl::GetFlag(FLAGS_page_size));
    request.set_page_token(absl::GetFlag(FLAGS_page_token));
    g1::ListRatesResponse response;
    if (auto s = client.Call(&Stub::ListRates, request, &response); !s.ok())
      return Fail(s);
    return Print(response, [&] {
      std::vector<std::vector<std::string>> rows;
      for (const auto& r : response.rates()) {
        rows.push_back(
            {r.name(),
             absl::StrCat(r.first_call_year(), "-", r.last_call_year()),
             FormatCents(r.amount().amount_minor()),
             r.needs_confirmation() ? "to confirm" : ""});
      }
      PrintTable({"NAME", "CALLS", "EUR", "CHECK"}, rows);
      if (!response.next_page_token().empty()) {
        std::cout << "next page: --page_token " << response.next_page_token()
                  << "\n";
      }
    });
  }
  if (verb == "list") {
    g1::ListGrantsRequest request;
    request.set_budget(absl::GetFlag(FLAGS_budget));
    request.set_page_size(absl::GetFlag(FLAGS_page_size));
    request.set_page_token(absl::GetFlag(FLAGS_page_token));
    g1::ListGrantsResponse response;
    if (auto s = client.Call(&Stub::ListGrants, request, &response); !s.ok())
      return Fail(s);
    return Print(response, [&] {
      std::vector<std::vector<std::string>> rows;
      for (const auto& g : response.grants()) rows.push_back(GrantRow(g));
      PrintTable(kGrantHeader, rows);
    });
  }
  if (verb == "get" && !name.empty()) {
    g1::GetGrantRequest request;
    request.set_name(name);
    g1::Grant grant;
    if (auto s = client.Call(&Stub::GetGrant, request, &grant); !s.ok())
      return Fail(s);
    return Print(grant, [&] {
      PrintTable(kGrantHeader, {GrantRow(grant)});
      PrintQuote(grant.has_final_quote() ? grant.final_quote() : grant.quote());
    });
  }
  if (verb == "create") {
    g1::CreateGrantRequest request;
    if (auto s = ParseJson(absl::GetFlag(FLAGS_json), &request); !s.ok())
      return Fail(s);
    if (!absl::GetFlag(FLAGS_request_id).empty()) {
      request.set_request_id(absl::GetFlag(FLAGS_request_id));
    }
    g1::Grant grant;
    if (auto s = client.Call(&Stub::CreateGrant, request, &grant); !s.ok())
      return Fail(s);
    return print_grant(grant);
  }
  if (verb == "agree" && !name.empty()) {
    auto signed_on = DateFlag(FLAGS_signed_on, "signed_on");
    if (!signed_on.ok())
      return Usage(std::string(signed_on.status().message()));
    g1::AgreeGrantRequest request;
    request.set_name(name);
    *request.mutable_participant_signed_date() = *signed_on;
    *request.mutable_institution_signed_date() = *signed_on;
    request.set_request_id(absl::GetFlag(FLAGS_request_id));
    g1::Grant grant;
    if (auto s = client.Call(&Stub::AgreeGrant, request, &grant); !s.ok())
      return Fail(s);
    return print_grant(grant);
  }
  if (verb == "prefinance" && !name.empty()) {
    g1::PrefinanceGrantRequest request;
    request.set_name(name);
    request.set_request_id(absl::GetFlag(FLAGS_request_id));
    g1::Grant grant;
    if (auto s = client.Call(&Stub::PrefinanceGrant, request, &grant); !s.ok())
      return Fail(s);
    return print_grant(grant);
  }
  if (verb == "settle" && !name.empty()) {
    auto start = DateFlag(FLAGS_actual_start, "actual_start");
    auto end = DateFlag(FLAGS_actual_end, "actual_end");
    auto report = DateFlag(FLAGS_report_date, "report_date");
    for (const auto* d : {&start, &end, &report}) {
      if (!d->ok()) return Usage(std::string(d->status().message()));
    }
    g1::SettleGrantRequest request;
    request.set_name(name);
    *request.mutable_actual_start_date() = *start;
    *request.mutable_actual_end_date() = *end;
    *request.mutable_final_report_date() = *report;
    request.set_request_id(absl::GetFlag(FLAGS_request_id));
    g1::Grant grant;
    if (auto s = client.Call(&Stub::SettleGrant, request, &grant); !s.ok())
      return Fail(s);
    return print_grant(grant);
  }
  return Usage(
      "grants calculate --json FILE | rates [--check] | list [--budget B] | "
      "get NAME | "
      "create --json FILE | agree NAME --signed_on D | prefinance NAME | "
      "settle NAME "
      "--actual_start D --actual_end D --report_date D");
}

int Budgets(const std::vector<std::string>& args) {
  auto client = GrantsClient();
  const std::string verb = args.size() > 2 ? args[2] : "";
  const std::string name = args.size() > 3 ? args[3] : "";
  using Stub = g1::GrantsService::Stub;
  if (verb == "create") {
    g1::CreateBudgetRequest request;
    if (auto s = ParseJson(absl::GetFlag(FLAGS_json), request.mutable_budget());
        !s.ok()) {
      return Fail(s);
    }
    request.set_budget_id(absl::GetFlag(FLAGS_id));
    request.set_request_id(absl::GetFlag(FLAGS_request_id));
    g1::Budget budget;
    if (auto s = client.Call(&Stub::CreateBudget, request, &budget); !s.ok())
      return Fail(s);
    return Print(budget, [&] { std::cout << budget.name() << "\n"; });
  }
  if (verb == "report" && !name.empty()) {
    g1::GetBudgetReportRequest request;
    request.set_budget(name);
    g1::BudgetReport report;
    if (auto s = client.Call(&Stub::GetBudgetReport, request, &report); !s.ok())
      return Fail(s);
    return Print(report, [&] {
      std::vector<std::vector<std::string>> rows;
      for (const auto& h : report.headings()) {
        rows.push_back({g1::LineItem::Heading_Name(h.heading()),
                        FormatCents(h.allocated().amount_minor()),
                        FormatCents(h.committed().amount_minor()),
                        FormatCents(h.paid().amount_minor()),
                        FormatCents(h.remaining().amount_minor())});
      }
      PrintTable({"HEADING", "ALLOCATED", "COMMITTED", "PAID", "REMAINING"},
                 rows);
      std::cout << report.agreed_grants() << " agreed grants\n";
    });
  }
  if (verb == "export" && !name.empty()) {
    g1::ExportGrantsRequest request;
    request.set_budget(name);
    g1::ExportGrantsResponse response;
    if (auto s = client.Call(&Stub::ExportGrants, request, &response); !s.ok())
      return Fail(s);
    std::cout << response.csv();
    return 0;
  }
  return Usage(
      "budgets create --json FILE [--id ID] | report NAME | export NAME");
}

}  // namespace
}  // namespace mobility

int main(int argc, char** argv) {
  // Help is the command's own, not the list of every flag Abseil knows.
  std::string first_word;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h" || arg == "help") {
      if (first_word == "help") first_word.clear();
      for (int j = i + 1; first_word.empty() && j < argc; ++j)
        if (argv[j][0] != '-') first_word = argv[j];
      return mobility::Help(first_word);
    }
    if (first_word.empty() && arg[0] != '-') first_word = arg;
  }
  absl::SetProgramUsageMessage(
      "the Mobility Office command line; see "
      "mobilityctl --help");
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  std::vector<std::string> args(positional.begin(), positional.end());
  const std::string output = absl::GetFlag(FLAGS_output);
  if (output != "json" && output != "table")
    return mobility::Usage("--output must be json or table");
  const std::string command = args.size() > 1 ? args[1] : "";
  if (command == "token") return mobility::Token();
  if (command == "institutions") return mobility::Institutions(args);
  if (command == "agreements") return mobility::Agreements(args);
  if (command == "grants") return mobility::Grants(args);
  if (command == "budgets") return mobility::Budgets(args);
  return mobility::Help(command);
}
