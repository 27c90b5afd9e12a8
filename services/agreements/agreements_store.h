// All SQL of the agreements service. Every function runs inside the caller's
// transaction.
#ifndef MOBILITY_SERVICES_AGREEMENTS_AGREEMENTS_STORE_H_
#define MOBILITY_SERVICES_AGREEMENTS_AGREEMENTS_STORE_H_

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/call.h"
#include "common/idempotency.h"
#include "common/transactor.h"
#include "mobility/agreements/v1/agreements.pb.h"

namespace mobility::agreements {

class AgreementsStore : public RequestLedger {
 public:
  // Institutions. Ids are the last part of the resource name.
  virtual absl::Status InsertInstitution(const std::string& id,
                                         const v1::Institution& institution,
                                         int64_t revision) = 0;
  virtual absl::StatusOr<std::pair<v1::Institution, int64_t>> GetInstitution(
      const std::string& id, bool for_update) = 0;
  virtual absl::Status UpdateInstitution(const std::string& id,
                                         const v1::Institution& institution,
                                         int64_t revision) = 0;
  // Resource name -> country code of those of `names` that exist.
  virtual absl::StatusOr<std::map<std::string, std::string>>
  InstitutionCountries(const std::vector<std::string>& names) = 0;
  // The official ISCED-F 2013 names of those of `codes` that are fields.
  virtual absl::StatusOr<std::map<std::string, std::string>> IscedFieldNames(
      const std::vector<std::string>& codes) = 0;

  // Agreements: the current version plus one stored row per revision.
  virtual absl::Status InsertAgreement(const std::string& id,
                                       const v1::Agreement& agreement) = 0;
  virtual absl::Status SaveAgreement(const std::string& id,
                                     const v1::Agreement& agreement) = 0;
  // How reading the agreement locks its row until commit. kUpdate: against
  // every other writer. kShare: it neither changes nor ends meanwhile, while
  // other allocations under it go on at once.
  enum class RowLock { kShare, kUpdate };
  virtual absl::StatusOr<v1::Agreement> GetAgreement(const std::string& id,
                                                     RowLock lock) = 0;
  virtual absl::StatusOr<v1::Agreement> GetAgreementRevision(
      const std::string& id, int64_t revision) = 0;
  // Removes the agreement and all its revisions.
  virtual absl::Status DeleteAgreement(const std::string& id) = 0;
  struct AgreementFilter {
    std::string partner_institution_id;  // Empty: any.
    int academic_year = 0;               // First calendar year; 0: any.
    std::string state;                   // Empty: any.
    // Only those in force: APPROVED, or AMENDED with an approved revision
    // still in force, and not ended.
    bool in_force = false;
    // Only those this institution is a partner of; empty: any.
    std::string member_institution_id;
    // The institution's day: a notice taking effect by then has ended it.
    absl::CivilDay today;
  };

  // Quota ledger.
  // Serializes until commit the allocations under `key` and those of
  // `condition_id` in `academic_year`, so that what ReadQuota reads stays
  // true; other conditions allocate at once.
  virtual absl::Status LockQuota(const std::string& agreement_id,
                                 const std::string& key,
                                 const std::string& condition_id,
                                 int academic_year) = 0;
  // What an allocation under `key` decides on, in one statement once
  // LockQuota holds: whether the key is closed (ReleaseMobility with `final`),
  // what it holds, and how many mobilities of `condition_id` in
  // `academic_year` are allocated.
  struct Quota {
    bool key_closed = false;
    std::optional<v1::MobilityAllocation> held;
    int allocated = 0;
  };
  virtual absl::StatusOr<Quota> ReadQuota(const std::string& agreement_id,
                                          const std::string& key,
                                          const std::string& condition_id,
                                          int academic_year) = 0;
  virtual absl::StatusOr<std::optional<v1::MobilityAllocation>> FindAllocation(
      const std::string& agreement_id, const std::string& key) = 0;
  // Mobilities held under the agreement, of any condition and year.
  virtual absl::StatusOr<int> CountAllocations(
      const std::string& agreement_id) = 0;
  virtual absl::Status SaveAllocation(const std::string& agreement_id,
                                      const v1::MobilityAllocation& allocation,
                                      int academic_year) = 0;
  // Closed keys never allocate again.
  virtual absl::Status CloseAllocationKey(const std::string& agreement_id,
                                          const std::string& key,
                                          absl::Time now) = 0;
  // An agreement's current version with its allocated mobilities by
  // (condition id, academic year), read in one statement so both come from
  // the same snapshot.
  struct AgreementUsage {
    v1::Agreement agreement;
    std::map<std::pair<std::string, int>, int> allocated;
  };
};

// The reads the serving path makes outside a transaction, parking no thread:
// each hands its result to `then` once, on whichever thread received it.
class AgreementsReads {
 public:
  virtual ~AgreementsReads() = default;
  virtual void GetInstitution(const CallLimit& limit, const std::string& id,
                              Then<v1::Institution> then) = 0;
  // A page of institutions (of `country_code` unless empty) in id order
  // after `after_id`, at most `max_rows`.
  virtual void ListInstitutions(const CallLimit& limit,
                                const std::string& country_code,
                                const std::string& after_id, int max_rows,
                                Then<std::vector<v1::Institution>> then) = 0;
  virtual void GetAgreement(const CallLimit& limit, const std::string& id,
                            Then<v1::Agreement> then) = 0;
  virtual void GetAgreementUsage(
      const CallLimit& limit, const std::string& id,
      Then<AgreementsStore::AgreementUsage> then) = 0;
  virtual void GetAgreementRevision(const CallLimit& limit,
                                    const std::string& id, int64_t revision,
                                    Then<v1::Agreement> then) = 0;
  // The revisions `keys` name (agreement id, revision) in one read;
  // REVISION_NOT_FOUND when one is missing.
  using RevisionKey = std::pair<std::string, int64_t>;
  virtual void GetAgreementRevisions(
      const CallLimit& limit, const std::vector<RevisionKey>& keys,
      Then<std::map<RevisionKey, v1::Agreement>> then) = 0;
  // A page of agreements in id order after `after_id`, at most `max_rows`.
  virtual void ListAgreements(const CallLimit& limit,
                              const AgreementsStore::AgreementFilter& filter,
                              const std::string& after_id, int max_rows,
                              Then<std::vector<v1::Agreement>> then) = 0;
};

}  // namespace mobility::agreements

#endif  // MOBILITY_SERVICES_AGREEMENTS_AGREEMENTS_STORE_H_
