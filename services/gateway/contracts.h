// The services the gateway serves, linked in so that their descriptors, with
// their `google.api.http` annotations, are in the generated pool.
#ifndef MOBILITY_SERVICES_GATEWAY_CONTRACTS_H_
#define MOBILITY_SERVICES_GATEWAY_CONTRACTS_H_

#include <string>
#include <vector>

namespace mobility::gateway {

// Full names: "mobility.agreements.v1.AgreementsService", ...
std::vector<std::string> ServedServices();

}  // namespace mobility::gateway

#endif  // MOBILITY_SERVICES_GATEWAY_CONTRACTS_H_
