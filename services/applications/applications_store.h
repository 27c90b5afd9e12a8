// All SQL of the applications service. Every function runs inside the
// caller's transaction.
#ifndef MOBILITY_SERVICES_APPLICATIONS_APPLICATIONS_STORE_H_
#define MOBILITY_SERVICES_APPLICATIONS_APPLICATIONS_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/call.h"
#include "common/idempotency.h"
#include "common/mail.h"
#include "common/transactor.h"
#include "mobility/applications/v1/applications.pb.h"

namespace mobility::applications {

// An application with the call it was made to, read together.
struct ApplicationInCall {
  v1::Application application;
  v1::Call call;
};

class ApplicationsStore : public RequestLedger {
 public:
  // Calls. Ids are the last part of the resource name.
  virtual absl::Status InsertCall(const std::string& id,
                                  const v1::Call& call) = 0;
  virtual absl::Status SaveCall(const std::string& id,
                                const v1::Call& call) = 0;
  virtual absl::StatusOr<v1::Call> GetCall(const std::string& id,
                                           bool for_update) = 0;

  // Applications.
  // Serialises one applicant's creations until commit, so concurrent ones
  // cannot all pass the limits below.
  virtual absl::Status LockOwner(const std::string& owner) = 0;
  virtual absl::StatusOr<int> CountDrafts(const std::string& owner) = 0;
  // Whether `owner` has an application other than `except_id` under the
  // call's condition that is not over (withdrawn, cancelled, rejected or
  // completed).
  virtual absl::StatusOr<bool> HasLiveApplication(
      const std::string& owner, const std::string& call_id,
      const std::string& condition_id, const std::string& except_id) = 0;
  virtual absl::Status InsertApplication(
      const std::string& id, const std::string& call_id,
      const v1::Application& application) = 0;
  virtual absl::Status SaveApplication(const std::string& id,
                                       const v1::Application& application) = 0;
  virtual absl::StatusOr<v1::Application> GetApplication(const std::string& id,
                                                         bool for_update) = 0;
  struct ApplicationFilter {
    std::string owner;         // Empty: any.
    std::string institution;   // Of the call; empty: any.
    std::string call_id;       // Empty: any.
    std::string state;         // Empty: any.
    std::string kind;          // Empty: any.
    std::string condition_id;  // Empty: any.
  };
  virtual absl::StatusOr<std::vector<v1::Application>> ListApplications(
      const ApplicationFilter& filter, const std::string& after_id,
      int limit) = 0;
  // Applications with cross-service steps left (a selection under way, a
  // give-back after the end) since before `since`, oldest first.
  virtual absl::StatusOr<std::vector<v1::Application>>
  ApplicationsWithStepsPending(absl::Time since, int limit) = 0;
  // Serialises the choices of reserves for one condition of a call until
  // commit, so vacancies filled at once choose different reserves.
  virtual absl::Status LockCondition(const std::string& call_id,
                                     const std::string& condition_id) = 0;
  // A call's applications in the given states, best first: total score
  // descending, earlier submission, then id.
  virtual absl::StatusOr<std::vector<v1::Application>> RankedApplications(
      const std::string& call_id, const std::string& condition_id,
      const std::vector<std::string>& states) = 0;

  // Retention: applications not yet anonymised of calls whose window closed
  // before `cutoff`, at most `limit`, locked; and how one is marked done.
  virtual absl::StatusOr<std::vector<v1::Application>> ApplicationsToAnonymise(
      absl::Time cutoff, int limit) = 0;
  virtual absl::Status MarkAnonymised(const std::string& id,
                                      const v1::Application& application) = 0;
  virtual absl::Status DeleteDocuments(const std::string& application_id) = 0;
  // Removes a DRAFT application (its documents deleted first).
  virtual absl::Status DeleteDraft(const std::string& id) = 0;

