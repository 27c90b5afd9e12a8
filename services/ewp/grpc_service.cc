#include "services/ewp/grpc_service.h"

#include "common/auth.h"
#include "common/client.h"
#include "common/status.h"

namespace mobility::ewp {

absl::StatusOr<std::unique_ptr<EwpGrpcService>> EwpGrpcService::Start(
    Database* db, std::shared_ptr<const RpcDispatcher> dispatcher,
    EwpSettings settings) {
  MOBILITY_ASSIGN_OR_RETURN(RsaPrivateKey client_key,
                            RsaPrivateKey::FromPem(settings.client_key_pem));
  MOBILITY_ASSIGN_OR_RETURN(RsaPrivateKey server_key,
                            RsaPrivateKey::FromPem(settings.server_key_pem));
  MOBILITY_ASSIGN_OR_RETURN(TokenSigner signer, TokenSigner::FromPrivateKeyPem(
                                                    settings.token_key_pem));
  std::unique_ptr<EwpGrpcService> service(
      new EwpGrpcService(std::move(dispatcher)));
  MOBILITY_ASSIGN_OR_RETURN(
      service->registry_,
      Registry::Open(settings.registry, settings.registry_refresh,
                     settings.limits));
  service->client_ = std::make_unique<EwpClient>(service->registry_.get(),
                                                 client_key, settings.limits);
  service->iias_ = std::make_unique<IiasEndpoints>(
      NewChannel(settings.agreements_address), std::move(signer),
      settings.http.manifest.hei_id, settings.http.manifest.max_iia_ids,
      kDefaultCallTimeout);
  MOBILITY_ASSIGN_OR_RETURN(service->schemas_,
                            Schemas::Load(settings.schemas_dir));
  service->copies_ = std::make_unique<PartnerCopies>(db, service->iias_.get(),
                                                     service->client_.get(),
                                                     service->schemas_.get());
  service->replays_ = std::make_unique<PgReplayGuard>(db);
  service->http_ = std::make_unique<EwpServer>(
      settings.http, std::move(client_key), std::move(server_key),
      service->registry_.get(), service->iias_.get(), service->copies_.get(),
      service->replays_.get());
  MOBILITY_RETURN_IF_ERROR(service->http_->Start());
  EwpGrpcService* self = service.get();
  service->worker_ = std::thread([self, interval = settings.work_interval] {
    while (!self->stop_.WaitForNotificationWithTimeout(interval))
      self->copies_->Work();
  });
  // Our office reads the partners' copies; coordinators approve them (the
  // domain checks they are ours).
  const std::set<Role> office = {Role::kCoordinator, Role::kFinance,
                                 Role::kAdmin};
  PartnerCopies* copies = self->copies_.get();
  using P = PartnerCopies;
  self->Handle("ListPartnerAgreements", office, copies,
               &P::ListPartnerAgreements);
  self->Handle("GetPartnerAgreement", office, copies, &P::GetPartnerAgreement);
  self->Handle("RefreshPartnerAgreement", {Role::kCoordinator}, copies,
               &P::RefreshPartnerAgreement);
  self->Handle("ApprovePartnerAgreement", {Role::kCoordinator}, copies,
               &P::ApprovePartnerAgreement);
  return service;
}

EwpGrpcService::~EwpGrpcService() {
  stop_.Notify();
  if (worker_.joinable()) worker_.join();
  if (http_) http_->Stop();
}

}  // namespace mobility::ewp
