// All SQL of the applications service: its store on PostgreSQL, bound to one
// read or transaction.
#ifndef MOBILITY_SERVICES_APPLICATIONS_PG_APPLICATIONS_STORE_H_
#define MOBILITY_SERVICES_APPLICATIONS_PG_APPLICATIONS_STORE_H_

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "common/pg_reactor.h"
#include "common/pg_store.h"
#include "services/applications/applications_store.h"

namespace mobility::applications {

class PgApplicationsStore final : public PgStore<ApplicationsStore> {
 public:
  using PgStore::PgStore;
  // The statements every connection prepares.
  static std::vector<PreparedStatement> Statements();

  absl::Status InsertCall(const std::string& id, const v1::Call& call) override;
  absl::Status SaveCall(const std::string& id, const v1::Call& call) override;
  absl::StatusOr<v1::Call> GetCall(const std::string& id,
                                   bool for_update) override;
  absl::Status InsertApplication(const std::string& id,
                                 const std::string& call_id,
                                 const v1::Application& application) override;
  absl::Status SaveApplication(const std::string& id,
                               const v1::Application& application) override;
  absl::StatusOr<std::vector<v1::Application>> ApplicationsWithStepsPending(
      absl::Time since, int limit) override;
  absl::StatusOr<v1::Application> GetApplication(const std::string& id,
                                                 bool for_update) override;
  absl::StatusOr<std::vector<v1::Application>> ListApplications(
      const ApplicationFilter& filter, const std::string& after_id,
      int limit) override;
  absl::StatusOr<std::vector<v1::Application>> RankedApplications(
      const std::string& call_id, const std::string& condition_id,
      const std::vector<std::string>& states) override;
  absl::StatusOr<std::vector<v1::Application>> ApplicationsToAnonymise(
      absl::Time cutoff, int limit) override;
  absl::Status MarkAnonymised(const std::string& id,
                              const v1::Application& application) override;
  absl::Status DeleteDocuments(const std::string& application_id) override;
  absl::Status DeleteDraft(const std::string& id) override;
  absl::Status InsertDocument(const std::string& application_id,
                              const std::string& id,
                              const v1::Document& document) override;
  absl::StatusOr<DocumentUsage> CountDocuments(
      const std::string& application_id) override;
  absl::Status LockOwner(const std::string& owner) override;
  absl::Status LockCondition(const std::string& call_id,
                             const std::string& condition_id) override;
  absl::StatusOr<int> CountDrafts(const std::string& owner) override;
  absl::StatusOr<bool> HasLiveApplication(
      const std::string& owner, const std::string& call_id,
      const std::string& condition_id, const std::string& except_id) override;
  absl::StatusOr<std::vector<v1::Document>> ListDocuments(
      const std::string& application_id) override;
  absl::StatusOr<v1::Document> GetDocument(const std::string& application_id,
                                           const std::string& id) override;
  absl::StatusOr<bool> DeleteDocument(const std::string& application_id,
                                      const std::string& id) override;
  absl::Status LockSignInEmail(const std::string& email_hash) override;
  absl::StatusOr<int> CountSignInCodesTo(const std::string& email_hash,
                                         const std::string& client_hash,
                                         absl::Time since) override;
  absl::StatusOr<int> CountSignInCodesFrom(const std::string& client_hash,
                                           absl::Time since) override;
  absl::Status InsertSignInCode(const std::string& email_hash,
                                const std::string& client_hash,
                                const std::string& attempt_hash,
                                const std::string& code_hash, absl::Time now,
                                absl::Time expire_time) override;
  absl::StatusOr<std::optional<SignInCode>> FindSignInCode(
      const std::string& email_hash, const std::string& attempt_hash) override;
  absl::Status RecordFailedSignIn(int64_t code_id) override;
  absl::Status UseSignInCode(int64_t code_id, absl::Time now) override;
  absl::StatusOr<std::string> ApplicantId(const std::string& email_hash,
                                          const std::string& new_id,
                                          absl::Time now) override;
  absl::StatusOr<int64_t> PurgeSignInCodes(absl::Time before) override;
  absl::Status EnqueueMail(const Mail& mail, absl::Time now) override;
};

// The same rows as PgApplicationsStore reads, through the database's reactor.
class PgApplicationsReads final : public ApplicationsReads {
 public:
  explicit PgApplicationsReads(Database* db) : reactor_(db->reactor()) {}
  void GetApplicationInCall(const CallLimit& limit, const std::string& id,
                            Then<ApplicationInCall> then) override;
  void GetCall(const CallLimit& limit, const std::string& id,
               Then<v1::Call> then) override;
  void ListCalls(const CallLimit& limit, absl::Time open_at, bool open_only,
                 const std::string& after_id, int max_rows,
                 Then<std::vector<v1::Call>> then) override;
  void ListApplications(const CallLimit& limit,
                        const ApplicationsStore::ApplicationFilter& filter,
                        const std::string& after_id, int max_rows,
                        Then<std::vector<v1::Application>> then) override;

 private:
  PgReactor& reactor_;
};

}  // namespace mobility::applications

#endif  // MOBILITY_SERVICES_APPLICATIONS_PG_APPLICATIONS_STORE_H_