  // Documents: metadata, and the content only when asked for.
  struct DocumentUsage {
    int count = 0;
    int64_t bytes = 0;
  };
  virtual absl::StatusOr<DocumentUsage> CountDocuments(
      const std::string& application_id) = 0;
  virtual absl::Status InsertDocument(const std::string& application_id,
                                      const std::string& id,
                                      const v1::Document& document) = 0;
  virtual absl::StatusOr<std::vector<v1::Document>> ListDocuments(
      const std::string& application_id) = 0;
  virtual absl::StatusOr<v1::Document> GetDocument(
      const std::string& application_id, const std::string& id) = 0;
  // False when there was no such document.
  virtual absl::StatusOr<bool> DeleteDocument(const std::string& application_id,
                                              const std::string& id) = 0;

  // Applicant sign-in. Addresses and clients are known by digests only.
  struct SignInCode {
    int64_t id = 0;
    std::string code_hash;
    absl::Time expire_time;
    int failed_attempts = 0;
    bool used = false;
  };
  // Serialises the sign-ins of one address until commit, so concurrent
  // requests cannot all pass its limit.
  virtual absl::Status LockSignInEmail(const std::string& email_hash) = 0;
  // Codes sent after `since` to an address (from one client, when
  // `client_hash` is not empty), and asked for by a client.
  virtual absl::StatusOr<int> CountSignInCodesTo(const std::string& email_hash,
                                                 const std::string& client_hash,
                                                 absl::Time since) = 0;
  virtual absl::StatusOr<int> CountSignInCodesFrom(
      const std::string& client_hash, absl::Time since) = 0;
  virtual absl::Status InsertSignInCode(const std::string& email_hash,
                                        const std::string& client_hash,
                                        const std::string& attempt_hash,
                                        const std::string& code_hash,
                                        absl::Time now,
                                        absl::Time expire_time) = 0;
  // The code of one attempt at an address, locked.
  virtual absl::StatusOr<std::optional<SignInCode>> FindSignInCode(
      const std::string& email_hash, const std::string& attempt_hash) = 0;
  virtual absl::Status RecordFailedSignIn(int64_t code_id) = 0;
  virtual absl::Status UseSignInCode(int64_t code_id, absl::Time now) = 0;
  // The applicant's id for an address: theirs, or `new_id` at the first
  // sign-in.
  virtual absl::StatusOr<std::string> ApplicantId(const std::string& email_hash,
                                                  const std::string& new_id,
                                                  absl::Time now) = 0;
  // Codes created before `before`; returns how many went.
  virtual absl::StatusOr<int64_t> PurgeSignInCodes(absl::Time before) = 0;
  virtual absl::Status EnqueueMail(const Mail& mail, absl::Time now) = 0;
};

// The reads the serving path makes outside a transaction, parking no thread:
// each hands its result to `then` once, on whichever thread received it.
class ApplicationsReads {
 public:
  virtual ~ApplicationsReads() = default;
  // Application `id` with its call, in one read.
  virtual void GetApplicationInCall(const CallLimit& limit,
                                    const std::string& id,
                                    Then<ApplicationInCall> then) = 0;
  // NOT_FOUND CALL_NOT_FOUND when there is no such call.
  virtual void GetCall(const CallLimit& limit, const std::string& id,
                       Then<v1::Call> then) = 0;
  // A page of calls in id order after `after_id`, at most `max_rows`; only
  // those open at `open_at` when `open_only`.
  virtual void ListCalls(const CallLimit& limit, absl::Time open_at,
                         bool open_only, const std::string& after_id,
                         int max_rows, Then<std::vector<v1::Call>> then) = 0;
  // A page of applications in id order after `after_id`, at most `max_rows`.
  virtual void ListApplications(
      const CallLimit& limit,
      const ApplicationsStore::ApplicationFilter& filter,
      const std::string& after_id, int max_rows,
      Then<std::vector<v1::Application>> then) = 0;
};

}  // namespace mobility::applications

#endif  // MOBILITY_SERVICES_APPLICATIONS_APPLICATIONS_STORE_H_
