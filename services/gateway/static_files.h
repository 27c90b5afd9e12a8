// The files the gateway serves from its static folder: the web pages and
// /docs.
#ifndef MOBILITY_SERVICES_GATEWAY_STATIC_FILES_H_
#define MOBILITY_SERVICES_GATEWAY_STATIC_FILES_H_

#include <optional>
#include <string>

namespace mobility::gateway {

struct StaticFile {
  std::string content_type;
  std::string body;
};

// The file under `root` that the URL path `path` names (a folder means its
// index.html: "/" and "/docs"); none when there is no such file, its type is
// not one served, or the path would leave the folder.
std::optional<StaticFile> FindStaticFile(const std::string& root,
                                         const std::string& path);

}  // namespace mobility::gateway

#endif  // MOBILITY_SERVICES_GATEWAY_STATIC_FILES_H_
