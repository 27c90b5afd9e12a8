#include "services/gateway/path_template.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mobility::gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

PathTemplate T(const char* text) {
  auto t = PathTemplate::Parse(text);
  EXPECT_TRUE(t.ok()) << text << ": " << t.status();
  return *t;
}

TEST(PathTemplateTest, LiteralsVariablesAndVerbs) {
  EXPECT_THAT(*T("/v1/agreements").Match("/v1/agreements"), ElementsAre());
  EXPECT_FALSE(T("/v1/agreements").Match("/v1/agreements/x").has_value());
  EXPECT_THAT(*T("/v1/{name=agreements/*}").Match("/v1/agreements/ka171"),
              ElementsAre(Pair("name", "agreements/ka171")));
  EXPECT_FALSE(
      T("/v1/{name=agreements/*}").Match("/v1/institutions/x").has_value());
  EXPECT_THAT(
      *T("/v1/{name=agreements/*}:approve").Match("/v1/agreements/a1:approve"),
      ElementsAre(Pair("name", "agreements/a1")));
  EXPECT_FALSE(T("/v1/{name=agreements/*}:approve")
                   .Match("/v1/agreements/a1")
                   .has_value());
  EXPECT_FALSE(
      T("/v1/{name=agreements/*}").Match("/v1/agreements/a1:approve") ==
      std::nullopt);  // Without a verb the colon is part of the id.
  EXPECT_THAT(*T("/v1/inquiries:track").Match("/v1/inquiries:track"),
              ElementsAre());
  EXPECT_THAT(*T("/v1/{agreement.name=agreements/*}").Match("/v1/agreements/x"),
              ElementsAre(Pair("agreement.name", "agreements/x")));
  EXPECT_THAT(*T("/v1/agreements/{agreement}/quota")
                   .Match("/v1/agreements/a%2Fb/quota"),
              ElementsAre(Pair("agreement", "a/b")));
}

TEST(PathTemplateTest, DoubleStarTakesTheRest) {
  PathTemplate t = T("/v1/{name=files/**}");
  EXPECT_THAT(*t.Match("/v1/files/a/b/c"),
              ElementsAre(Pair("name", "files/a/b/c")));
  EXPECT_FALSE(t.Match("/v1/files").has_value());
}

TEST(PathTemplateTest, MalformedTemplatesAndPaths) {
  for (const char* bad : {"", "v1/x", "/v1/{name", "/v1/name}", "/v1//x",
                          "/v1/{1name}", "/v1/**/x", "/v1/x:", "/v1/{a={b}}"}) {
    EXPECT_FALSE(PathTemplate::Parse(bad).ok()) << bad;
  }
  PathTemplate t = T("/v1/{name=agreements/*}");
  EXPECT_FALSE(t.Match("/v1/agreements/").has_value());
  EXPECT_FALSE(t.Match("/v1/agreements/%zz").has_value());
  EXPECT_FALSE(t.Match("v1/agreements/x").has_value());
  EXPECT_EQ(PercentDecode("a%20b%2f"), "a b/");
  EXPECT_FALSE(PercentDecode("%2").has_value());
}

}  // namespace
}  // namespace mobility::gateway
