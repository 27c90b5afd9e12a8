// What every mobilityctl command shares: its flags, errors, input and output,
// and the clients of the services.
#ifndef MOBILITY_TOOLS_MOBILITYCTL_CTL_H_
#define MOBILITY_TOOLS_MOBILITYCTL_CTL_H_

#include <google/protobuf/util/json_util.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/auth.h"
#include "common/client.h"
#include "common/config.h"
#include "common/grpc_status.h"
#include "common/status.h"
#include "common/types.h"
#include "mobility/agreements/v1/agreements.grpc.pb.h"
#include "mobility/applications/v1/applications.grpc.pb.h"
#include "mobility/grants/v1/grants.grpc.pb.h"

ABSL_DECLARE_FLAG(std::string, agreements_address);
ABSL_DECLARE_FLAG(std::string, applications_address);
ABSL_DECLARE_FLAG(std::string, grants_address);
ABSL_DECLARE_FLAG(std::string, inquiries_address);
ABSL_DECLARE_FLAG(std::string, token);
ABSL_DECLARE_FLAG(std::string, output);
ABSL_DECLARE_FLAG(int, timeout_seconds);
ABSL_DECLARE_FLAG(std::string, role);
ABSL_DECLARE_FLAG(std::string, subject);
ABSL_DECLARE_FLAG(std::string, signing_key);
ABSL_DECLARE_FLAG(std::string, internal_signing_key);
ABSL_DECLARE_FLAG(int, ttl_hours);
ABSL_DECLARE_FLAG(std::string, json);
ABSL_DECLARE_FLAG(std::string, id);
ABSL_DECLARE_FLAG(std::string, request_id);
ABSL_DECLARE_FLAG(std::string, institution);
ABSL_DECLARE_FLAG(std::string, office);
ABSL_DECLARE_FLAG(std::string, content_hash);
ABSL_DECLARE_FLAG(std::string, reason);
ABSL_DECLARE_FLAG(std::string, notice_date);
ABSL_DECLARE_FLAG(bool, immediately);
ABSL_DECLARE_FLAG(std::string, etag);
ABSL_DECLARE_FLAG(std::string, country);
ABSL_DECLARE_FLAG(std::string, partner);
ABSL_DECLARE_FLAG(std::string, year);
ABSL_DECLARE_FLAG(std::string, state);
ABSL_DECLARE_FLAG(int, page_size);
ABSL_DECLARE_FLAG(std::string, page_token);
ABSL_DECLARE_FLAG(int64_t, revision);
ABSL_DECLARE_FLAG(std::string, condition);
ABSL_DECLARE_FLAG(std::string, key);
ABSL_DECLARE_FLAG(bool, check);
ABSL_DECLARE_FLAG(std::string, budget);
ABSL_DECLARE_FLAG(std::string, signed_on);
ABSL_DECLARE_FLAG(std::string, actual_start);
ABSL_DECLARE_FLAG(std::string, actual_end);
ABSL_DECLARE_FLAG(std::string, report_date);
ABSL_DECLARE_FLAG(std::string, force_majeure);
ABSL_DECLARE_FLAG(std::string, decided_on);
ABSL_DECLARE_FLAG(std::string, call);
ABSL_DECLARE_FLAG(bool, open);
ABSL_DECLARE_FLAG(std::string, update_mask);
ABSL_DECLARE_FLAG(std::string, scores);
ABSL_DECLARE_FLAG(int, version);
ABSL_DECLARE_FLAG(std::string, signer_name);
ABSL_DECLARE_FLAG(std::string, position);
ABSL_DECLARE_FLAG(std::string, decision);

namespace mobility::ctl {

namespace v1 = ::mobility::agreements::v1;
namespace g1 = ::mobility::grants::v1;
namespace a1 = ::mobility::applications::v1;

inline constexpr int kUsage = 2;
inline constexpr int kFailed = 1;

// Prints the error with its reason and field violations; returns kFailed.
int Fail(const absl::Status& status);

// A date flag "YYYY-MM-DD"; INVALID_ARGUMENT naming --`name` otherwise.
absl::StatusOr<type::v1::Date> DateFlag(const absl::Flag<std::string>& flag,
                                        const char* name);
// Prints a usage error; returns kUsage.
int Usage(const std::string& message);
// Prints the help of `command`, or the list of commands; 0 when it knew it.
int Help(const std::string& command);

// The text of `path`, "-" for standard input.
absl::StatusOr<std::string> ReadInput(const std::string& path);
std::string Json(const google::protobuf::Message& message);
void PrintTable(const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows);

template <typename Message>
absl::Status ParseJson(const std::string& path, Message* message) {
  auto text = ReadInput(path);
  if (!text.ok()) return text.status();
  auto status = google::protobuf::util::JsonStringToMessage(*text, message);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", status.message().as_string()));
  }
  return absl::OkStatus();
}

// Prints one result in the chosen format.
template <typename Message, typename Table>
int Print(const Message& message, Table&& table) {
  if (absl::GetFlag(FLAGS_output) == "json") {
    std::cout << Json(message) << "\n";
  } else {
    table();
  }
  return 0;
}

template <typename Service>
class Client {
 public:
  explicit Client(const std::string& address)
      : stub_(Service::NewStub(NewChannel(address))) {}

  template <typename Request, typename Response, typename Method>
  absl::Status Call(Method method, const Request& request, Response* response) {
    OutboundCall call;
    call.bearer_token = absl::GetFlag(FLAGS_token);
    call.timeout = absl::Seconds(absl::GetFlag(FLAGS_timeout_seconds));
    auto context = NewClientContext(call);
    return FromGrpcStatus(
        (stub_.get()->*method)(context.get(), request, response));
  }

 private:
  std::unique_ptr<typename Service::Stub> stub_;
};

inline Client<v1::AgreementsService> AgreementsClient() {
  return Client<v1::AgreementsService>(absl::GetFlag(FLAGS_agreements_address));
}

// The commands.
int Token();
int Institutions(const std::vector<std::string>& args);
int Agreements(const std::vector<std::string>& args);
int Grants(const std::vector<std::string>& args);
int Budgets(const std::vector<std::string>& args);
int Calls(const std::vector<std::string>& args);
int Applications(const std::vector<std::string>& args);
int Inquiries(const std::vector<std::string>& args);
int Questions(const std::vector<std::string>& args);
int Offices(const std::vector<std::string>& args);
int Holidays(const std::vector<std::string>& args);

}  // namespace mobility::ctl

#endif  // MOBILITY_TOOLS_MOBILITYCTL_CTL_H_
