// Documents of an application: PDF, JPEG and PNG files up to 10 MiB, kept in
// PostgreSQL, recognised by their content rather than their names.
#ifndef MOBILITY_SERVICES_APPLICATIONS_DOCUMENTS_H_
#define MOBILITY_SERVICES_APPLICATIONS_DOCUMENTS_H_

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "common/call.h"
#include "common/transactor.h"
#include "common/types.h"
#include "google/protobuf/empty.pb.h"
#include "mobility/applications/v1/applications.pb.h"
#include "services/applications/applications_store.h"

namespace mobility::applications {

class Documents {
 public:
  explicit Documents(
      Transactor<ApplicationsStore>* store,
      Clock clock = [] { return absl::Now(); })
      : store_(store), clock_(std::move(clock)) {}

  absl::StatusOr<v1::Document> CreateDocument(
      const v1::CreateDocumentRequest& request, const CallContext& call);
  absl::StatusOr<v1::ListDocumentsResponse> ListDocuments(
      const v1::ListDocumentsRequest& request, const CallContext& call);
  absl::StatusOr<v1::Document> GetDocument(
      const v1::GetDocumentRequest& request, const CallContext& call);
  absl::StatusOr<google::protobuf::Empty> DeleteDocument(
      const v1::DeleteDocumentRequest& request, const CallContext& call);

 private:
  absl::Time Now() const { return TruncatedNow(clock_); }

  Transactor<ApplicationsStore>* store_;
  Clock clock_;
};

}  // namespace mobility::applications

#endif  // MOBILITY_SERVICES_APPLICATIONS_DOCUMENTS_H_
