#include "common/api.h"

#include <gtest/gtest.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "mobility/applications/v1/applications.pb.h"
#include "mobility/inquiries/v1/inquiries.pb.h"

namespace mobility {
namespace {

TEST(PageSizeTest, ZeroMeansDefaultLargeIsClampedNegativeIsRefused) {
  EXPECT_EQ(*EffectivePageSize(0), kDefaultPageSize);
  EXPECT_EQ(*EffectivePageSize(1), 1);
  EXPECT_EQ(*EffectivePageSize(kMaxPageSize), kMaxPageSize);
  EXPECT_EQ(*EffectivePageSize(kMaxPageSize + 1), kMaxPageSize);
  auto negative = EffectivePageSize(-1);
  ASSERT_EQ(negative.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(negative.status())[0].field, "page_size");
}

TEST(PageTokenTest, RoundTripsTheLastKey) {
  std::string token = EncodePageToken("country=LV", "institutions/abcd");
  EXPECT_EQ(*DecodePageToken(token, "country=LV"), "institutions/abcd");
  EXPECT_EQ(*DecodePageToken("", "country=LV"), "");
}

TEST(PageTokenTest, RefusesATokenOfAnotherQuery) {
  std::string token = EncodePageToken("country=LV", "abcd");
  auto other = DecodePageToken(token, "country=KZ");
  ASSERT_EQ(other.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(other.status())[0].field, "page_token");
}

TEST(PageTokenTest, RefusesGarbage) {
  for (const char* bad :
       {"not base64!", "djE", "eHl6Cnl6Cg", "djEKMTIzNDU2Nzg5MDEyMzQ1Ngo"}) {
    EXPECT_EQ(DecodePageToken(bad, "q").status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

TEST(PageTokenTest, RefusesAnAlteredOrForgedToken) {
  const std::string token = EncodePageToken("q", "institutions/abcd");
  // Another last key under the same MAC.
  std::string payload;
  ASSERT_TRUE(
      absl::WebSafeBase64Unescape(token.substr(0, token.find('.')), &payload));
  payload.back() = 'e';
  const std::string altered = absl::StrCat(absl::WebSafeBase64Escape(payload),
                                           token.substr(token.find('.')));
  auto refused = DecodePageToken(altered, "q");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(refused.status())[0].field, "page_token");
  // A token made under another key (another deployment) is foreign too.
  SetPageTokenKey("another key shared by other replicas");
  EXPECT_FALSE(DecodePageToken(token, "q").ok());
  EXPECT_EQ(*DecodePageToken(EncodePageToken("q", "k"), "q"), "k");
}

TEST(ResourceIdTest, FollowsAip122) {
  EXPECT_TRUE(IsValidResourceId("kokshetau-amu"));
  EXPECT_TRUE(IsValidResourceId("abcd"));
  EXPECT_FALSE(IsValidResourceId("abc"));                 // Too short.
  EXPECT_TRUE(IsValidResourceId(std::string(63, 'a')));   // Longest.
  EXPECT_FALSE(IsValidResourceId(std::string(64, 'a')));  // Too long.
  EXPECT_FALSE(IsValidResourceId("1abc"));
  EXPECT_FALSE(IsValidResourceId("abc-"));
  EXPECT_FALSE(IsValidResourceId("Abcd"));
  EXPECT_FALSE(IsValidResourceId("ab_cd"));
}

TEST(ResourceNameTest, ParsesGeneratedAndChosenIds) {
  std::string generated = NewResourceId();
  EXPECT_EQ(generated.size(), 32u);
  EXPECT_EQ(
      *ParseResourceName("name", "institutions/" + generated, "institutions"),
      generated);
  EXPECT_EQ(*ParseResourceName("name", "institutions/via-lv", "institutions"),
            "via-lv");
  EXPECT_FALSE(
      ParseResourceName("name", "agreements/via-lv", "institutions").ok());
  EXPECT_FALSE(ParseResourceName("name", "institutions/", "institutions").ok());
  EXPECT_FALSE(
      ParseResourceName("name", "institutions/a/b", "institutions").ok());
}

TEST(RequestIdTest, AcceptsOnlyUuids) {
  EXPECT_TRUE(ValidateRequestId("request_id", "").ok());
  EXPECT_TRUE(
      ValidateRequestId("request_id", "123e4567-e89b-12d3-a456-426614174000")
          .ok());
  EXPECT_FALSE(
      ValidateRequestId("request_id", "123e4567-e89b-12d3-a456-42661417400")
          .ok());
  EXPECT_FALSE(
      ValidateRequestId("request_id", "123e4567e89b12d3a456426614174000").ok());
  EXPECT_FALSE(
      ValidateRequestId("request_id", "g23e4567-e89b-12d3-a456-426614174000")
          .ok());
}

TEST(EtagTest, ChangesWithRevisionAndStaleIsAborted) {
  std::string e1 = Etag("institutions/abcd", 1);
  std::string e2 = Etag("institutions/abcd", 2);
  EXPECT_NE(e1, e2);
  EXPECT_TRUE(CheckEtag("", e2).ok());
  EXPECT_TRUE(CheckEtag(e2, e2).ok());
  EXPECT_EQ(CheckEtag(e1, e2).code(), absl::StatusCode::kAborted);
}

TEST(HashTest, Sha256OfKnownInput) {
  EXPECT_EQ(Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// Issue 20: "x@example.kz\0N" passed as sixteen addresses to the rate limit
// and as one to the mailbox PostgreSQL kept, cut at the NUL.
TEST(CheckTextsTest, NoTextSmugglesAControlCharacter) {
  EXPECT_FALSE(
      IsPlausibleEmail(std::string("x@example.kz\0"
                                   "1",
                                   14)));
  EXPECT_FALSE(IsPlausibleEmail("x@example.kz\r\nBcc: y@example.kz"));
  EXPECT_FALSE(IsPlausibleEmail("x@exa\x7fmple.kz"));
  EXPECT_TRUE(IsPlausibleEmail("x@example.kz"));

  inquiries::v1::CreateInquiryRequest inquiry;
  inquiry.mutable_inquiry()->set_subject("Grant\r\nBcc: someone");
  inquiry.mutable_inquiry()->set_text("Line one\r\nLine two\twith a tab");
  inquiry.mutable_inquiry()->mutable_author()->set_full_name(
      std::string("Dana\0Seitkali", 14));
  inquiry.mutable_inquiry()->mutable_author()->set_email("dana@example.kz");
  Violations violations;
  CheckTexts(inquiry, "", violations);
  absl::Status status = violations.ToStatus("CONTROL_CHARACTERS");
  std::vector<std::string> fields;
  for (const auto& v : FieldViolationsOf(status)) fields.push_back(v.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"inquiry.subject",
                                              "inquiry.author.full_name"}));

  // A free text keeps its lines, but no other control character.
  inquiry.mutable_inquiry()->set_subject("Grant");
  inquiry.mutable_inquiry()->mutable_author()->set_full_name("Dana Seitkali");
  Violations clean;
  CheckTexts(inquiry, "", clean);
  EXPECT_TRUE(clean.empty());
  inquiry.mutable_inquiry()->set_text("bell\a");
  Violations bell;
  CheckTexts(inquiry, "", bell);
  EXPECT_FALSE(bell.empty());

  // Repeated texts and messages name their index.
  applications::v1::CreateCallRequest round;
  round.mutable_call()->add_condition_ids("kz-lv-studies");
  round.mutable_call()->add_condition_ids("kz-lv\nteaching");
  Violations repeated;
  CheckTexts(round, "", repeated);
  ASSERT_EQ(FieldViolationsOf(repeated.ToStatus("X")).size(), 1u);
  EXPECT_EQ(FieldViolationsOf(repeated.ToStatus("X"))[0].field,
            "call.condition_ids[1]");
}

}  // namespace
}  // namespace mobility
