// Structured log lines, one JSON object per line on stderr:
// {"level":"info","time":"...","service":"agreements","event":"rpc","request_id":...}.
// Callers pass only operational fields (ids, methods, codes, durations): never
// names, e-mails or free text a person typed, and never SQL parameters.
#ifndef MOBILITY_COMMON_LOG_H_
#define MOBILITY_COMMON_LOG_H_

#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace mobility {

enum class LogLevel { kInfo, kWarning, kError };

// Views, read while the line is made: a braced list of fields lives as long as
// the call, so Log(..., {{"status", StatusText()}}) costs no copy.
using LogField = std::pair<absl::string_view, absl::string_view>;
using LogFields = absl::Span<const LogField>;

// Names the service in every later line; call once from main, before any
// other thread starts.
void SetLogService(absl::string_view service);

// Info lines reach stderr within milliseconds, in one write with others;
// warnings and errors at once, after the info lines before them.
void Log(LogLevel level, absl::string_view event, LogFields fields = {});

// Writes out the info lines still waiting; exit does it too.
void FlushLog();

// Sends protobuf's own log lines (e.g. a request that is not UTF-8) through
// Log, so that every line a service writes is JSON.
void InstallProtobufLogHandler();

// `text` as a JSON string literal, quotes included: the quote, the backslash
// and control characters escaped, UTF-8 passed through. The log lines and the
// gateway's own JSON (errors, OpenAPI) write strings with it.
std::string JsonQuoted(absl::string_view text);

// The JSON line Log writes, without the trailing newline; exposed for tests.
std::string FormatLogLine(LogLevel level, absl::string_view service,
                          absl::string_view time, absl::string_view event,
                          LogFields fields);

}  // namespace mobility

#endif  // MOBILITY_COMMON_LOG_H_
