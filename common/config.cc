#include "common/config.h"

#include <cstdlib>

namespace mobility {

std::string FlagOrEnv(const std::string& flag_value, const char* env,
                      const std::string& fallback) {
  if (!flag_value.empty()) return flag_value;
  const char* from_env = std::getenv(env);
  return from_env == nullptr || *from_env == '\0' ? fallback : from_env;
}

}  // namespace mobility
