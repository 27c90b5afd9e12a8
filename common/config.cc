#include "common/config.h"

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/log.h"

namespace mobility {
namespace {

struct EnvBindings {
  absl::Mutex mu;
  std::map<std::string, std::string> env_of_flag ABSL_GUARDED_BY(mu);
};

// Built on first use: MOBILITY_FLAG binds during static initialisation.
EnvBindings& Bindings() {
  static auto* bindings = new EnvBindings;
  return *bindings;
}

}  // namespace

bool BindFlagToEnv(absl::string_view flag, absl::string_view env) {
  EnvBindings& bindings = Bindings();
  absl::MutexLock lock(&bindings.mu);
  bindings.env_of_flag[std::string(flag)] = std::string(env);
  return true;
}

absl::Status ApplyEnvironment() {
  EnvBindings& bindings = Bindings();
  absl::MutexLock lock(&bindings.mu);
  for (const auto& [flag_name, env] : bindings.env_of_flag) {
    const char* value = std::getenv(env.c_str());
    if (value == nullptr || *value == '\0') continue;
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(flag_name);
    if (flag == nullptr) continue;  // Bound, but not linked into this binary.
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      return absl::InvalidArgumentError(
          absl::StrCat(env, " (--", flag_name, "): ", error));
    }
  }
  return absl::OkStatus();
}

std::vector<char*> ParseFlags(int argc, char** argv, absl::string_view usage) {
  absl::SetProgramUsageMessage(usage);
  if (absl::Status s = ApplyEnvironment(); !s.ok())
    ExitBadConfig(std::string(s.message()));
  return absl::ParseCommandLine(argc, argv);
}

void ExitBadConfig(const std::string& message) {
  Log(LogLevel::kError, "bad_config", {{"message", message}});
  std::exit(2);
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  if (in) content << in.rdbuf();
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  return content.str();
}

}  // namespace mobility
