// The error model of ENGINEERING.md: canonical codes, each with
// google.rpc.ErrorInfo, validation failures with google.rpc.BadRequest listing
// every violated field. Domain code builds absl::Status values here; the gRPC
// adapter turns them into grpc::Status with google.rpc.Status details
// (common/grpc_status.h), so domain code never includes gRPC.
#ifndef MOBILITY_COMMON_STATUS_H_
#define MOBILITY_COMMON_STATUS_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/words.h"

// Returns the status of `expr` from the enclosing function unless it is OK.
#define MOBILITY_RETURN_IF_ERROR(expr)                                \
  do {                                                                \
    if (absl::Status mobility_status = (expr); !mobility_status.ok()) \
      return mobility_status;                                         \
  } while (false)

// `lhs = *expr` for an absl::StatusOr `expr`, or returns its error from the
// enclosing function: MOBILITY_ASSIGN_OR_RETURN(auto app, store.Get(id));
#define MOBILITY_ASSIGN_OR_RETURN(lhs, expr)                                \
  MOBILITY_ASSIGN_OR_RETURN_(MOBILITY_CONCAT_(mobility_or_, __LINE__), lhs, \
                             expr)
#define MOBILITY_ASSIGN_OR_RETURN_(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.status();              \
  lhs = *std::move(tmp)
#define MOBILITY_CONCAT_(a, b) MOBILITY_CONCAT_INNER_(a, b)
#define MOBILITY_CONCAT_INNER_(a, b) a##b

namespace mobility {

// Domain of every ErrorInfo this system emits.
inline constexpr absl::string_view kErrorDomain = "mobility-office";

struct FieldViolation {
  std::string
      field;  // Path in the request, e.g. "agreement.partners[1].institution".
  std::string description;  // What is wrong, in the domain's words; never the
                            // value itself.
  // The description in the caller's language, once InLanguage ran.
  std::string localized;
};

// A BadRequest lists at most this many violations, then one that counts the
// rest.
inline constexpr size_t kMaxFieldViolations = 50;

// Collects violations so a request gets all of them at once.
class Violations {
 public:
  // What is wrong with `field`, in the reader's language (and in English in
  // the description logs keep).
  void Add(std::string field, const Text& text);
  // `description` for the logs and other systems, `text` for the reader:
  // when the detail is a parser's, not a sentence of ours.
  void Add(std::string field, std::string description, const Text& text);

  // What is wrong with `field` as a check's refusal says it, in its words:
  // v.Add("academic_year", ParseAcademicYear(text).status()).
  void Add(std::string field, const absl::Status& reason);
  bool empty() const { return list_.empty(); }
  const std::vector<FieldViolation>& list() const { return list_; }
  // OK when empty, else `code` (INVALID_ARGUMENT unless said otherwise: a
  // quota reached is RESOURCE_EXHAUSTED) with reason `reason` and a
  // BadRequest.
  absl::Status ToStatus(
      absl::string_view reason,
      absl::StatusCode code = absl::StatusCode::kInvalidArgument) const;

 private:
  std::vector<FieldViolation> list_;
  // Beside list_: each violation's words by language tag (empty when none).
  std::vector<std::map<std::string, std::string>> words_;
};

// A status with `code`, `message` and ErrorInfo{reason, domain}; with a Text,
// its English is the message and the reader gets their language's
// (InLanguage).
absl::Status Error(absl::StatusCode code, absl::string_view reason,
                   absl::string_view message);
absl::Status Error(absl::StatusCode code, absl::string_view reason,
                   const Text& text);
// `message` for the logs and the office, `text` for the reader: when the
// detail is not the reader's to see (a rate table an administrator must
// complete).
absl::Status Error(absl::StatusCode code, absl::string_view reason,
                   absl::string_view message, const Text& text);
// INVALID_ARGUMENT for one field.
absl::Status InvalidField(absl::string_view field, const Text& text);
// INVALID_ARGUMENT for one field, as a check's refusal `reason` says it.
absl::Status InvalidField(absl::string_view field, const absl::Status& reason);

// `status` as the caller reading `language` gets it: the words attached while
// it was built become a google.rpc.LocalizedMessage and each field
// violation's localized_message, in that language. A status without words
// (one from another service, already in the caller's language) is unchanged.
absl::Status InLanguage(absl::Status status, Language language);
// The LocalizedMessage of `status` (after InLanguage), empty when none.
std::string LocalizedMessageOf(const absl::Status& status);

// `missing` when a store answered NOT_FOUND, else the store's own status: a
// database that failed is UNAVAILABLE to the caller, never a missing row.
absl::Status IfNotFound(const absl::Status& status, absl::Status missing);

// `status` with google.rpc.RetryInfo saying when to try again (the gateway
// turns it into Retry-After), and that delay read back (zero when none).
absl::Status WithRetryDelay(absl::Status status, absl::Duration delay);
absl::Duration RetryDelayOf(const absl::Status& status);

// The ErrorInfo reason attached to `status`, empty when none.
std::string ErrorReason(const absl::Status& status);
// Every BadRequest field violation attached to `status`.
std::vector<FieldViolation> FieldViolationsOf(const absl::Status& status);

// `status` with ErrorInfo: its code's name as reason when it has none, so
// every error a caller sees carries one.
absl::Status WithErrorInfo(absl::Status status);

}  // namespace mobility

#endif  // MOBILITY_COMMON_STATUS_H_
