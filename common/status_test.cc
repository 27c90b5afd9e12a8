#include "common/status.h"

#include <gtest/gtest.h>

#include "common/common_words.h"
#include "common/grpc_status.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace mobility {
namespace {

TEST(StatusTest, ViolationsListEveryField) {
  Violations v;
  v.Add("institution.country_code", Text(common_words::COUNTRY_CODE));
  v.Add("institution.latitude",
        Text(common_words::BETWEEN, {{"min", -90}, {"max", 90}}));
  absl::Status status = v.ToStatus("INVALID_INSTITUTION");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(status), "INVALID_INSTITUTION");
  auto fields = FieldViolationsOf(status);
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[1].field, "institution.latitude");
}

TEST(StatusTest, ABadRequestListsFiftyViolationsThenCountsTheRest) {
  Violations v;
  for (int i = 0; i < 120; ++i) v.Add("field", Text(common_words::REQUIRED));
  absl::Status status = v.ToStatus("INVALID");
  auto fields = FieldViolationsOf(status);
  ASSERT_EQ(fields.size(), kMaxFieldViolations + 1);
  EXPECT_EQ(fields.back().field, "*");
  EXPECT_EQ(fields.back().description, "70 more answers need correcting");
  // Small enough for gRPC's metadata whatever the caller sent.
  EXPECT_LT(ToGrpcStatus(status).error_details().size(), 8192u);
}

TEST(StatusTest, GrpcStatusCarriesErrorInfoAndBadRequest) {
  absl::Status status =
      InvalidField("page_size", Text(common_words::NOT_NEGATIVE));
  // As a server sends it: in the caller's language, the words it was built
  // with turned into a LocalizedMessage, nothing internal on the wire.
  grpc::Status grpc_status =
      ToGrpcStatus(InLanguage(status, Language::kRussian));
  EXPECT_EQ(grpc_status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(grpc_status.error_details()));
  ASSERT_EQ(details.details_size(), 3);
  google::rpc::ErrorInfo info;
  google::rpc::BadRequest bad_request;
  google::rpc::LocalizedMessage localized;
  for (const auto& any : details.details()) {
    if (any.Is<google::rpc::ErrorInfo>()) any.UnpackTo(&info);
    if (any.Is<google::rpc::BadRequest>()) any.UnpackTo(&bad_request);
    if (any.Is<google::rpc::LocalizedMessage>()) any.UnpackTo(&localized);
  }
  EXPECT_EQ(localized.locale(), "ru");
  EXPECT_EQ(localized.message(),
            Text(common_words::NOT_NEGATIVE).In(Language::kRussian));
  EXPECT_EQ(info.domain(), "mobility-office");
  EXPECT_EQ(bad_request.field_violations(0).field(), "page_size");

  absl::Status back = FromGrpcStatus(grpc_status);
  EXPECT_EQ(back.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(back)[0].field, "page_size");
}

// A refusal whose detail is the operators' (a lost database, an overloaded
// service) reads in the reader's language by its code; one that came from
// another service in the reader's language already is left as it is.
TEST(StatusTest, ARefusalWithoutWordsReadsByItsCode) {
  const absl::Status lost =
      InLanguage(Error(absl::StatusCode::kUnavailable, "DATABASE_UNAVAILABLE",
                       "the database connection was lost"),
                 Language::kKazakh);
  EXPECT_EQ(lost.message(), "the database connection was lost");
  EXPECT_EQ(LocalizedMessageOf(lost),
            Text(common_words::TRY_AGAIN_SOON).In(Language::kKazakh));
  EXPECT_EQ(LocalizedMessageOf(InLanguage(lost, Language::kRussian)),
            LocalizedMessageOf(lost));
  EXPECT_EQ(LocalizedMessageOf(
                InLanguage(absl::NotFoundError("gone"), Language::kRussian)),
            "Не найдено");
  EXPECT_TRUE(InLanguage(absl::OkStatus(), Language::kRussian).ok());
}

TEST(StatusTest, BareStatusGetsAnErrorInfo) {
  grpc::Status grpc_status =
      ToGrpcStatus(absl::NotFoundError("no such agreement"));
  EXPECT_EQ(ErrorReason(FromGrpcStatus(grpc_status)), "NOT_FOUND");
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
}

TEST(StatusTest, RetryDelaySurvivesTheWire) {
  absl::Status status = WithRetryDelay(
      Error(absl::StatusCode::kResourceExhausted, "RATE_LIMITED", "wait"),
      absl::Seconds(1234) + absl::Milliseconds(500));
  absl::Status back = FromGrpcStatus(ToGrpcStatus(status));
  EXPECT_EQ(back.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ErrorReason(back), "RATE_LIMITED");
  EXPECT_EQ(RetryDelayOf(back), absl::Seconds(1234) + absl::Milliseconds(500));
  EXPECT_EQ(RetryDelayOf(absl::UnavailableError("x")), absl::ZeroDuration());
}

}  // namespace
}  // namespace mobility
