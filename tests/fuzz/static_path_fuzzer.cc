// The gateway's static folder against any URL path: whatever the path, a file
// it answers with is one of the folder's own. The folder holds a page, a
// subfolder, and links that lead out of it (to a file beside the folder and to
// the filesystem's root); the secret beside the folder must never come back.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "services/gateway/static_files.h"

namespace fs = std::filesystem;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string* root = [] {
    const fs::path base = fs::temp_directory_path() /
                          ("static-path-fuzzer-" + std::to_string(getpid()));
    fs::create_directories(base / "web/docs");
    std::ofstream(base / "web/index.html") << "home";
    std::ofstream(base / "web/docs/index.html") << "docs";
    std::ofstream(base / "secret.json") << "SECRET";
    std::error_code ignored;
    fs::create_symlink(base / "secret.json", base / "web/linked.json", ignored);
    fs::create_directory_symlink("/", base / "web/host", ignored);
    fs::create_directory_symlink(base, base / "web/docs/up", ignored);
    return new std::string((base / "web").string());
  }();
  const std::string path(reinterpret_cast<const char*>(data), size);
  const auto file = mobility::gateway::FindStaticFile(*root, path);
  if (file.has_value() && file->body != "home" && file->body != "docs") {
    std::abort();  // Something outside the folder was served.
  }
  return 0;
}
