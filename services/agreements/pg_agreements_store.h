// All SQL of the agreements service: its store on PostgreSQL, bound to one read
// or transaction.
#ifndef MOBILITY_SERVICES_AGREEMENTS_PG_AGREEMENTS_STORE_H_
#define MOBILITY_SERVICES_AGREEMENTS_PG_AGREEMENTS_STORE_H_

#include <pqxx/pqxx>
#include <vector>

#include "common/pg_reactor.h"
#include "common/pg_store.h"
#include "services/agreements/agreements_store.h"

namespace mobility::agreements {

class PgAgreementsStore final : public PgStore<AgreementsStore> {
 public:
  using PgStore::PgStore;
  // The statements every connection prepares.
  static std::vector<PreparedStatement> Statements();

  absl::Status InsertInstitution(const std::string& id,
                                 const v1::Institution& institution,
                                 int64_t revision) override;
  absl::StatusOr<std::pair<v1::Institution, int64_t>> GetInstitution(
      const std::string& id, bool for_update) override;
  absl::Status UpdateInstitution(const std::string& id,
                                 const v1::Institution& institution,
                                 int64_t revision) override;
  absl::StatusOr<std::map<std::string, std::string>> IscedFieldNames(
      const std::vector<std::string>& codes) override;
  absl::StatusOr<std::map<std::string, std::string>> InstitutionCountries(
      const std::vector<std::string>& names) override;
  absl::Status InsertAgreement(const std::string& id,
                               const v1::Agreement& agreement) override;
  absl::Status SaveAgreement(const std::string& id,
                             const v1::Agreement& agreement) override;
  absl::StatusOr<v1::Agreement> GetAgreement(const std::string& id,
                                             RowLock lock) override;
  absl::StatusOr<v1::Agreement> GetAgreementRevision(const std::string& id,
                                                     int64_t revision) override;
  absl::Status DeleteAgreement(const std::string& id) override;
  absl::Status LockQuota(const std::string& agreement_id,
                         const std::string& key,
                         const std::string& condition_id,
                         int academic_year) override;
  absl::StatusOr<std::optional<v1::MobilityAllocation>> FindAllocation(
      const std::string& agreement_id, const std::string& key) override;
  absl::StatusOr<Quota> ReadQuota(const std::string& agreement_id,
                                  const std::string& key,
                                  const std::string& condition_id,
                                  int academic_year) override;
  absl::StatusOr<int> CountAllocations(
      const std::string& agreement_id) override;
  absl::Status SaveAllocation(const std::string& agreement_id,
                              const v1::MobilityAllocation& allocation,
                              int academic_year) override;
  absl::Status CloseAllocationKey(const std::string& agreement_id,
                                  const std::string& key,
                                  absl::Time now) override;
};

// The same rows as PgAgreementsStore reads, through the database's reactor.
class PgAgreementsReads final : public AgreementsReads {
 public:
  explicit PgAgreementsReads(Database* db) : reactor_(db->reactor()) {}
  void GetInstitution(const CallLimit& limit, const std::string& id,
                      Then<v1::Institution> then) override;
  void ListInstitutions(const CallLimit& limit, const std::string& country_code,
                        const std::string& after_id, int max_rows,
                        Then<std::vector<v1::Institution>> then) override;
  void GetAgreement(const CallLimit& limit, const std::string& id,
                    Then<v1::Agreement> then) override;
  void GetAgreementUsage(const CallLimit& limit, const std::string& id,
                         Then<AgreementsStore::AgreementUsage> then) override;
  void GetAgreementRevision(const CallLimit& limit, const std::string& id,
                            int64_t revision,
                            Then<v1::Agreement> then) override;
  void GetAgreementRevisions(
      const CallLimit& limit, const std::vector<RevisionKey>& keys,
      Then<std::map<RevisionKey, v1::Agreement>> then) override;
  void ListAgreements(const CallLimit& limit,
                      const AgreementsStore::AgreementFilter& filter,
                      const std::string& after_id, int max_rows,
                      Then<std::vector<v1::Agreement>> then) override;

 private:
  PgReactor& reactor_;
};

}  // namespace mobility::agreements

#endif  // MOBILITY_SERVICES_AGREEMENTS_PG_AGREEMENTS_STORE_H_
