#include "services/grants/client/grpc_grants_client.h"

#include "common/status.h"
#include "services/grants/words.h"

namespace mobility {

namespace gv1 = ::mobility::grants::v1;

absl::StatusOr<gv1::Budget> GrpcGrantsClient::GetBudget(
    const std::string& budget, const std::string& field,
    const CallContext& call) const {
  gv1::GetBudgetRequest request;
  request.set_name(budget);
  gv1::Budget found;
  absl::Status status =
      channel_->Call(call, [&](grpc::ClientContext* context,
                               std::function<void(grpc::Status)> done) {
        stub_->async()->GetBudget(context, &request, &found, std::move(done));
      });
  if (status.code() == absl::StatusCode::kNotFound)
    return InvalidField(field, Text(grants::words::NO_SUCH_BUDGET));
  if (!status.ok()) return status;
  return found;
}

absl::StatusOr<gv1::Grant> GrpcGrantsClient::CreateGrant(
    const gv1::CreateGrantRequest& request, const CallContext& call) const {
  gv1::Grant grant;
  absl::Status status = channel_->CallAsService(
      call, [&](grpc::ClientContext* context,
                std::function<void(grpc::Status)> done) {
        stub_->async()->CreateGrant(context, &request, &grant, std::move(done));
      });
  if (!status.ok()) return status;
  return grant;
}

absl::Status GrpcGrantsClient::CloseApplication(const std::string& application,
                                                const std::string& grant,
                                                const std::string& request_id,
                                                const CallContext& call) const {
  gv1::CancelGrantRequest request;
  request.set_application(application);
  request.set_name(grant);
  request.set_request_id(request_id);
  gv1::Grant cancelled;
  return channel_->CallAsService(
      call, [&](grpc::ClientContext* context,
                std::function<void(grpc::Status)> done) {
        stub_->async()->CancelGrant(context, &request, &cancelled,
                                    std::move(done));
      });
}

absl::Status GrpcGrantsClient::SettleGrant(
    const gv1::SettleGrantRequest& request, const CallContext& call) const {
  gv1::Grant settled;
  return channel_->CallAsService(
      call, [&](grpc::ClientContext* context,
                std::function<void(grpc::Status)> done) {
        stub_->async()->SettleGrant(context, &request, &settled,
                                    std::move(done));
      });
}

}  // namespace mobility
