// The static folder: pages by their paths, folders by their index.html, and
// nothing outside the folder or of a type not served.
#include "services/gateway/static_files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

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

// Issue 20: "//<absolute path>" replaced the folder with the host's root, so
// any file of a served type could be read.
TEST(StaticFilesTest, NoPathLeadsOutOfTheFolder) {
  const std::filesystem::path base =
      std::filesystem::path(::testing::TempDir()) / "static-files-escape";
  const std::filesystem::path root = base / "web";
  std::filesystem::create_directories(root / "docs");
  std::ofstream(root / "index.html") << "<h1>home</h1>";
  std::ofstream(root / "docs/index.html") << "<h1>docs</h1>";
  std::ofstream(base / "results.json") << R"({"secret":1})";
  std::error_code ignored;
  std::filesystem::create_symlink(base / "results.json", root / "linked.json",
                                  ignored);
  std::filesystem::create_directory_symlink(base, root / "docs/up", ignored);
  const std::string outside = (base / "results.json").string();

  for (const std::string& refused : std::vector<std::string>{
           "/" + outside, "//" + outside, "/.//" + outside, "/docs//index.html",
           "/linked.json", "/docs/up/results.json", "/%2e%2e/results.json",
           "/docs%2findex.html", "/..%2fresults.json", "/docs\\index.html",
           "/.hidden.html", "/./index.html", "/docs/./index.html"}) {
    EXPECT_FALSE(FindStaticFile(root.string(), refused).has_value()) << refused;
  }
  ASSERT_TRUE(FindStaticFile(root.string(), "/docs/").has_value());
  EXPECT_EQ(FindStaticFile(root.string(), "/docs/")->body, "<h1>docs</h1>");
  // The folder itself may be reached through a link: the real paths count.
  std::filesystem::create_directory_symlink(root, base / "web-link", ignored);
  EXPECT_TRUE(
      FindStaticFile((base / "web-link").string(), "/index.html").has_value());
}

}  // namespace
}  // namespace mobility::gateway
