// The applicant's personal data over its life: an export of everything held
// about them, and its anonymisation once the retention period after the call
// closed has passed (default 5 years; the law wants it kept no longer than its
// purpose).
#ifndef MOBILITY_SERVICES_APPLICATIONS_PERSONAL_DATA_H_
#define MOBILITY_SERVICES_APPLICATIONS_PERSONAL_DATA_H_

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "common/call.h"
#include "common/transactor.h"
#include "common/types.h"
#include "mobility/applications/v1/applications.pb.h"
#include "services/applications/applications_store.h"

namespace mobility::applications {

inline constexpr absl::Duration kDefaultRetention = absl::Hours(24 * 365 * 5);

// Removes the personal data of `application`: who applied, how to reach them,
// their motivation and language skills, and their subject in the history.
// What remains (condition, kind, dates, level, field, scores, states) serves
// statistics.
void Anonymise(v1::Application& application, absl::Time now);

class PersonalData {
 public:
  PersonalData(
      Transactor<ApplicationsStore>* store,
      absl::Duration retention = kDefaultRetention,
      Clock clock = [] { return absl::Now(); })
      : store_(store), retention_(retention), clock_(std::move(clock)) {}

  absl::StatusOr<v1::ApplicantDataExport> ExportMyData(
      const v1::ExportMyDataRequest& request, const CallContext& call);

  // Anonymises, in batches, every application of a call that closed longer
  // than the retention period ago; returns how many it anonymised.
  absl::StatusOr<int> AnonymiseExpired(const CallLimit& limit);

 private:
  absl::Time Now() const { return TruncatedNow(clock_); }

  Transactor<ApplicationsStore>* store_;
  const absl::Duration retention_;
  Clock clock_;
};

}  // namespace mobility::applications

#endif  // MOBILITY_SERVICES_APPLICATIONS_PERSONAL_DATA_H_
