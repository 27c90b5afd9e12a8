#include "services/gateway/dev_sign_in.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/api.h"
#include "common/common_words.h"
#include "common/log.h"
#include "common/status.h"
#include "services/gateway/words.h"

namespace mobility::gateway {
namespace {

std::string StringOf(const google::protobuf::Struct& body,
                     const std::string& key) {
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
    violations.Add("body", Text(words::JSON_OBJECT));
    return violations.ToStatus("MALFORMED_JSON");
  }
  const std::optional<Role> role = ParseRole(StringOf(request, "role"));
  if (!role.has_value() ||
      (*role != Role::kCoordinator && *role != Role::kFinance &&
       *role != Role::kInquiryHandler && *role != Role::kRectorOffice)) {
    violations.Add("role", Text(words::OFFICE_ROLE));
  }
  const std::string subject = StringOf(request, "subject");
  if (!IsSubject(subject)) violations.Add("subject", Text(words::SUBJECT));
  // Staff act for their institution, and see and change only its data.
  const std::string institution = StringOf(request, "institution");
  if (!ParseResourceName("institution", institution, "institutions").ok())
    violations.Add("institution", Text(common_words::INSTITUTION_NAME));
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
