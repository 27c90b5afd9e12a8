// All SQL of the agreements service. Every function runs inside the caller's
// transaction.
#ifndef MOBILITY_SERVICES_AGREEMENTS_AGREEMENTS_STORE_H_
#define MOBILITY_SERVICES_AGREEMENTS_AGREEMENTS_STORE_H_

#include <map>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "common/db.h"
#include "mobility/agreements/v1/agreements.pb.h"

namespace mobility::agreements {

namespace v1 = ::mobility::agreements::v1;

class AgreementsStore {
 public:
  static std::vector<PreparedStatement> Statements();

  // Institutions. Ids are the last part of the resource name.
  static void InsertInstitution(pqxx::transaction_base& txn, const std::string& id,
                                const v1::Institution& institution,
                                int64_t revision);
  static absl::StatusOr<std::pair<v1::Institution, int64_t>> GetInstitution(
      pqxx::transaction_base& txn, const std::string& id, bool for_update);
  static void UpdateInstitution(pqxx::transaction_base& txn, const std::string& id,
                                const v1::Institution& institution,
                                int64_t revision);
  static std::vector<std::pair<v1::Institution, int64_t>> ListInstitutions(
      pqxx::transaction_base& txn, const std::string& country_code,
      const std::string& after_id, int limit);
  // Resource name -> country code of those of `names` that exist.
  static std::map<std::string, std::string> InstitutionCountries(
      pqxx::transaction_base& txn, const std::vector<std::string>& names);

  // Agreements: the current version plus one stored row per revision.
  static void InsertAgreement(pqxx::transaction_base& txn, const std::string& id,
                              const v1::Agreement& agreement);
  static void SaveAgreement(pqxx::transaction_base& txn, const std::string& id,
                            const v1::Agreement& agreement);
  static absl::StatusOr<v1::Agreement> GetAgreement(pqxx::transaction_base& txn,
                                                    const std::string& id,
                                                    bool for_update);
  static absl::StatusOr<v1::Agreement> GetAgreementRevision(
      pqxx::transaction_base& txn, const std::string& id, int64_t revision);
  struct AgreementFilter {
    std::string partner_institution_id;  // Empty: any.
    int academic_year = 0;               // First calendar year; 0: any.
    std::string state;                   // Empty: any.
  };
  static std::vector<v1::Agreement> ListAgreements(
      pqxx::transaction_base& txn, const AgreementFilter& filter,
      const std::string& after_id, int limit);

  // Quota ledger.
  static std::optional<v1::MobilityAllocation> FindAllocation(
      pqxx::transaction_base& txn, const std::string& agreement_id, const std::string& key);
  static int CountAllocated(pqxx::transaction_base& txn, const std::string& agreement_id,
                            const std::string& condition_id, int academic_year);
  static void SaveAllocation(pqxx::transaction_base& txn, const std::string& agreement_id,
                             const v1::MobilityAllocation& allocation,
                             int academic_year);
  // (condition id, academic year) -> mobilities allocated.
  static std::map<std::pair<std::string, int>, int> AllocatedCounts(
      pqxx::transaction_base& txn, const std::string& agreement_id);
};

}  // namespace mobility::agreements

#endif  // MOBILITY_SERVICES_AGREEMENTS_AGREEMENTS_STORE_H_
