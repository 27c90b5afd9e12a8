// The coordinator's view of two copies: what differs, condition by
// condition, and nothing when they agree.
#include "services/ewp/iia_compare.h"

#include <gtest/gtest.h>

#include "absl/strings/str_replace.h"
#include "common/words_testing.h"
#include "services/ewp/ewp_testing.h"
#include "services/ewp/words.h"

namespace mobility::ewp {
namespace {

std::vector<IiaCondition> ConditionsOf(const std::string& xml) {
  auto hashes = HashIias(xml);
  EXPECT_TRUE(hashes.ok());
  return hashes.ok() && !hashes->empty() ? hashes->front().conditions
                                         : std::vector<IiaCondition>();
}

TEST(IiaCompareTest, TheSameConditionsDifferNowhere) {
  const std::string kit = testing::Read(
      EWP_SPECS "/ewp-specs-api-iias/resources/xsltKit/get-response-v7.xml");
  ASSERT_FALSE(kit.empty());
  EXPECT_TRUE(CompareConditions(ConditionsOf(kit), ConditionsOf(kit)).empty());
}

TEST(IiaCompareTest, ANumberChangedAndAConditionDroppedAreNamed) {
  const std::string kit = testing::Read(
      EWP_SPECS "/ewp-specs-api-iias/resources/xsltKit/get-response-v7.xml");
  const auto ours = ConditionsOf(kit);
  ASSERT_FALSE(ours.empty());
  std::string changed = kit;
  const size_t at = changed.find("<mobilities-per-year>");
  ASSERT_NE(at, std::string::npos);
  const size_t end = changed.find("</mobilities-per-year>", at);
  changed.replace(at, end - at, "<mobilities-per-year>97");
  const auto diffs = CompareConditions(ours, ConditionsOf(changed));
  ASSERT_EQ(diffs.size(), 1u);
  EXPECT_EQ(diffs[0].field(), "mobilities-per-year");
  EXPECT_EQ(diffs[0].theirs(), "97");
  EXPECT_NE(diffs[0].ours(), "97");

  std::vector<IiaCondition> fewer = ours;
  fewer.pop_back();
  const auto missing = CompareConditions(ours, fewer);
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0].field(), "");
  EXPECT_EQ(missing[0].ours(), "present");
  EXPECT_EQ(missing[0].theirs(), "");
}

TEST(EwpWordsTest, EveryKeyInKazakhRussianAndEnglish) {
  mobility::testing::ExpectCompleteCatalogue(words::kAll);
}

}  // namespace
}  // namespace mobility::ewp
