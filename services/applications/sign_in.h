// Applicants sign in without a password: a 6-digit code e-mailed through the
// service's outbox, valid for 10 minutes and 5 tries, yields a token of an
// hour for the applicant role, signed with this service's own key (see
// kApplicantTokenIssuer). Each code belongs to the attempt that asked for it
// (an id only the asker learns), so someone who knows only an address can
// neither spend another's code with wrong tries nor use up another client's
// requests. Only digests of addresses, clients, attempts and codes are
// stored, the addresses' and clients' keyed with the deployment's secret.
#ifndef MOBILITY_SERVICES_APPLICATIONS_SIGN_IN_H_
#define MOBILITY_SERVICES_APPLICATIONS_SIGN_IN_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "common/auth.h"
#include "common/call.h"
#include "common/transactor.h"
#include "common/types.h"
#include "mobility/applications/v1/applications.pb.h"
#include "services/applications/applications_store.h"

namespace mobility::applications {

inline constexpr absl::Duration kSignInCodeLifetime = absl::Minutes(10);
inline constexpr int kSignInAttempts = 5;
inline constexpr absl::Duration kApplicantSessionLifetime = absl::Hours(1);
// Codes sent in an hour: to one address for one client, to one address in
// all, and for one client. The first binds a client to an address, so one
// client's requests cannot stop another's; the second bounds the mail one
// mailbox gets.
inline constexpr int kSignInCodesPerAddressAndClient = 5;
inline constexpr int kSignInCodesPerAddress = 20;
inline constexpr int kSignInCodesPerClient = 20;

class SignIn {
 public:
  // Without a `signer` applicant sign-in is not offered (FAILED_PRECONDITION).
  // Tokens name `audience`, the one the services are configured to accept.
  SignIn(
      Transactor<ApplicationsStore>* store, std::optional<TokenSigner> signer,
      std::string audience = std::string(kDefaultAudience),
      Clock clock = [] { return absl::Now(); })
      : store_(store),
        signer_(std::move(signer)),
        audience_(std::move(audience)),
        clock_(std::move(clock)) {}

  absl::StatusOr<v1::SendSignInCodeResponse> SendSignInCode(
      const v1::SendSignInCodeRequest& request, const CallContext& call);
  absl::StatusOr<v1::ApplicantSession> CreateApplicantSession(
      const v1::CreateApplicantSessionRequest& request,
      const CallContext& call);

  // Deletes codes older than a day, which no limit counts any more.
  absl::StatusOr<int64_t> PurgeCodes(const CallLimit& limit);

 private:
  absl::Time Now() const { return TruncatedNow(clock_); }
  absl::Status CheckConfigured() const;

  Transactor<ApplicationsStore>* store_;
  const std::optional<TokenSigner> signer_;
  const std::string audience_;
  Clock clock_;
};

}  // namespace mobility::applications

#endif  // MOBILITY_SERVICES_APPLICATIONS_SIGN_IN_H_
