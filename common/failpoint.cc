#include "common/failpoint.h"

#include <signal.h>
#include <unistd.h>

#include <set>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_split.h"
#include "common/config.h"
#include "common/log.h"

MOBILITY_FLAG(std::string, failpoints, "", "MOBILITY_FAILPOINTS",
              "tests only: comma-separated points at which the process kills "
              "itself (e.g. selection.after_place)");

namespace mobility {

void Failpoint(const char* name) {
  // Read once, after the flags were parsed: the first point is reached while
  // serving.
  static const std::set<std::string> armed = [] {
    std::set<std::string> names =
        absl::StrSplit(absl::GetFlag(FLAGS_failpoints), ',', absl::SkipEmpty());
    return names;
  }();
  if (armed.empty() || armed.count(name) == 0) return;
  Log(LogLevel::kWarning, "failpoint", {{"point", name}});
  kill(getpid(), SIGKILL);
}

}  // namespace mobility
