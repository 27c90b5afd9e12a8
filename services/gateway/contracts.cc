#include "services/gateway/contracts.h"

#include "mobility/agreements/v1/agreements.pb.h"
#include "mobility/applications/v1/applications.pb.h"
#include "mobility/ewp/v1/ewp.pb.h"
#include "mobility/grants/v1/grants.pb.h"
#include "mobility/inquiries/v1/inquiries.pb.h"

namespace mobility::gateway {

std::vector<std::string> ServedServices() {
  // Naming a message of each file links the file in, which registers it.
  const google::protobuf::FileDescriptor* files[] = {
      agreements::v1::Agreement::descriptor()->file(),
      applications::v1::Application::descriptor()->file(),
      grants::v1::Grant::descriptor()->file(),
      ewp::v1::PartnerAgreement::descriptor()->file(),
      inquiries::v1::Inquiry::descriptor()->file(),
  };
  std::vector<std::string> out;
  for (const auto* file : files) {
    for (int i = 0; i < file->service_count(); ++i)
      out.push_back(file->service(i)->full_name());
  }
  return out;
}

}  // namespace mobility::gateway
