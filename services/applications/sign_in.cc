#include "services/applications/sign_in.h"

#include <openssl/rand.h>

#include <algorithm>
#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/api.h"
#include "common/common_words.h"
#include "common/metrics.h"
#include "common/status.h"
#include "services/applications/words.h"

namespace mobility::applications {
namespace {

constexpr absl::Duration kRateWindow = absl::Hours(1);

// Addresses differ in case only where no mail system makes them differ.
std::string CanonicalEmail(absl::string_view email) {
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(email));
}

// What identifies an applicant across sign-ins (the applicants table); kept
// as it was, so applicants keep their applications.
std::string EmailHash(absl::string_view email) {
  return Sha256Hex(absl::StrCat("email:", CanonicalEmail(email)));
}

// What codes and their limits are counted by: keyed digests.
std::string AddressKey(absl::string_view email) {
  return KeyedDigest("sign-in address", CanonicalEmail(email));
}
std::string ClientKey(absl::string_view client_address) {
  return KeyedDigest("sign-in client", client_address);
}

// Salted with the address's digest, so equal codes of two addresses differ.
std::string CodeHash(const std::string& email_hash, absl::string_view code) {
  return Sha256Hex(absl::StrCat(email_hash, ":", code));
}

// Six digits, uniform: draws at or above the largest multiple of a million
// are drawn again.
std::string NewCode() {
  constexpr uint32_t kLimit = 4294000000u;  // 4294 x 10^6 <= 2^32.
  uint32_t draw = 0;
  do {
    RAND_bytes(reinterpret_cast<unsigned char*>(&draw), sizeof draw);
  } while (draw >= kLimit);
  return absl::StrFormat("%06u", draw % 1000000u);
}

bool IsCode(absl::string_view code) {
  return code.size() == 6 &&
         std::all_of(code.begin(), code.end(), absl::ascii_isdigit);
}

Mail CodeMail(const std::string& recipient, const std::string& language,
              const std::string& code) {
  Mail mail;
  mail.recipient = recipient;
  if (language == "kk") {
    mail.subject = "Mobility Office жүйесіне кіру коды";
    mail.body = absl::StrCat("Кіру кодыңыз: ", code,
                             ". Ол 10 минут жарамды.\r\n\r\nЕгер оны сіз "
                             "сұрамасаңыз, бұл хатты елемеңіз.\r\n");
  } else if (language == "ru") {
    mail.subject = "Код входа в Mobility Office";
    mail.body = absl::StrCat("Ваш код входа: ", code,
                             ". Он действует 10 минут.\r\n\r\nЕсли вы его не "
                             "запрашивали, просто не обращайте внимания на "
                             "это письмо.\r\n");
  } else {
    mail.subject = "Your Mobility Office sign-in code";
    mail.body = absl::StrCat("Your sign-in code is ", code,
                             ". It is valid for 10 minutes.\r\n\r\nIf you did "
                             "not ask for it, ignore this e-mail.\r\n");
  }
  return mail;
}

absl::Status RateLimited(const Words& what) {
  return WithRetryDelay(Error(absl::StatusCode::kResourceExhausted,
                              "SIGN_IN_RATE_LIMITED", Text(what)),
                        kRateWindow);
}

absl::Status CodeExpired() {
  return Error(absl::StatusCode::kFailedPrecondition, "SIGN_IN_CODE_EXPIRED",
               Text(words::SIGN_IN_CODE_EXPIRED));
}

}  // namespace

absl::Status SignIn::CheckConfigured() const {
  if (signer_.has_value()) return absl::OkStatus();
  return Error(absl::StatusCode::kFailedPrecondition, "SIGN_IN_NOT_CONFIGURED",
               Text(words::SIGN_IN_NOT_CONFIGURED));
}

namespace {

// Codes sent, and refused for the per-address and per-network limits: a
// flood of refusals is someone trying addresses.
metrics::Counter& CodesMetric() {
  static auto* counter = new metrics::Counter(metrics::Default().AddCounter(
      "mobility_sign_in_codes_total",
      "Sign-in codes sent, and refused for the per-address and per-network "
      "limits.",
      {"outcome"}));
  return *counter;
}

}  // namespace

