#include "common/log.h"

#include <google/protobuf/stubs/logging.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
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

// JsonQuoted, appended to `out`.
void AppendJsonQuoted(std::string* out, absl::string_view text) {
  out->push_back('"');
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c < 0x20) {
          absl::StrAppendFormat(out, "\\u%04x", c);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

}  // namespace

std::string JsonQuoted(absl::string_view text) {
  std::string out;
  AppendJsonQuoted(&out, text);
  return out;
}

void SetLogService(absl::string_view service) {
  *log_service = std::string(service);
}

std::string FormatLogLine(LogLevel level, absl::string_view service,
                          absl::string_view time, absl::string_view event,
                          LogFields fields) {
  std::string line;
  line.reserve(256);  // An access line, without growing.
  line.append("{\"level\":");
  AppendJsonQuoted(&line, LevelName(level));
  line.append(",\"time\":");
  AppendJsonQuoted(&line, time);
  line.append(",\"service\":");
  AppendJsonQuoted(&line, service);
  line.append(",\"event\":");
  AppendJsonQuoted(&line, event);
  for (const auto& [key, value] : fields) {
    line.push_back(',');
    AppendJsonQuoted(&line, key);
    line.push_back(':');
    AppendJsonQuoted(&line, value);
  }
  line.push_back('}');
  return line;
}

namespace {

// Info lines, one per call, wait in memory up to kLogFlushEvery and go out in
// one write: a write(2) per call cost a tenth of a read's throughput (issue
// 25). A warning or an error goes out at once, after what waits, so lines keep
// their order and what led to a failure is on disk before it. A process
// killed outright loses at most kLogFlushEvery of info lines; one that exits
// flushes (atexit).
constexpr absl::Duration kLogFlushEvery = absl::Milliseconds(10);
constexpr size_t kLogBatchBytes = 64 * 1024;  // Flushed at once when full.

class LogWriter {
 public:
  static LogWriter& Writer() {
    static LogWriter* writer = new LogWriter;  // Never destroyed: see atexit.
    return *writer;
  }

  void Append(const std::string& line, bool at_once) {
    {
      absl::MutexLock lock(&mu_);
      pending_.append(line);
      if (!at_once && pending_.size() < kLogBatchBytes) {
        StartWriter();
        return;
      }
    }
    Flush();
  }

  void Flush() ABSL_LOCKS_EXCLUDED(mu_, write_mu_) {
    absl::MutexLock writing(&write_mu_);
    {
      absl::MutexLock lock(&mu_);
      batch_.swap(pending_);  // Both keep their capacity.
    }
    WriteAll(batch_);
    batch_.clear();
  }

 private:
  // Writes `text` to stderr whole. No lock is needed between processes: the
  // log is opened for appending, where each write lands whole.
  static void WriteAll(absl::string_view text) {
    for (size_t done = 0; done < text.size();) {
      const ssize_t n =
          ::write(STDERR_FILENO, text.data() + done, text.size() - done);
      if (n <= 0 && errno != EINTR) return;  // Nowhere to report it.
      if (n > 0) done += static_cast<size_t>(n);
    }
  }

  void StartWriter() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (writer_started_) return;
    writer_started_ = true;
    std::atexit([] { Writer().Flush(); });
    std::thread([this] {
      for (;;) {
        {
          absl::MutexLock lock(&mu_);
          mu_.Await(absl::Condition(
              +[](std::string* pending) { return !pending->empty(); },
              &pending_));
        }
        absl::SleepFor(kLogFlushEvery);
        Flush();
      }
    }).detach();
  }

  absl::Mutex write_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  std::string batch_ ABSL_GUARDED_BY(write_mu_);
  absl::Mutex mu_;
  std::string pending_ ABSL_GUARDED_BY(mu_);
  bool writer_started_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace

void Log(LogLevel level, absl::string_view event, LogFields fields) {
  std::string time = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(),
                                      absl::UTCTimeZone());
  std::string line = FormatLogLine(level, *log_service, time, event, fields);
  line.push_back('\n');
  LogWriter::Writer().Append(line, level != LogLevel::kInfo);
}

void FlushLog() { LogWriter::Writer().Flush(); }

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
