#include "common/client.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace mobility {

std::unique_ptr<grpc::ClientContext> NewClientContext(
    const OutboundCall& call, const CallContext* parent) {
  auto context = std::make_unique<grpc::ClientContext>();
  absl::Time deadline = absl::Now() + call.timeout;
  std::string request_id = call.request_id;
  std::string bearer_token = call.bearer_token;
  if (parent != nullptr) {
    if (bearer_token.empty()) bearer_token = parent->bearer_token;
    if (parent->server_context != nullptr) {
      deadline = std::min(deadline,
                          absl::FromChrono(parent->server_context->deadline()));
    }
    if (request_id.empty()) request_id = parent->request_id;
  }
  context->set_deadline(absl::ToChronoTime(deadline));
  if (!bearer_token.empty()) {
    context->AddMetadata("authorization",
                         absl::StrCat("Bearer ", bearer_token));
  }
  if (!request_id.empty()) context->AddMetadata(kRequestIdHeader, request_id);
  return context;
}

std::shared_ptr<grpc::Channel> NewChannel(const std::string& address) {
  return grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
}

}  // namespace mobility
