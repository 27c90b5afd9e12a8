// After selection: the nomination to the host, the start of the mobility and
// its completion on the real dates, which settles the grant.
#ifndef MOBILITY_SERVICES_APPLICATIONS_MOBILITIES_H_
#define MOBILITY_SERVICES_APPLICATIONS_MOBILITIES_H_

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "common/call.h"
#include "common/transactor.h"
#include "common/types.h"
#include "mobility/applications/v1/applications.pb.h"
#include "services/applications/applications_store.h"
#include "services/grants/client/grants_client.h"

namespace mobility::applications {

class Mobilities {
 public:
  Mobilities(
      Transactor<ApplicationsStore>* store, const GrantsClient* grants,
      std::string public_url, Clock clock = [] { return absl::Now(); })
      : store_(store),
        grants_(grants),
        public_url_(std::move(public_url)),
        clock_(std::move(clock)) {}

  absl::StatusOr<v1::Application> NominateApplication(
      const v1::NominateApplicationRequest& request, const CallContext& call);
  absl::StatusOr<v1::Application> StartMobility(
      const v1::StartMobilityRequest& request, const CallContext& call);
  absl::StatusOr<v1::Application> CompleteMobility(
      const v1::CompleteMobilityRequest& request, const CallContext& call);

 private:
  absl::Time Now() const { return TruncatedNow(clock_); }

  Transactor<ApplicationsStore>* store_;
  const GrantsClient* grants_;
  // Where the applicants' e-mails link to (the web pages).
  const std::string public_url_;
  Clock clock_;
};

}  // namespace mobility::applications

#endif  // MOBILITY_SERVICES_APPLICATIONS_MOBILITIES_H_
