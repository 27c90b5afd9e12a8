#include "common/config.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/log.h"

namespace mobility {

std::string FlagOrEnv(const std::string& flag_value, const char* env,
                      const std::string& fallback) {
  if (!flag_value.empty()) return flag_value;
  const char* from_env = std::getenv(env);
  return from_env == nullptr || *from_env == '\0' ? fallback : from_env;
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
