// The bench's own office, on a stack of the bench's own (deploy/bench.sh
// starts every service and a gateway on a database it drops afterwards): an
// agreement with room for every selection, a budget that pays every grant, an
// open call and an office for inquiries, all made through the API; and the
// office's writes as workloads, each over gRPC and through the gateway.
#ifndef MOBILITY_TOOLS_BENCH_OFFICE_H_
#define MOBILITY_TOOLS_BENCH_OFFICE_H_

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/auth.h"
#include "common/call.h"
#include "common/client.h"
#include "common/grpc_status.h"
#include "common/status.h"
#include "mobility/agreements/v1/agreements.grpc.pb.h"
#include "mobility/applications/v1/applications.grpc.pb.h"
#include "mobility/grants/v1/grants.grpc.pb.h"
#include "mobility/inquiries/v1/inquiries.grpc.pb.h"
#include "tools/bench/http_client.h"

namespace mobility::bench {

// Calls one service with one token. With `proxy_token`, the internal token of
// the gateway, it calls as the gateway forwards a visitor, whose address each
// call names.
template <typename Service>
class Caller {
 public:
  Caller(std::shared_ptr<grpc::Channel> channel, std::string token,
         std::string proxy_token = "")
      : stub_(Service::NewStub(channel)),
        token_(std::move(token)),
        proxy_token_(std::move(proxy_token)) {}
  template <typename Request, typename Response, typename Method>
  absl::Status operator()(Method method, const Request& request,
                          Response* response,
                          const std::string& client_address = "") const {
    OutboundCall call;
    call.bearer_token = token_;
    auto context = NewClientContext(call);
    if (!proxy_token_.empty()) {
      context->AddMetadata(kServiceTokenHeader, "Bearer " + proxy_token_);
      context->AddMetadata(kClientAddressHeader, client_address);
    }
    return FromGrpcStatus(
        (stub_.get()->*method)(context.get(), request, response));
  }

 private:
  std::unique_ptr<typename Service::Stub> stub_;
  std::string token_;
  std::string proxy_token_;
};
using AgreementsCaller = Caller<::mobility::agreements::v1::AgreementsService>;
using ApplicationsCaller =
    Caller<::mobility::applications::v1::ApplicationsService>;
using GrantsCaller = Caller<::mobility::grants::v1::GrantsService>;
using InquiriesCaller = Caller<::mobility::inquiries::v1::InquiriesService>;

// host:port of each of the bench's own services and its gateway.
struct StackAddresses {
  std::string agreements, applications, grants, inquiries, gateway;
};

// A token for `roles`, acting for `institution`, as `subject`.
using TokenMint = std::function<std::string(
    std::vector<Role> roles, std::string institution, std::string subject)>;

class Office {
 public:
  // Makes what the workloads need, or finds it from an earlier run; the
  // partners are copied from the office's own agreements service `source`.
  // `clients` is the most workers any workload runs on.
  static absl::StatusOr<std::unique_ptr<Office>> Open(
      const StackAddresses& stack, const AgreementsCaller& source,
      const TokenMint& mint, int clients);

  // The academic year of the bench's places (the year of the next spring
  // term, so that every stay is still to come).
  int start_year() const { return start_year_; }

  // A place taken and released again on the bench agreement.
  bool AllocateAndRelease(int client);
  // An application made and submitted by client `client`'s applicant.
  bool SubmitApplication(int client);
  bool GatewaySubmitApplication(int client);
  // A scored application selected: a place taken and a grant made. Takes
  // one of those PrepareSelections scored; false when none is left.
  bool DecideSelection(int client);
  bool GatewayDecideSelection(int client);
  // Scores `count` submitted applications for the selections to take.
  absl::Status PrepareSelections(int count);
  // A call like the bench's, open for the same places, made once.
  absl::StatusOr<std::string> OpenCall(const std::string& call_id);
  // An application to `call` made and submitted by an applicant of its own
  // (one may hold one live application per call and condition); its name.
  absl::StatusOr<std::string> CreateAndSubmit(const std::string& call);
  // A grant with two payments: a selection's grant agreed, prefinanced and
  // the prefinancing reversed. Its id.
  absl::StatusOr<std::string> GrantWithPayments();

  // A UUID of this run's, for request ids.
  std::string RequestId();

  // The bench's callers, for reads: a coordinator of the applications
  // service, the agreements service, the grants service's finance, and an
  // inquiry handler.
  const ApplicationsCaller& coordinator() const { return office_; }
  const AgreementsCaller& agreements() const { return coordinator_; }
  const GrantsCaller& finance() const { return finance_; }
  const InquiriesCaller& handler() const { return handler_; }
  // An inquiry registered; and one registered, assigned, started and
  // answered.
  bool RegisterInquiry(int client);
  bool GatewayRegisterInquiry(int client);
  // An inquiry that came by e-mail, registered by the registry's clerk.
  absl::Status RegisterEmailedInquiry();
  bool RegisterAndAnswerInquiry(int client);
  bool GatewayRegisterAndAnswerInquiry(int client);

 private:
  Office(const StackAddresses& stack, const TokenMint& mint, int clients);
  absl::Status EnsureAgreement(const AgreementsCaller& source);
  absl::Status EnsureCall();
  absl::Status EnsureOffice();
  ::mobility::inquiries::v1::Inquiry Question();
  std::string QuestionJson();
  bool TakeScored(std::string* name);
  absl::StatusOr<std::string> CreateAndSubmit(
      const ApplicationsCaller& applicant, const std::string& call);
  // A token of an applicant no one has used yet.
  std::string NewApplicantToken();
  std::string VisitorAddress();
  // One gateway call; the value of `field` in its answer when given.
  bool Web(int client, const std::string& method, const std::string& target,
           const std::string& body, const std::string& token,
           const std::string& field = "", std::string* value = nullptr);

  int start_year_;
  TokenMint mint_;
  std::string run_;
  std::atomic<int64_t> sequence_{0};
  std::shared_ptr<grpc::Channel> agreements_channel_, applications_channel_,
      grants_channel_, inquiries_channel_;
  AgreementsCaller coordinator_, ledger_;
  ApplicationsCaller office_;
  GrantsCaller finance_;
  // Visitors of the public form, each from an address of its own, as the
  // gateway forwards them.
  InquiriesCaller visitors_;
  InquiriesCaller handler_, admin_;
  std::string coordinator_token_, handler_token_;
  std::vector<std::string> applicant_tokens_;
  std::function<AgreementsCaller(const std::string&)> approver_;
  ::mobility::applications::v1::Application application_;
  std::string application_json_;
  HttpClients web_;
  absl::Mutex mu_;
  std::deque<std::string> scored_ ABSL_GUARDED_BY(mu_);
};

}  // namespace mobility::bench

#endif  // MOBILITY_TOOLS_BENCH_OFFICE_H_
