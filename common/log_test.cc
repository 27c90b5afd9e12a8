#include "common/log.h"

#include <gtest/gtest.h>

namespace mobility {
namespace {

TEST(LogTest, WritesOneJsonObjectWithEscapedValues) {
  std::string line = FormatLogLine(
      LogLevel::kWarning, "agreements", "2026-11-28T10:00:00.000Z", "rpc",
      {{"method", "Get\"Agreement\"\n"}, {"status", "OK"}});
  EXPECT_EQ(
      line,
      R"({"level":"warning","time":"2026-11-28T10:00:00.000Z","service":"agreements",)"
      R"("event":"rpc","method":"Get\"Agreement\"\n","status":"OK"})");
}

TEST(LogTest, EscapesControlCharacters) {
  std::string line = FormatLogLine(LogLevel::kInfo, "s", "t", "e",
                                   {{"k", std::string("\x01", 1)}});
  EXPECT_NE(line.find(R"("k":"\u0001")"), std::string::npos);
}

}  // namespace
}  // namespace mobility
