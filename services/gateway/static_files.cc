#include "services/gateway/static_files.h"

#include <filesystem>
#include <fstream>
#include <map>

namespace mobility::gateway {

std::optional<StaticFile> FindStaticFile(const std::string& root,
                                         const std::string& path) {
  if (root.empty() || path.empty() || path[0] != '/' ||
      path.find("..") != std::string::npos ||
      path.find('\0') != std::string::npos) {
    return std::nullopt;
  }
  std::filesystem::path file = std::filesystem::path(root) / path.substr(1);
  std::error_code error;
  if (std::filesystem::is_directory(file, error)) file /= "index.html";
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
