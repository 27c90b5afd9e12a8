# Run with -DINPUT=... -DOUTPUT=... -DFUNCTION=...: writes a C++ source whose
# `std::string FUNCTION()` returns INPUT's bytes, so a deployed binary needs no
# side file.
file(READ ${INPUT} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
file(WRITE ${OUTPUT}.tmp
"// Generated from ${INPUT} by cmake/EmbedBytes.cmake. Do not edit.
#include <string>

namespace mobility {

std::string ${FUNCTION}() {
  static const char kBytes[] = {${bytes} 0};
  return std::string(kBytes, sizeof(kBytes) - 1);
}

}  // namespace mobility
")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
