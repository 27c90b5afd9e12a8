// What the gateway does with any request line and body: the path matched
// against every route of the four contracts, then the path variables, the
// query and the JSON body made into the RPC's request. Every outcome is a
// route or none, and a request or INVALID_ARGUMENT.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "mobility/agreements/v1/agreements.pb.h"
#include "mobility/applications/v1/applications.pb.h"
#include "mobility/grants/v1/grants.pb.h"
#include "mobility/inquiries/v1/inquiries.pb.h"
#include "services/gateway/routes.h"
#include "services/gateway/transcode.h"

namespace pb = ::google::protobuf;
using mobility::gateway::Router;

// Input: "METHOD\npath\nquery\nbody".
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Router* router = [] {
    // Linked in, so their descriptors are in the generated pool.
    mobility::agreements::v1::Agreement::descriptor();
    mobility::applications::v1::Application::descriptor();
    mobility::grants::v1::Grant::descriptor();
    mobility::inquiries::v1::Inquiry::descriptor();
    auto r =
        Router::FromServices(*pb::DescriptorPool::generated_pool(),
                             {"mobility.agreements.v1.AgreementsService",
                              "mobility.applications.v1.ApplicationsService",
                              "mobility.grants.v1.GrantsService",
                              "mobility.inquiries.v1.InquiriesService"});
    if (!r.ok()) std::abort();
    return new Router(*std::move(r));
  }();
  const std::string input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> parts =
      absl::StrSplit(input, absl::MaxSplits('\n', 3));
  parts.resize(4);
  std::vector<std::string> allowed;
  Router::Match match = router->Find(parts[0], parts[1], &allowed);
  if (match.route == nullptr) return 0;
  std::unique_ptr<pb::Message> request(
      pb::MessageFactory::generated_factory()
          ->GetPrototype(match.route->method->input_type())
          ->New());
  absl::Status built = mobility::gateway::BuildRequest(
      *match.route, match.bindings, parts[2], parts[3], request.get());
  if (!built.ok() && built.code() != absl::StatusCode::kInvalidArgument)
    std::abort();
  return 0;
}
