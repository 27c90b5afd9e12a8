// The path templates of google.api.http (google/api/http.proto): literal
// segments, `*` (one segment), `**` (the rest), variables bound to request
// fields (`{name=agreements/*}`, `{agreement}` meaning `{agreement=*}`), and
// a custom verb (`:approve`). Parsed once at start; matched per request.
#ifndef MOBILITY_SERVICES_GATEWAY_PATH_TEMPLATE_H_
#define MOBILITY_SERVICES_GATEWAY_PATH_TEMPLATE_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace mobility::gateway {

class PathTemplate {
 public:
  // INVALID_ARGUMENT naming what is wrong with `text`.
  static absl::StatusOr<PathTemplate> Parse(absl::string_view text);

  // A field path ("agreement.name") and the text it takes.
  using Bindings = std::vector<std::pair<std::string, std::string>>;
  // The bindings when `path` (no query string) matches, nullopt otherwise.
  // Segments are percent-decoded; a variable of several segments keeps its
  // slashes.
  std::optional<Bindings> Match(absl::string_view path) const;
  // The same for a path already split at '/' (after its leading '/'), so a
  // router splits each request once for all its templates.
  std::optional<Bindings> MatchParts(
      absl::Span<const absl::string_view> parts) const;

  const std::string& text() const { return text_; }
  // The fields the variables bind, in order.
  std::vector<std::string> FieldPaths() const {
    std::vector<std::string> out;
    for (const auto& v : variables_) out.push_back(v.field_path);
    return out;
  }
  const std::string& verb() const { return verb_; }
  // How many segments are literal, the verb counted as one: a more specific
  // template wins when several match ("calls/x:rankApplications" is a verb of
  // a call, not a call named "x:rankApplications").
  int literal_count() const { return literal_count_; }

 private:
  struct Segment {
    enum Kind { kLiteral, kStar, kDoubleStar } kind;
    std::string literal;
  };
  struct Variable {
    std::string field_path;
    size_t first = 0;  // Index of its first segment.
    size_t end = 0;    // One past its last; a `**` runs to the path's end.
  };
  std::string text_;
  std::vector<Segment> segments_;
  std::vector<Variable> variables_;
  std::string verb_;
  int literal_count_ = 0;
};

// `text` with %XX escapes decoded; nullopt for a malformed escape.
std::optional<std::string> PercentDecode(absl::string_view text);

}  // namespace mobility::gateway

#endif  // MOBILITY_SERVICES_GATEWAY_PATH_TEMPLATE_H_
