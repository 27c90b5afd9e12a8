#include "common/server.h"

#include <google/protobuf/wrappers.pb.h>
#include <grpcpp/support/byte_buffer.h>
#include <gtest/gtest.h>

#include "common/status.h"

namespace mobility {
namespace {

grpc::ByteBuffer Bytes(const std::string& data) {
  grpc::Slice slice(data);
  return grpc::ByteBuffer(&slice, 1);
}

// Issue 22: calls that expired while grants was frozen were logged as
// malformed; gRPC had handed over no message because none arrived.
TEST(ParseRequestTest, NoMessageIsACallThatEndedNotAMalformedOne) {
  google::protobuf::StringValue request;
  const absl::Status never = ParseRequest(grpc::ByteBuffer(), &request);
  EXPECT_EQ(never.code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(ErrorReason(never), "REQUEST_NEVER_ARRIVED");

  EXPECT_TRUE(ParseRequest(Bytes(""), &request).ok());  // An empty message.
  const absl::Status junk = ParseRequest(Bytes("\xff\xff"), &request);
  EXPECT_EQ(junk.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(junk), "MALFORMED_REQUEST");
}

}  // namespace
}  // namespace mobility
