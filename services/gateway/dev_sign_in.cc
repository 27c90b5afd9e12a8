#include "services/gateway/dev_sign_in.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/api.h"
#include "common/log.h"
#include "common/status.h"

namespace mobility::gateway {
namespace {

std::string Text(const google::protobuf::Struct& body, const std::string& key) {
  auto it = body.fields().find(key);
  return it == body.fields().end() ? "" : it->second.string_value();
}

bool IsSubject(absl::string_view subject) {
  if (subject.empty() || subject.size() > 64) return false;
  for (char c : subject) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '.' &&
        c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::StatusOr<std::string> DevSignIn(const TokenSigner& signer,
                                      absl::string_view body, absl::Time now) {
  google::protobuf::Struct request;
  Violations violations;
  if (!google::protobuf::util::JsonStringToMessage(
           google::protobuf::StringPiece(body.data(), body.size()), &request)
           .ok()) {
    violations.Add("body", "must be a JSON object");
    return violations.ToStatus("MALFORMED_JSON");
  }
  const std::optional<Role> role = ParseRole(Text(request, "role"));
  if (!role.has_value() ||
      (*role != Role::kCoordinator && *role != Role::kFinance &&
       *role != Role::kInquiryHandler && *role != Role::kRectorOffice)) {
    violations.Add("role",
                   "must be one of the office's: coordinator, finance, "
                   "inquiry_handler, rector_office");
  }
  const std::string subject = Text(request, "subject");
  if (!IsSubject(subject))
    violations.Add("subject", "must be 1-64 of [a-z0-9._-]");
  // Staff act for their institution, and see and change only its data.
  const std::string institution = Text(request, "institution");
  if (!ParseResourceName("institution", institution, "institutions").ok())
    violations.Add("institution", "must be \"institutions/{id}\"");
  if (!violations.empty()) return violations.ToStatus("BAD_SIGN_IN");
  TokenClaims claims;
  claims.subject = subject;
  claims.institution = institution;
  claims.roles = {*role};
  claims.issued_at = now;
  claims.lifetime = kDevTokenLifetime;
  auto token = signer.Sign(claims);
  if (!token.ok()) return token.status();
  return absl::StrCat(R"({"token":)", JsonQuoted(*token),
                      R"(,"expiresInSeconds":)",
                      absl::ToInt64Seconds(kDevTokenLifetime), "}");
}

}  // namespace mobility::gateway
