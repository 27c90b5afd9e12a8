// mobilityctl: the command-line client of Mobility Office for internal users,
// over gRPC. `mobilityctl --help` lists the commands, `mobilityctl COMMAND
// --help` gives each one's usage and an example.
#include "common/config.h"
#include "tools/mobilityctl/ctl.h"

int main(int argc, char** argv) {
  // Help is the command's own, not the list of every flag Abseil knows.
  std::string first_word;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h" || arg == "help") {
      if (first_word == "help") first_word.clear();
      for (int j = i + 1; first_word.empty() && j < argc; ++j)
        if (argv[j][0] != '-') first_word = argv[j];
      return mobility::ctl::Help(first_word);
    }
    if (first_word.empty() && arg[0] != '-') first_word = arg;
  }
  std::vector<char*> positional = mobility::ParseFlags(
      argc, argv, "the Mobility Office command line; see mobilityctl --help");
  std::vector<std::string> args(positional.begin(), positional.end());
  const std::string output = absl::GetFlag(FLAGS_output);
  if (output != "json" && output != "table")
    return mobility::ctl::Usage("--output must be json or table");
  const std::string command = args.size() > 1 ? args[1] : "";
  if (command == "token") return mobility::ctl::Token();
  if (command == "institutions") return mobility::ctl::Institutions(args);
  if (command == "agreements") return mobility::ctl::Agreements(args);
  if (command == "grants") return mobility::ctl::Grants(args);
  if (command == "budgets") return mobility::ctl::Budgets(args);
  if (command == "calls") return mobility::ctl::Calls(args);
  if (command == "applications") return mobility::ctl::Applications(args);
  if (command == "inquiries") return mobility::ctl::Inquiries(args);
  if (command == "questions") return mobility::ctl::Questions(args);
  if (command == "offices") return mobility::ctl::Offices(args);
  if (command == "holidays") return mobility::ctl::Holidays(args);
  return mobility::ctl::Help(command);
}
