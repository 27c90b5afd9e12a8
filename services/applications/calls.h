// Calls: the selection rounds coordinators open for their own institution,
// over cooperation conditions of an approved agreement that send from it.
#ifndef MOBILITY_SERVICES_APPLICATIONS_CALLS_H_
#define MOBILITY_SERVICES_APPLICATIONS_CALLS_H_

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "common/call.h"
#include "common/transactor.h"
#include "common/types.h"
#include "mobility/applications/v1/applications.pb.h"
#include "services/agreements/client/agreements_client.h"
#include "services/applications/applications_store.h"
#include "services/grants/client/grants_client.h"

namespace mobility::applications {

// NOT_FOUND unless `principal` runs calls of `call`'s institution (an admin
// runs every call); the call's existence is not given away either way.
absl::Status CheckRunsCall(const v1::Call& call, const Principal& principal);

class Calls {
 public:
  Calls(
      Transactor<ApplicationsStore>* store, ApplicationsReads* reads,
      const AgreementsClient* agreements, const GrantsClient* grants,
      Clock clock = [] { return absl::Now(); })
      : store_(store),
        reads_(reads),
        agreements_(agreements),
        grants_(grants),
        clock_(std::move(clock)) {}

  absl::StatusOr<v1::Call> CreateCall(const v1::CreateCallRequest& request,
                                      const CallContext& call);
  // Reads that park no thread.
  void GetCall(const v1::GetCallRequest& request, const CallContext& call,
               Then<v1::Call> reply);
  void ListCalls(const v1::ListCallsRequest& request, const CallContext& call,
                 Then<v1::ListCallsResponse> reply);
  absl::StatusOr<v1::Call> UpdateCall(const v1::UpdateCallRequest& request,
                                      const CallContext& call);
  absl::StatusOr<v1::Call> CloseCall(const v1::CloseCallRequest& request,
                                     const CallContext& call);

 private:
  absl::Time Now() const { return TruncatedNow(clock_); }
  // The conditions, programme and budget of a validated call, as the other
  // services know them; sets the call's programme.
  absl::Status CheckAgainstPartners(v1::Call& created, const CallContext& call);

  Transactor<ApplicationsStore>* store_;
  ApplicationsReads* reads_;
  const AgreementsClient* agreements_;
  const GrantsClient* grants_;
  Clock clock_;
};

}  // namespace mobility::applications

#endif  // MOBILITY_SERVICES_APPLICATIONS_CALLS_H_
