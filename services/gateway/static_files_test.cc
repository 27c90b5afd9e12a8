// The static folder: pages by their paths, folders by their index.html, and
// nothing outside the folder or of a type not served.
#include "services/gateway/static_files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace mobility::gateway {
namespace {

TEST(StaticFilesTest, ServesThePagesAndNothingOutsideTheirFolder) {
  const std::filesystem::path root =
      std::filesystem::path(::testing::TempDir()) / "static-files-test/web";
  std::filesystem::create_directories(root / "track");
  std::ofstream(root / "index.html") << "<h1>home</h1>";
  std::ofstream(root / "track/index.html") << "<h1>track</h1>";
  std::ofstream(root / "site.css") << "body {}";
  std::ofstream(root / "notes.txt") << "not served";
  std::ofstream(root.parent_path() / "secret.html") << "outside";

  auto home = FindStaticFile(root.string(), "/");
  ASSERT_TRUE(home.has_value());
  EXPECT_EQ(home->body, "<h1>home</h1>");
  EXPECT_EQ(home->content_type, "text/html; charset=utf-8");
  auto track = FindStaticFile(root.string(), "/track");
  ASSERT_TRUE(track.has_value());
  EXPECT_EQ(track->body, "<h1>track</h1>");
  ASSERT_TRUE(FindStaticFile(root.string(), "/site.css").has_value());
  EXPECT_EQ(FindStaticFile(root.string(), "/site.css")->content_type,
            "text/css; charset=utf-8");

  for (const char* refused :
       {"/notes.txt", "/missing.html", "/../secret.html",
        "/track/../../secret.html", "relative.html", ""}) {
    EXPECT_FALSE(FindStaticFile(root.string(), refused).has_value()) << refused;
  }
  EXPECT_FALSE(FindStaticFile("", "/").has_value());  // No folder: no pages.
}

}  // namespace
}  // namespace mobility::gateway
