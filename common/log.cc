#include "common/log.h"

#include <google/protobuf/stubs/logging.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace mobility {
namespace {

// Set once at start, before other threads; read without a lock afterwards.
std::string* log_service = new std::string("mobility");

absl::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

}  // namespace

std::string JsonQuoted(absl::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        if (c < 0x20) {
          absl::StrAppendFormat(&out, "\\u%04x", c);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
  return out;
}

void SetLogService(absl::string_view service) {
  *log_service = std::string(service);
}

std::string FormatLogLine(LogLevel level, absl::string_view service,
                          absl::string_view time, absl::string_view event,
                          const LogFields& fields) {
  std::string line = "{\"level\":";
  line.append(JsonQuoted(LevelName(level)));
  line.append(",\"time\":");
  line.append(JsonQuoted(time));
  line.append(",\"service\":");
  line.append(JsonQuoted(service));
  line.append(",\"event\":");
  line.append(JsonQuoted(event));
  for (const auto& [key, value] : fields) {
    line.push_back(',');
    line.append(JsonQuoted(key));
    line.push_back(':');
    line.append(JsonQuoted(value));
  }
  line.push_back('}');
  return line;
}

void Log(LogLevel level, absl::string_view event, const LogFields& fields) {
  std::string time = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(),
                                      absl::UTCTimeZone());
  std::string line = FormatLogLine(level, *log_service, time, event, fields);
  line.push_back('\n');
  // One write per line, no lock: the log is opened for appending, where each
  // write lands whole.
  for (size_t done = 0; done < line.size();) {
    const ssize_t n =
        ::write(STDERR_FILENO, line.data() + done, line.size() - done);
    if (n <= 0 && errno != EINTR) return;  // Nowhere to report it.
    if (n > 0) done += static_cast<size_t>(n);
  }
}

void InstallProtobufLogHandler() {
  google::protobuf::SetLogHandler([](google::protobuf::LogLevel level,
                                     const char* /*filename*/, int /*line*/,
                                     const std::string& message) {
    // Protobuf names fields and types, never values.
    Log(level >= google::protobuf::LOGLEVEL_ERROR     ? LogLevel::kError
        : level == google::protobuf::LOGLEVEL_WARNING ? LogLevel::kWarning
                                                      : LogLevel::kInfo,
        "protobuf", {{"message", message}});
  });
}

}  // namespace mobility
