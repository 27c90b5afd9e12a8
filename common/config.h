// One way to configure a process: typed absl flags, each with the environment
// variable read when the command line does not give it. Declared with
//   MOBILITY_FLAG(int, workers, 16, "MOBILITY_WORKERS", "threads running ...");
// and read with absl::GetFlag(FLAGS_workers) after ParseFlags. README's
// "Configuration" table lists every one.
#ifndef MOBILITY_COMMON_CONFIG_H_
#define MOBILITY_COMMON_CONFIG_H_

#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

#define MOBILITY_FLAG(Type, name, default_value, env, help)    \
  ABSL_FLAG(Type, name, default_value, help " (env " env ")"); \
  [[maybe_unused]] static const bool mobility_env_##name =     \
      ::mobility::BindFlagToEnv(#name, env)

namespace mobility {

// Registers `env` as the environment variable of flag `flag` (what
// MOBILITY_FLAG does); also for a variable chosen at run time, such as a
// service's MOBILITY_<SERVICE>_LISTEN. Returns true.
bool BindFlagToEnv(absl::string_view flag, absl::string_view env);

// Sets every bound flag whose variable is set and not empty, parsed as the
// flag's type. INVALID_ARGUMENT naming the variable when a value does not
// parse.
absl::Status ApplyEnvironment();

// ApplyEnvironment, then the command line, which wins; exits as bad
// configuration (status 2) when either does not parse. Returns the positional
// arguments, the program's name first.
std::vector<char*> ParseFlags(int argc, char** argv, absl::string_view usage);

// Logs `message` as bad_config and exits with status 2: a setting that is
// missing or malformed at start.
[[noreturn]] void ExitBadConfig(const std::string& message);

// The whole content of the file at `path`; NOT_FOUND naming it when it cannot
// be read.
absl::StatusOr<std::string> ReadFile(const std::string& path);

}  // namespace mobility

#endif  // MOBILITY_COMMON_CONFIG_H_
