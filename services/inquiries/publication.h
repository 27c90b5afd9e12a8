// The rector's public Q&A: an answered question whose author consented,
// published by a moderator in words without personal details; read and
// searched (PostgreSQL text search) without an account.
#ifndef MOBILITY_SERVICES_INQUIRIES_PUBLICATION_H_
#define MOBILITY_SERVICES_INQUIRIES_PUBLICATION_H_

#include <google/protobuf/empty.pb.h>

#include "absl/status/statusor.h"
#include "common/call.h"
#include "common/transactor.h"
#include "services/inquiries/inquiries_store.h"
#include "services/inquiries/settings.h"

namespace mobility::inquiries {

class Publication {
 public:
  Publication(Transactor<InquiriesStore>* store, InquiriesReads* reads,
              const Settings* settings)
      : store_(store), reads_(reads), settings_(settings) {}

  absl::StatusOr<v1::PublishedQuestion> PublishQuestion(
      const v1::PublishQuestionRequest& request, const CallContext& call);
  void GetPublishedQuestion(const v1::GetPublishedQuestionRequest& request,
                            const CallContext& call,
                            Then<v1::PublishedQuestion> reply);
  void ListPublishedQuestions(const v1::ListPublishedQuestionsRequest& request,
                              const CallContext& call,
                              Then<v1::ListPublishedQuestionsResponse> reply);
  absl::StatusOr<google::protobuf::Empty> DeletePublishedQuestion(
      const v1::DeletePublishedQuestionRequest& request,
      const CallContext& call);

 private:
  Transactor<InquiriesStore>* store_;
  InquiriesReads* reads_;
  const Settings* settings_;
};

}  // namespace mobility::inquiries

#endif  // MOBILITY_SERVICES_INQUIRIES_PUBLICATION_H_
