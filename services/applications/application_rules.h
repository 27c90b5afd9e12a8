// The applications service's rules with no I/O: what a call and an
// application must hold, eligibility at submission (DOMAIN.md "Durations" and
// the agreement's cooperation condition), scores and ranking, the states that
// are still open, and the document types taken.
#ifndef MOBILITY_SERVICES_APPLICATIONS_APPLICATION_RULES_H_
#define MOBILITY_SERVICES_APPLICATIONS_APPLICATION_RULES_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/status.h"
#include "mobility/agreements/v1/agreements.pb.h"
#include "mobility/applications/v1/applications.pb.h"

namespace mobility::applications {

// At most 10 MiB a document, 10 documents and 30 MiB an application: what an
// application needs, and a bound on what one applicant can make us store.
inline constexpr int64_t kMaxDocumentBytes = 10 * 1024 * 1024;
inline constexpr int kMaxDocumentsPerApplication = 10;
inline constexpr int64_t kMaxDocumentBytesPerApplication = 30 * 1024 * 1024;
// Drafts one applicant may hold at once.
inline constexpr int kMaxDraftsPerApplicant = 20;

// Whether an application in `state` was nominated to its host: NOMINATED and
// every state after it.
bool IsNominated(v1::Application::State state);

// What the receiving institution sees of a nominated application: the person,
// their level, field and languages, the dates, the state and the learning
// agreement; never scores, the grant, the motivation, identity numbers, the
// history or the applicant's account.
v1::Application HostView(const v1::Application& application);

// Every violated field of a call as a coordinator wrote it, under "call.".
void ValidateCall(const v1::Call& call, Violations& violations);

// Field formats of an application, any state: what a draft may hold. Nothing
// is required yet; eligibility comes at submission.
void ValidateApplicationFields(const v1::Application& application,
                               Violations& violations);

// What submission needs besides the fields' formats: who, when, consents.
void RequireForSubmission(const v1::Application& application,
                          Violations& violations);

// Eligibility under the cooperation condition applied for, the agreement's
// `programme` and the call's funding call year. Adds one violation per failed
// rule: the stay's length (students on the Commission's 30-day months, staff
// in calendar days), EQF level and subject area among the condition's,
// at most 12 months per study
// cycle, staff teaching hours, the sending institution, the activity allowed
// by the funding call.
void CheckEligibility(const v1::Application& application,
                      const agreements::v1::CooperationCondition& condition,
                      agreements::v1::Programme programme,
                      int funding_call_year, Violations& violations);

// Each language the condition recommends at a level that a student, or a
// teacher teaching in it, does not reach: (field, what falls short). The call
// decides whether these refuse the application or flag it for the selection.
std::vector<std::pair<std::string, Text>> LanguageShortfalls(
    const v1::Application& application,
    const agreements::v1::CooperationCondition& condition);

// Teaching hours a stay of `days` needs: 8 for a stay of a week or less; 8
// for each full week of a longer one and the incomplete week pro rata,
// rounded up to whole hours.
int RequiredTeachingHours(int days);

// NOT_FOUND CALL_NOT_FOUND: no call `id`, or none the caller may see.
absl::Status CallNotFound(absl::string_view id);

// The weighted total of `scores` on the call's criteria in hundredths of a
// point out of 100.00, each criterion's share rounded half up. INVALID_ARGUMENT
// naming the score unless there is exactly one score per criterion within its
// points.
absl::StatusOr<int> TotalScore(
    const v1::Call& call,
    const google::protobuf::RepeatedPtrField<v1::Score>& scores);

// States an application may still move on from: not REJECTED, REJECTED_BY_HOST,
// COMPLETED, WITHDRAWN or CANCELLED.
bool IsOpen(v1::Application::State state);
// States that hold a place of the agreement's quota and a grant.
bool HoldsPlace(v1::Application::State state);

// Every violated field of a learning agreement's components under `field`
// ("study_components"): 1 to 50 of them, each with a code, a title, ECTS
// credits above 0 and at most 60 with one decimal, codes used once.
void ValidateComponents(
    const google::protobuf::RepeatedPtrField<v1::Component>& components,
    const std::string& field, Violations& violations);

// The recognition at completion against the version in force: one entry per
// study component, credits as decimals, a reason for what is not recognised.
void ValidateRecognition(
    const google::protobuf::RepeatedPtrField<v1::Recognition>& recognition,
    const v1::LearningAgreementVersion& in_force, Violations& violations);

// The media type of a document recognised from its first bytes: PDF, JPEG or
// PNG; nullopt for anything else, whatever its name says.
std::optional<std::string> DetectMediaType(absl::string_view content);

// The media type a file name's extension claims (.pdf, .png, .jpg, .jpeg, any
// case); nullopt for another or no extension. A claim the content contradicts
// marks a mislabelled file.
std::optional<std::string> MediaTypeOfName(absl::string_view file_name);

}  // namespace mobility::applications

#endif  // MOBILITY_SERVICES_APPLICATIONS_APPLICATION_RULES_H_
