#include "services/gateway/static_files.h"

#include <filesystem>
#include <fstream>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"

namespace mobility::gateway {
namespace {

// A URL path the folder may answer: "/" then segments of their own, none
// empty (so no "//", which would make the rest an absolute path), none "." or
// ".." or hidden, and no percent-encoding or backslash that a later decoding
// could turn into a separator.
bool IsPlainPath(const std::string& path) {
  if (path.empty() || path[0] != '/') return false;
  if (path == "/") return true;
  for (char c : path) {
    if (c == '\0' || c == '%' || c == '\\' ||
        static_cast<unsigned char>(c) < 0x20) {
      return false;
    }
  }
  absl::string_view rest(path);
  rest.remove_prefix(1);
  if (absl::EndsWith(rest, "/")) rest.remove_suffix(1);  // "/docs/" is /docs.
  for (absl::string_view segment : absl::StrSplit(rest, '/')) {
    if (segment.empty() || segment[0] == '.') return false;
  }
  return true;
}

}  // namespace

std::optional<StaticFile> FindStaticFile(const std::string& root,
                                         const std::string& path) {
  if (root.empty() || !IsPlainPath(path)) return std::nullopt;
  std::error_code error;
  // The file is served only when its real path, symbolic links resolved,
  // lies inside the folder's real path.
  const std::filesystem::path base = std::filesystem::canonical(root, error);
  if (error) return std::nullopt;
  std::filesystem::path file =
      std::filesystem::canonical(base / path.substr(1), error);
  if (error) return std::nullopt;
  if (std::filesystem::is_directory(file, error)) {
    file = std::filesystem::canonical(file / "index.html", error);
    if (error) return std::nullopt;
  }
  const auto [inside, ignored] =
      std::mismatch(base.begin(), base.end(), file.begin(), file.end());
  if (inside != base.end() || file == base) return std::nullopt;
  if (!std::filesystem::is_regular_file(file, error)) return std::nullopt;
  static const std::map<std::string, std::string> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"}};
  auto type = kTypes.find(file.extension().string());
  if (type == kTypes.end()) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  return StaticFile{type->second,
                    std::string((std::istreambuf_iterator<char>(in)), {})};
}

}  // namespace mobility::gateway
