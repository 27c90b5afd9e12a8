# mobility_embed_migrations(TARGET SCHEMA FUNCTION DIR): compiles DIR/*.sql into TARGET as
# `std::vector<mobility::Migration> FUNCTION()`.
function(mobility_embed_migrations target schema function dir)
  file(GLOB sql_files CONFIGURE_DEPENDS ${dir}/*.sql)
  list(SORT sql_files)
  set(output ${CMAKE_CURRENT_BINARY_DIR}/${schema}_migrations.cc)
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DSCHEMA=${schema} -DFUNCTION=${function} -DOUTPUT=${output}
            "-DFILES=${sql_files}" -P ${PROJECT_SOURCE_DIR}/cmake/EmbedMigrations.cmake
    DEPENDS ${sql_files} ${PROJECT_SOURCE_DIR}/cmake/EmbedMigrations.cmake
    COMMENT "Embedding ${schema} migrations"
    VERBATIM)
  target_sources(${target} PRIVATE ${output})
endfunction()

# mobility_test(NAME SOURCES... LIBS ...): a GoogleTest binary registered with CTest. Tests that need
# PostgreSQL read MOBILITY_TEST_DATABASE_URL, which deploy/test.sh sets.
function(mobility_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_compile_options(${name} PRIVATE ${MOBILITY_WARNINGS})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main GTest::gmock)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 30 PROPERTIES TIMEOUT 300)
endfunction()
