# Run with -DSCHEMA=... -DFUNCTION=... -DOUTPUT=... -DFILES="a.sql;b.sql": writes a C++ source that
# returns the service's numbered migrations, so a deployed binary needs no source tree.
set(body "")
foreach(file ${FILES})
  get_filename_component(base ${file} NAME_WE)
  if(NOT base MATCHES "^([0-9][0-9][0-9][0-9])_([a-z0-9_]+)$")
    message(FATAL_ERROR "migration ${file} must be named NNNN_description.sql")
  endif()
  set(version ${CMAKE_MATCH_1})
  set(name ${CMAKE_MATCH_2})
  math(EXPR version "${version}")
  file(READ ${file} sql)
  string(APPEND body "      {${version}, \"${name}\", R\"mobility_sql(${sql})mobility_sql\"},\n")
endforeach()
file(WRITE ${OUTPUT}.tmp
"// Generated from ${SCHEMA}'s migrations/*.sql by cmake/EmbedMigrations.cmake. Do not edit.
#include <vector>

#include \"common/migrations.h\"

namespace mobility {

std::vector<Migration> ${FUNCTION}() {
  return {
${body}  };
}

}  // namespace mobility
")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
file(REMOVE ${OUTPUT}.tmp)
