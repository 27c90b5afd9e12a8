#include "common/log.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

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

// Sends this process's stderr to a file for the life of the object.
class CapturedStderr {
 public:
  CapturedStderr() {
    char path[] = "/tmp/log-test-XXXXXX";
    const int fd = mkstemp(path);
    path_ = path;
    ::fcntl(fd, F_SETFL, O_APPEND);
    FlushLog();  // Earlier lines go where they were headed.
    saved_ = ::dup(STDERR_FILENO);
    ::dup2(fd, STDERR_FILENO);
    ::close(fd);
  }
  ~CapturedStderr() {
    FlushLog();
    ::dup2(saved_, STDERR_FILENO);
    ::close(saved_);
    std::remove(path_.c_str());
  }
  std::string Text() const {
    std::ifstream in(path_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  std::string path_;
  int saved_ = -1;
};

// Lines wait to be written together; none is cut, lost or reordered, and a
// warning takes every line before it out with it.
TEST(LogTest, LinesFromManyThreadsArriveWholeAndInOrder) {
  CapturedStderr captured;
  constexpr int kThreads = 4, kLines = 2000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < kLines; ++i) {
        Log(LogLevel::kInfo, "rpc",
            {{"thread", absl::StrCat(t)}, {"line", absl::StrCat(i)}});
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  Log(LogLevel::kWarning, "last");  // No FlushLog: the warning flushes.

  const std::string text = captured.Text();
  std::vector<int> next(kThreads, 0);
  int lines = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    ASSERT_TRUE(absl::StartsWith(line, "{") && absl::EndsWith(line, "}"))
        << line;
    ++lines;
    if (absl::StrContains(line, "\"event\":\"last\"")) continue;
    const size_t at = line.find("\"thread\":\"");
    ASSERT_NE(at, absl::string_view::npos) << line;
    const int t = line[at + 10] - '0';
    const size_t n = line.find("\"line\":\"") + 8;
    int i = -1;
    ASSERT_TRUE(absl::SimpleAtoi(line.substr(n, line.find('"', n) - n), &i));
    EXPECT_EQ(i, next[t]) << "thread " << t;
    next[t] = i + 1;
  }
  EXPECT_EQ(lines, kThreads * kLines + 1);
  EXPECT_TRUE(absl::EndsWith(text, "\"event\":\"last\"}\n"));
}

TEST(LogTest, AWarningTakesTheLinesBeforeItOutAtOnce) {
  CapturedStderr captured;
  Log(LogLevel::kInfo, "before");
  Log(LogLevel::kWarning, "warned");
  const std::string text = captured.Text();
  const size_t before = text.find("\"event\":\"before\"");
  ASSERT_NE(before, std::string::npos) << text;
  EXPECT_LT(before, text.find("\"event\":\"warned\"")) << text;
}

TEST(LogTest, AnInfoLineIsWrittenWithoutAFlush) {
  CapturedStderr captured;
  Log(LogLevel::kInfo, "alone");
  for (int i = 0; i < 500 && !absl::StrContains(captured.Text(), "alone"); ++i)
    usleep(10 * 1000);
  EXPECT_TRUE(absl::StrContains(captured.Text(), "\"event\":\"alone\""));
}

}  // namespace
}  // namespace mobility
