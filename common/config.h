// Settings from flags and the environment, shared by the services and the
// tools.
#ifndef MOBILITY_COMMON_CONFIG_H_
#define MOBILITY_COMMON_CONFIG_H_

#include <string>

#include "absl/status/statusor.h"

namespace mobility {

// `flag_value` when set, else the environment variable `env`, else `fallback`.
std::string FlagOrEnv(const std::string& flag_value, const char* env,
                      const std::string& fallback = "");

// Logs `message` as bad_config and exits with status 2: a setting that is
// missing or malformed at start.
[[noreturn]] void ExitBadConfig(const std::string& message);

// The whole content of the file at `path`; NOT_FOUND naming it when it cannot
// be read.
absl::StatusOr<std::string> ReadFile(const std::string& path);

}  // namespace mobility

#endif  // MOBILITY_COMMON_CONFIG_H_
