// Personal data kept no longer than its purpose (Law of 21 May 2013): the
// scheduled job strips the author's data from inquiries closed longer than
// the retention period, records in each inquiry's history that it did, and
// forgets the rate-limit entries once their hour has passed.
#ifndef MOBILITY_SERVICES_INQUIRIES_RETENTION_H_
#define MOBILITY_SERVICES_INQUIRIES_RETENTION_H_

#include <functional>
#include <vector>

#include "absl/status/statusor.h"
#include "common/call.h"
#include "common/transactor.h"
#include "services/inquiries/inquiries_store.h"
#include "services/inquiries/settings.h"

namespace mobility::inquiries {

// What the inquiry keeps afterwards: number, kind, addressee, dates, states,
// office and the answer's language; not the author, the texts, or the
// messages' words.
void Anonymise(v1::Inquiry& inquiry, absl::Time now);

class Retention {
 public:
  Retention(Transactor<InquiriesStore>* store, const Settings* settings)
      : store_(store), settings_(settings) {}

  // Returns how many inquiries were anonymised.
  absl::StatusOr<int> AnonymiseExpired(const CallLimit& limit);
  absl::StatusOr<int64_t> PurgeSubmissions(const CallLimit& limit);
  // Closes the appeals ANSWERED 30 days ago or more to which their author did
  // not reply; returns how many.
  absl::StatusOr<int> CloseUnreplied(const CallLimit& limit);

 private:
  // Runs `apply` on what `select` finds, a batch a transaction, until a batch
  // comes back short; returns how many.
  absl::StatusOr<int> InBatches(
      const CallLimit& limit,
      const std::function<absl::StatusOr<std::vector<v1::Inquiry>>(
          InquiriesStore&, absl::Time)>& select,
      const std::function<absl::Status(InquiriesStore&, v1::Inquiry&,
                                       absl::Time)>& apply);

  Transactor<InquiriesStore>* store_;
  const Settings* settings_;
};

}  // namespace mobility::inquiries

#endif  // MOBILITY_SERVICES_INQUIRIES_RETENTION_H_
