// Learning agreements of selected students: versions of the components to
// study at the host and to recognise at home, each in force once the student,
// the sending and the receiving institution have signed it.
#ifndef MOBILITY_SERVICES_APPLICATIONS_LEARNING_AGREEMENTS_H_
#define MOBILITY_SERVICES_APPLICATIONS_LEARNING_AGREEMENTS_H_

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "common/call.h"
#include "common/transactor.h"
#include "common/types.h"
#include "mobility/applications/v1/applications.pb.h"
#include "services/applications/applications_store.h"

namespace mobility::applications {

class LearningAgreements {
 public:
  explicit LearningAgreements(
      Transactor<ApplicationsStore>* store,
      Clock clock = [] { return absl::Now(); })
      : store_(store), clock_(std::move(clock)) {}

  absl::StatusOr<v1::LearningAgreement> GetLearningAgreement(
      const v1::GetLearningAgreementRequest& request, const CallContext& call);
  absl::StatusOr<v1::LearningAgreement> ProposeLearningAgreement(
      const v1::ProposeLearningAgreementRequest& request,
      const CallContext& call);
  absl::StatusOr<v1::LearningAgreement> SignLearningAgreement(
      const v1::SignLearningAgreementRequest& request, const CallContext& call);

 private:
  absl::Time Now() const { return TruncatedNow(clock_); }

  Transactor<ApplicationsStore>* store_;
  Clock clock_;
};

}  // namespace mobility::applications

#endif  // MOBILITY_SERVICES_APPLICATIONS_LEARNING_AGREEMENTS_H_
