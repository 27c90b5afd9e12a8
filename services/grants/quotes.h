// Quotes: what a mobility would be granted, from the two institutions' towns
// (asked of the agreements service) and the rate tables of its call.
#ifndef MOBILITY_SERVICES_GRANTS_QUOTES_H_
#define MOBILITY_SERVICES_GRANTS_QUOTES_H_

#include <string>

#include "absl/status/statusor.h"
#include "common/call.h"
#include "common/transactor.h"
#include "mobility/grants/v1/grants.pb.h"
#include "services/agreements/client/agreements_client.h"
#include "services/grants/grants_store.h"

namespace mobility::grants {

class Quotes {
 public:
  Quotes(Transactor<GrantsStore>* store, const AgreementsClient* agreements)
      : store_(store), agreements_(agreements) {}

  absl::StatusOr<v1::GrantQuote> CalculateGrant(
      const v1::CalculateGrantRequest& request, const CallContext& call);

  // A quote for a validated request; errors name fields under `prefix`.
  absl::StatusOr<v1::GrantQuote> Quote(const v1::CalculateGrantRequest& request,
                                       const std::string& prefix,
                                       const CallContext& call) const;

 private:
  Transactor<GrantsStore>* store_;
  const AgreementsClient* agreements_;
};

}  // namespace mobility::grants

#endif  // MOBILITY_SERVICES_GRANTS_QUOTES_H_
