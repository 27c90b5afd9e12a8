// Our copy of an agreement beside the partner's, condition by condition, as
// the coordinator must see them before approving the partner's (issue 24).
// Conditions are matched by kind, sending and receiving HEI (the n-th of a
// kind with the n-th); within a pair, each hashed element is compared.
#ifndef MOBILITY_SERVICES_EWP_IIA_COMPARE_H_
#define MOBILITY_SERVICES_EWP_IIA_COMPARE_H_

#include <vector>

#include "mobility/ewp/v1/ewp.pb.h"
#include "services/ewp/iia_hash.h"

namespace mobility::ewp {

// Empty when the two agree on every condition. A condition in one copy only
// is one difference without a field, `ours` or `theirs` reading "present".
std::vector<v1::ConditionDifference> CompareConditions(
    const std::vector<IiaCondition>& ours,
    const std::vector<IiaCondition>& theirs);

}  // namespace mobility::ewp

#endif  // MOBILITY_SERVICES_EWP_IIA_COMPARE_H_
