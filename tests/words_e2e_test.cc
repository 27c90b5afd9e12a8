// Issue 23: a refusal reaches the reader in their language over the whole
// path, browser to gateway to service: the Accept-Language the page sends
// picks the google.rpc.LocalizedMessage and each field's localized_message,
// while `message` and `description` keep the English the logs and other
// clients read.
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/test_support.h"
#include "tests/e2e_support.h"

namespace mobility {
namespace {

class WordsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(stack_.Start()); }

  e2e::HttpReply SendCode(const std::string& body,
                          const std::string& accept_language) {
    std::vector<std::string> headers;
    if (!accept_language.empty())
      headers.push_back("Accept-Language: " + accept_language);
    return http_.Call("POST",
                      absl::StrCat("http://", stack_.gateway(),
                                   "/v1/applicantSessions:sendCode"),
                      body, headers);
  }

  testing::TestDatabase database_;
  std::string dir_ = e2e::MakeWorkspace();
  e2e::Stack stack_{database_.url(), dir_};
  e2e::HttpClient http_;
};

TEST_F(WordsTest, ARefusalReadsInTheLanguageThePageAsksFor) {
  const std::string bad = R"({"email": "not an address"})";
  const e2e::HttpReply kazakh = SendCode(bad, "kk");
  EXPECT_EQ(kazakh.status, 400) << kazakh.body;
  // The reader's words, beside the field and as the message...
  EXPECT_TRUE(absl::StrContains(
      kazakh.body,
      R"("localizedMessage":{"locale":"kk","message":"Электрондық пошта мекенжайын көрсетіңіз"})"))
      << kazakh.body;
  EXPECT_TRUE(absl::StrContains(
      kazakh.body,
      R"("locale":"kk","message":"Электрондық пошта мекенжайын көрсетіңіз")"))
      << kazakh.body;
  // ...and the English for logs and other clients.
  EXPECT_TRUE(absl::StrContains(
      kazakh.body, R"("message":"email: must be an e-mail address")"))
      << kazakh.body;

  const e2e::HttpReply russian = SendCode(bad, "ru-RU,ru;q=0.9,en;q=0.8");
  EXPECT_TRUE(
      absl::StrContains(russian.body, "Укажите адрес электронной почты"))
      << russian.body;
  // A browser asking for a language the pages do not speak reads English.
  const e2e::HttpReply german = SendCode(bad, "de-DE,de;q=0.9");
  EXPECT_TRUE(absl::StrContains(german.body, R"("locale":"en")"))
      << german.body;
  EXPECT_FALSE(absl::StrContains(german.body, "Укажите")) << german.body;
}

}  // namespace
}  // namespace mobility
