// Uploaded documents are recognised by their content: any bytes are PDF,
// JPEG, PNG or nothing, and a name's extension maps to one of those or none.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>

#include "services/applications/application_rules.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::set<std::string> kKnown = {"application/pdf", "image/jpeg",
                                               "image/png"};
  const std::string input(reinterpret_cast<const char*>(data), size);
  auto content = mobility::applications::DetectMediaType(input);
  if (content.has_value() && !kKnown.count(*content)) std::abort();
  auto named = mobility::applications::MediaTypeOfName(input);
  if (named.has_value() && !kKnown.count(*named)) std::abort();
  return 0;
}
