#include "tools/mobilityctl/ctl.h"

namespace mobility::ctl {
namespace {

// Each command's own help, as `mobilityctl COMMAND --help` prints it.
struct CommandHelp {
  const char* name;
  const char* text;
};
constexpr CommandHelp kCommands[] = {
    {"token",
     "Signs a development token (production tokens come from the identity "
     "provider). Three kinds of caller:\n"
     "  people        staff (coordinator, finance, inquiry_handler, "
     "rector_office, admin)\n"
     "                acting for --institution, or applicants\n"
     "  partner_system  a partner university's system, acting as that "
     "partner's\n"
     "                coordinator for --institution only\n"
     "  service       our own services' internal identity: signed with the "
     "internal\n"
     "                key, no institution, no other role\n\n"
     "Usage:\n"
     "  mobilityctl token --role ROLE[,ROLE] --subject ID [--institution "
     "institutions/ID]\n"
     "                    [--office offices/ID,...] [--ttl_hours N]\n\n"
     "Flags:\n"
     "  --role         applicant, coordinator, finance, inquiry_handler, "
     "rector_office, admin,\n"
     "                 partner_system, service\n"
     "  --subject      who the token names\n"
     "  --institution  the institution the person or system acts for "
     "(required for staff\n"
     "                 and partner systems)\n"
     "  --office       an inquiry handler's offices: their queue and appeals "
     "only\n"
     "                 (default: every office)\n"
     "  --ttl_hours    lifetime, at most 24 (default 12)\n"
     "  --signing_key  PEM private key (env MOBILITY_JWT_PRIVATE_KEY_FILE)\n"
     "  --internal_signing_key  for --role service: PEM private key (env\n"
     "                 MOBILITY_INTERNAL_JWT_PRIVATE_KEY_FILE)\n\n"
     "Example:\n"
     "  export MOBILITY_TOKEN=$(mobilityctl token --role coordinator --subject "
     "alice --institution institutions/kokshetau-amu | tail -n 1)\n"},
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
     "  mobilityctl agreements terminate agreements/ID --institution "
     "institutions/ID [--notice_date D] [--immediately] --reason TEXT\n"
     "  mobilityctl agreements delete agreements/ID [--etag E]\n"
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
     "--report_date D [--force_majeure REF --decided_on D]\n\n"
     "Example:\n"
     "  mobilityctl grants calculate --json deploy/demo/calculation.json\n"},
    {"calls",
     "Selection rounds: the conditions of an agreement a call opens for one "
     "academic year, its window and criteria.\n\n"
     "Usage:\n"
     "  mobilityctl calls list [--open]\n"
     "  mobilityctl calls get calls/ID\n"
     "  mobilityctl calls create --json FILE [--id ID] [--request_id UUID]\n"
     "  mobilityctl calls update calls/ID --json FILE --update_mask "
     "close_time\n"
     "  mobilityctl calls close calls/ID\n"
     "  mobilityctl calls rank calls/ID\n\n"
     "Example:\n"
     "  mobilityctl calls rank calls/spring-2027\n"},
    {"applications",
     "Applications to calls, their documents and the office's decisions.\n\n"
     "Usage:\n"
     "  mobilityctl applications list [--call calls/ID] [--state SUBMITTED]\n"
     "  mobilityctl applications get applications/ID\n"
     "  mobilityctl applications create --json FILE [--request_id UUID]\n"
     "  mobilityctl applications submit applications/ID\n"
     "  mobilityctl applications evaluate applications/ID --scores "
     "grades=80,motivation=7\n"
     "  mobilityctl applications decide applications/ID --decision SELECTED "
     "[--reason TEXT] [--request_id UUID]\n"
     "  mobilityctl applications withdraw applications/ID [--reason TEXT]\n"
     "  mobilityctl applications propose-la applications/ID --json FILE\n"
     "  mobilityctl applications sign-la applications/ID --version N "
     "--signer_name NAME [--position P]\n\n"
     "Example:\n"
     "  mobilityctl applications list --call calls/spring-2027 --state "
     "UNDER_REVIEW\n"},
    {"budgets",
     "The institution's share of the partner's National Agency project.\n\n"
     "Usage:\n"
     "  mobilityctl budgets create --json FILE [--id ID] [--request_id UUID]\n"
     "  mobilityctl budgets report budgets/ID\n"
     "  mobilityctl budgets export budgets/ID > grants.csv\n\n"
     "Example:\n"
     "  mobilityctl budgets report budgets/ka107-2016-kz\n"},
    {"inquiries",
     "Questions to the rector, complaints and requests, on the legal clock.\n\n"
     "Usage:\n"
     "  mobilityctl inquiries submit --json FILE [--request_id UUID]\n"
     "  mobilityctl inquiries list [--office offices/ID] [--state S] "
     "[--due_within N]\n"
     "  mobilityctl inquiries get inquiries/ID\n"
     "  mobilityctl inquiries track --number 2026-000001 --code CODE\n"
     "  mobilityctl inquiries assign inquiries/ID --office offices/ID "
     "--handler SUBJECT\n"
     "  mobilityctl inquiries start inquiries/ID\n"
     "  mobilityctl inquiries note|reply inquiries/ID --text T\n"
     "  mobilityctl inquiries answer inquiries/ID --text T --language "
     "kk|ru|en\n"
     "  mobilityctl inquiries forward inquiries/ID --to BODY --reason R\n"
     "  mobilityctl inquiries extend inquiries/ID --due YYYY-MM-DD --reason R "
     "[--decision_reference REF]\n"
     "  mobilityctl inquiries close inquiries/ID\n"
     "  mobilityctl inquiries publish inquiries/ID --json FILE\n\n"
     "Example:\n"
     "  mobilityctl inquiries list --due_within 3\n"},
    {"questions",
     "The published questions and answers, searched in Russian and "
     "English.\n\n"
     "Usage:\n"
     "  mobilityctl questions list [--query WORDS]\n\n"
     "Example:\n"
     "  mobilityctl questions list --query grant\n"},
    {"offices",
     "The offices an appeal may be addressed to.\n\n"
     "Usage:\n"
     "  mobilityctl offices list\n"
     "  mobilityctl offices create --id ID --display_name NAME\n"},
    {"holidays",
     "The working calendar's holidays and moved days.\n\n"
     "Usage:\n"
     "  mobilityctl holidays list [--year Y]\n"
     "  mobilityctl holidays set YYYY-MM-DD --kind DAY_OFF|WORKING_DAY "
     "--description D [--hours HH:MM-HH:MM]\n"
     "  mobilityctl holidays delete YYYY-MM-DD\n\n"
     "Example:\n"
     "  mobilityctl holidays list --year 2027\n"},
};

constexpr char kGlobalHelp[] =
    "Global flags:\n"
    "  --agreements_address, --applications_address, --grants_address,\n"
    "  --inquiries_address  host:port of each service (env "
    "MOBILITY_AGREEMENTS_ADDRESS, ...;\n"
    "                     default 127.0.0.1:50051 to 50054)\n"
    "  --token            bearer token (env MOBILITY_TOKEN)\n"
    "  --output           table or json (default table)\n"
    "  --timeout_seconds  deadline of each call (default 10)\n";

}  // namespace

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

}  // namespace mobility::ctl