absl::StatusOr<v1::SendSignInCodeResponse> SignIn::SendSignInCode(
    const v1::SendSignInCodeRequest& request, const CallContext& call) {
  const std::string email(absl::StripAsciiWhitespace(request.email()));
  Violations v;
  if (!IsPlausibleEmail(email)) v.Add("email", Text(common_words::EMAIL));
  const std::string& language = request.language();
  if (!language.empty() && language != "kk" && language != "ru" &&
      language != "en") {
    v.Add("language", Text(common_words::PAGE_LANGUAGE));
  }
  if (!v.empty()) return v.ToStatus("INVALID_SIGN_IN");
  if (absl::Status s = CheckConfigured(); !s.ok()) return s;
  const std::string address_key = AddressKey(email);
  const std::string client_key = ClientKey(call.client_address);
  const absl::Time now = Now();
  const std::string code = NewCode();
  const std::string attempt = NewResourceId();
  absl::Status sent = store_->Transact(call.limit, [&](ApplicationsStore& s) {
    MOBILITY_RETURN_IF_ERROR(s.LockSignInEmail(address_key));
    const absl::Time since = now - kRateWindow;
    MOBILITY_ASSIGN_OR_RETURN(
        const int to_address_from_client,
        s.CountSignInCodesTo(address_key, client_key, since));
    if (to_address_from_client >= kSignInCodesPerAddressAndClient) {
      return RateLimited(words::SIGN_IN_LIMIT_ADDRESS_AND_NETWORK);
    }
    MOBILITY_ASSIGN_OR_RETURN(const int to_address,
                              s.CountSignInCodesTo(address_key, "", since));
    if (to_address >= kSignInCodesPerAddress) {
      return RateLimited(words::SIGN_IN_LIMIT_ADDRESS);
    }
    MOBILITY_ASSIGN_OR_RETURN(const int from_client,
                              s.CountSignInCodesFrom(client_key, since));
    if (from_client >= kSignInCodesPerClient)
      return RateLimited(words::SIGN_IN_LIMIT_NETWORK);
    MOBILITY_RETURN_IF_ERROR(s.InsertSignInCode(
        address_key, client_key, Sha256Hex(attempt),
        CodeHash(address_key, code), now, now + kSignInCodeLifetime));
    Mail mail = CodeMail(email, language, code);
    // Never sent once the code it carries no longer works.
    mail.expire_time = now + kSignInCodeLifetime;
    MOBILITY_RETURN_IF_ERROR(s.EnqueueMail(mail, now));
    return absl::OkStatus();
  });
  if (!sent.ok()) {
    if (sent.code() == absl::StatusCode::kResourceExhausted)
      CodesMetric().Add({"refused"});
    return sent;
  }
  CodesMetric().Add({"sent"});
  v1::SendSignInCodeResponse response;
  *response.mutable_expire_time() = ToTimestamp(now + kSignInCodeLifetime);
  response.set_attempt(attempt);
  return response;
}

absl::StatusOr<v1::ApplicantSession> SignIn::CreateApplicantSession(
    const v1::CreateApplicantSessionRequest& request, const CallContext& call) {
  Violations v;
  if (!IsPlausibleEmail(absl::StripAsciiWhitespace(request.email())))
    v.Add("email", Text(common_words::EMAIL));
  if (!IsCode(request.code())) v.Add("code", Text(words::CODE_SIX_DIGITS));
  if (!IsGeneratedId(request.attempt())) {
    v.Add("attempt", Text(words::CODE_ATTEMPT));
  }
  if (!v.empty()) return v.ToStatus("INVALID_SIGN_IN");
  if (absl::Status s = CheckConfigured(); !s.ok()) return s;
  const std::string address_key = AddressKey(request.email());
  const std::string attempt_hash = Sha256Hex(request.attempt());
  const absl::Time now = Now();
  const std::string new_id = NewResourceId();
  // A wrong code must count even though the call fails, so the transaction
  // commits an outcome and the error is made after it.
  enum class Outcome { kSignedIn, kWrongCode, kNoCode };
  struct Result {
    Outcome outcome = Outcome::kNoCode;
    std::string applicant_id;
  };
  auto result = store_->TransactValue(
      call.limit, [&](ApplicationsStore& s) -> absl::StatusOr<Result> {
        Result r;
        MOBILITY_ASSIGN_OR_RETURN(
            std::optional<ApplicationsStore::SignInCode> code,
            s.FindSignInCode(address_key, attempt_hash));
        if (!code.has_value() || code->used || code->expire_time <= now ||
            code->failed_attempts >= kSignInAttempts) {
          return r;
        }
        if (code->code_hash != CodeHash(address_key, request.code())) {
          MOBILITY_RETURN_IF_ERROR(s.RecordFailedSignIn(code->id));
          r.outcome = Outcome::kWrongCode;
          return r;
        }
        MOBILITY_RETURN_IF_ERROR(s.UseSignInCode(code->id, now));
        r.outcome = Outcome::kSignedIn;
        MOBILITY_ASSIGN_OR_RETURN(
            r.applicant_id,
            s.ApplicantId(EmailHash(request.email()), new_id, now));
        return r;
      });
  if (!result.ok()) return result.status();
  if (result->outcome == Outcome::kNoCode) return CodeExpired();
  if (result->outcome == Outcome::kWrongCode)
    return InvalidField("code", Text(words::CODE_WRONG));
  TokenClaims claims;
  claims.issuer = std::string(kApplicantTokenIssuer);
  claims.subject = absl::StrCat("applicants/", result->applicant_id);
  claims.roles = {Role::kApplicant};
  claims.audience = audience_;
  claims.issued_at = now;
  claims.lifetime = kApplicantSessionLifetime;
  auto token = signer_->Sign(claims);
  if (!token.ok()) return token.status();
  v1::ApplicantSession session;
  session.set_token(*std::move(token));
  *session.mutable_expire_time() = ToTimestamp(now + kApplicantSessionLifetime);
  session.set_applicant(claims.subject);
  return session;
}

absl::StatusOr<int64_t> SignIn::PurgeCodes(const CallLimit& limit) {
  const absl::Time before = Now() - absl::Hours(24);
  return store_->TransactValue(
      limit, [&](ApplicationsStore& s) -> absl::StatusOr<int64_t> {
        return s.PurgeSignInCodes(before);
      });
}

}  // namespace mobility::applications
